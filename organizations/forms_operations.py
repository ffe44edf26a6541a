"""The reorganization forms, one per operation of `organizations.reorganize` (found, rename, move,
merge, split, dissolve, re-found), and the committee staff's "found a subordinate cell".

Each `clean()` looks every code up (so that all the wrong codes are named at once), then builds
what its operation takes; `arguments()` hands it over. What the shared fields and lookups are:
`organizations.forms`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations import reorganize
from organizations.forms import (
    KIND_CHOICES,
    PARENTS,
    TEXT,
    OperationForm,
    code_field,
    codes_field,
    kind_field,
    name_field,
    new_unit,
    place_field,
)
from organizations.models import TIER_OF_KIND, Kind, Unit
from organizations.reorganize import NewUnit


def _code_input(label, required=True):
    return forms.CharField(label=label, max_length=40, required=required, widget=forms.TextInput(attrs=TEXT))


class FoundForm(OperationForm):
    operation = staticmethod(reorganize.found)
    title = gettext_lazy("Found a unit")
    code = _code_input(gettext_lazy("code"))
    name = name_field()
    kind = kind_field()
    place_type = place_field()
    parent = code_field(gettext_lazy("under"), PARENTS)

    def clean(self):
        data = super().clean()
        self.spec = new_unit(
            self, code="code", name="name", kind="kind", parent="parent", place_type="place_type"
        )
        return data

    def arguments(self):
        return {"unit": self.spec}


class FoundCellForm(OperationForm):
    """Committee staff found a subordinate cell under one of their grassroots party committees."""

    operation = staticmethod(reorganize.found)
    title = gettext_lazy("Found a subordinate cell")
    code = _code_input(gettext_lazy("code"))
    name = name_field()
    place_type = place_field()

    def __init__(self, *args, parent: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent

    def clean(self):
        data = super().clean()
        data["kind"] = Kind.SUBORDINATE_CELL
        self.spec = new_unit(
            self, code="code", name="name", kind="kind", parent=self.parent, place_type="place_type"
        )
        return data

    def arguments(self):
        return {"unit": self.spec}


class RenameForm(OperationForm):
    operation = staticmethod(reorganize.rename)
    title = gettext_lazy("Rename a unit")
    unit_code = code_field(gettext_lazy("unit"))
    name = name_field(gettext_lazy("new name"))

    def clean(self):
        data = super().clean()
        self.target = self.unit("unit_code")
        return data

    def arguments(self):
        return {"unit": self.target, "name": self.cleaned_data["name"].strip()}


class MoveForm(OperationForm):
    operation = staticmethod(reorganize.move)
    title = gettext_lazy("Move units")
    unit_codes = codes_field(gettext_lazy("units to move"))
    parent = code_field(gettext_lazy("to (the new parent)"), PARENTS)
    kind = kind_field(gettext_lazy("new kind"), required=False)

    def clean(self):
        data = super().clean()
        self.moved, self.target = self.units("unit_codes"), self.unit("parent")
        return data

    def arguments(self):
        kind = self.cleaned_data.get("kind") or None
        tier = TIER_OF_KIND[kind] if kind else None
        return {"units": self.moved, "parent": self.target, "kind": kind, "tier": tier}


class MergeForm(OperationForm):
    operation = staticmethod(reorganize.merge)
    title = gettext_lazy("Merge units")
    unit_codes = codes_field(gettext_lazy("units to merge"))
    into = code_field(gettext_lazy("into the existing unit"), required=False)
    new_code = _code_input(gettext_lazy("or into a new unit: its code"), required=False)
    new_name = name_field(gettext_lazy("its name"), required=False)
    new_kind = forms.ChoiceField(
        label=gettext_lazy("its kind"),
        choices=[("", "—"), *KIND_CHOICES],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    new_place_type = place_field(gettext_lazy("its type of place"))
    new_parent = code_field(gettext_lazy("under"), PARENTS, required=False)

    def clean(self):
        data = super().clean()
        self.merged = self.units("unit_codes")
        self.successor = None
        if data.get("into"):
            self.successor = self.unit("into")
        elif all(data.get(name) for name in ("new_code", "new_name", "new_kind", "new_parent")):
            self.successor = new_unit(
                self,
                code="new_code",
                name="new_name",
                kind="new_kind",
                parent="new_parent",
                place_type="new_place_type",
            )
        else:
            raise ValidationError(
                _(
                    "Name the unit they merge into: its code, or the code, name, kind and parent "
                    "of a new unit."
                )
            )
        return data

    def arguments(self):
        return {"units": self.merged, "into": self.successor}


class SplitForm(OperationForm):
    operation = staticmethod(reorganize.split)
    title = gettext_lazy("Split a unit")
    unit_code = code_field(gettext_lazy("unit to split"))
    successors = forms.CharField(
        label=gettext_lazy("successors"),
        max_length=20000,
        help_text=gettext_lazy(
            "One per line: the code of an existing unit, or a new code followed by the new unit's name "
            "(founded with the kind and type of place of the unit split)."
        ),
        widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
    )
    heir = forms.IntegerField(
        label=gettext_lazy("the line of the successor that carries the history"),
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs=TEXT),
    )
    parent = code_field(gettext_lazy("new units under (empty: the same parent)"), PARENTS, required=False)

    def clean(self):
        data = super().clean()
        self.target = self.unit("unit_code")
        parent = self.unit("parent") if data.get("parent") else getattr(self.target, "parent", None)
        self.into = [
            self._successor(code.upper(), name.strip(), parent)
            for code, _space, name in (
                line.strip().partition(" ") for line in data.get("successors", "").splitlines()
            )
            if code
        ]
        heir = data.get("heir")
        if heir and self.into and not heir <= len(self.into):
            self.add_error("heir", _("Choose a line between 1 and %(n)d.") % {"n": len(self.into)})
        return data

    def _successor(self, code: str, name: str, parent: Unit | None):
        if not name:
            unit = Unit.objects.for_user(self.user).filter(code=code).first()
            if unit is None:
                self.add_error("successors", _("No unit has the code %(code)s.") % {"code": code})
            return unit
        if Unit.objects.filter(code=code).exists():
            self.add_error("successors", _("A unit with the code %(code)s already exists.") % {"code": code})
        if self.target is None or parent is None:
            return None
        target = self.target
        return NewUnit(
            code=code,
            name=name,
            tier=target.tier,
            kind=target.kind,
            parent=parent,
            place_type=target.place_type,
        )

    def arguments(self):
        return {"unit": self.target, "into": self.into, "heir": self.cleaned_data["heir"] - 1}

    def subject(self, outcome):
        return outcome.units[self.cleaned_data["heir"] - 1]


class DissolveForm(OperationForm):
    operation = staticmethod(reorganize.dissolve)
    title = gettext_lazy("Dissolve a unit")
    unit_code = code_field(gettext_lazy("unit to dissolve"))

    def clean(self):
        data = super().clean()
        self.target = self.unit("unit_code")
        return data

    def arguments(self):
        return {"unit": self.target}


class RefoundForm(OperationForm):
    operation = staticmethod(reorganize.refound)
    title = gettext_lazy("Re-found a unit")
    unit_code = code_field(gettext_lazy("unit to re-found"))
    new_code = _code_input(gettext_lazy("new code"))
    new_name = name_field(gettext_lazy("new name"))
    new_kind = kind_field(gettext_lazy("new kind"), required=False)
    new_place_type = place_field(gettext_lazy("new type of place (empty: unchanged)"))
    parent = code_field(gettext_lazy("under"), PARENTS)

    def clean(self):
        data = super().clean()
        self.target = self.unit("unit_code")
        if self.target is not None:
            data["new_kind"] = data.get("new_kind") or self.target.kind
            data["new_place_type"] = data.get("new_place_type") or self.target.place_type
        self.spec = new_unit(
            self,
            code="new_code",
            name="new_name",
            kind="new_kind",
            parent="parent",
            place_type="new_place_type",
        )
        return data

    def arguments(self):
        return {"unit": self.target, "as_unit": self.spec}


# The provincial operations, by the name of their URL.
OPERATION_FORMS = {
    "found": FoundForm,
    "rename": RenameForm,
    "move": MoveForm,
    "merge": MergeForm,
    "split": SplitForm,
    "dissolve": DissolveForm,
    "refound": RefoundForm,
}
