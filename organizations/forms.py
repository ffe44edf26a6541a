"""What every reorganization form shares (the forms themselves: `organizations.forms_operations`).

Each form reads what the decision says — units by their code, dates as offices type them
(d/m/yyyy, through `imports.cells.parse_date`), the decision's number, date and note — and turns
it into the keyword arguments of its operation (`arguments()`). Units are looked up only among
those the user may see (`Unit.objects.for_user`); the rules of the tree (alive that day, no cycle,
closed years, ratings after an end) are the operation's, which refuses with its own message.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.cells import parse_date
from organizations.models import TIER_OF_KIND, Kind, PlaceType, Unit, code_validator
from organizations.reorganize import Decision, NewUnit

KIND_CHOICES = [(k.value, k.label) for k in Kind if k != Kind.PROVINCE]
PLACE_CHOICES = [("", "—"), *PlaceType.choices]
DECISION_FIELDS = ["on", "decision_number", "decision_date", "note"]
MAX_CODES = 500
_CODES = re.compile(r"[\s,;]+")
# Which datalist a code field offers: every unit alive that day, or those that can hold units.
UNITS, PARENTS = "units", "parents"

TEXT = {"class": "form-control"}


def listed(datalist: str, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={**TEXT, "list": f"datalist-{datalist}", "autocomplete": "off", **attrs})


class DateText(forms.CharField):
    """A date typed as d/m/yyyy (or any way `parse_date` reads)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={**TEXT, "placeholder": "dd/mm/yyyy"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return read_date(super().to_python(value))


def read_date(text: str | None) -> datetime.date | None:
    """A date as offices type it (d/m/yyyy, or any way `parse_date` reads): None when empty, a
    ValidationError naming it when unreadable. The one reading of a date on the "Tổ chức" pages:
    their forms' fields and the date a page is about (`parse_on`)."""
    text = (text or "").strip()[:30]
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date: write it as d/m/yyyy, e.g. 1/7/2025.") % {"value": text}
        ) from None


def parse_on(text: str | None, *, request=None) -> datetime.date:
    """The date a page is about (`?on=`, a form's `on`): today when none; an unreadable one is
    ignored for today, and said in a message when `request` is given (a bound form says it
    beside its field instead)."""
    try:
        return read_date(text) or timezone.localdate()
    except ValidationError as error:
        if request is not None:
            messages.error(request, error.messages[0])
        return timezone.localdate()


class OperationForm(forms.Form):
    """The decision every operation carries, and the lookup of units by code."""

    operation = None
    title = ""
    on = DateText(label=gettext_lazy("effective from"))
    decision_number = forms.CharField(
        label=gettext_lazy("decision number"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    decision_date = DateText(label=gettext_lazy("decision date"), required=False)
    note = forms.CharField(
        label=gettext_lazy("note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.order_fields([name for name in self.fields if name not in DECISION_FIELDS] + DECISION_FIELDS)

    # ------------------------------------------------------------------ units by code
    def unit(self, name: str) -> Unit | None:
        code = (self.cleaned_data.get(name) or "").strip().upper()
        if not code:
            return None
        unit = (
            Unit.objects.for_user(self.user).select_related("parent", "committee").filter(code=code).first()
        )
        if unit is None:
            self.add_error(name, _("No unit has the code %(code)s.") % {"code": code})
        return unit

    def units(self, name: str) -> list[Unit]:
        codes = list(dict.fromkeys(c for c in _CODES.split((self.cleaned_data.get(name) or "").upper()) if c))
        if len(codes) > MAX_CODES:
            self.add_error(name, _("At most %(n)d units at a time.") % {"n": MAX_CODES})
            return []
        found = {u.code: u for u in Unit.objects.for_user(self.user).filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            self.add_error(name, _("No unit has the code %(codes)s.") % {"codes": ", ".join(missing)})
        return [found[c] for c in codes if c in found]

    def new_code(self, name: str) -> str:
        code = (self.cleaned_data.get(name) or "").strip().upper()
        if not code:
            return code
        try:
            code_validator(code)
        except ValidationError as error:
            self.add_error(name, error)
        if Unit.objects.filter(code=code).exists():
            self.add_error(name, _("A unit with the code %(code)s already exists.") % {"code": code})
        return code

    # ------------------------------------------------------------------ the call
    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(number=data["decision_number"].strip(), date=data["decision_date"], note=data["note"])

    def arguments(self) -> dict:
        """The operation's own keyword arguments (all but user, on, decision, channel, source)."""
        raise NotImplementedError

    def call(self, *, user, channel: str, source: str = "") -> dict:
        return {
            "user": user,
            "on": self.cleaned_data["on"],
            "decision": self.decision(),
            "channel": channel,
            "source": source,
            **self.arguments(),
        }

    def subject(self, outcome) -> Unit:
        """The unit whose timeline is shown once the operation is done."""
        return outcome.units[0]

    def digest(self) -> str:
        """What the preview was made of: a confirm with other values is previewed again."""
        values = {name: str(self.data.get(name, "")).strip() for name in sorted(self.fields)}
        return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()

    def datalists(self) -> set[str]:
        return {
            w.attrs["list"].removeprefix("datalist-")
            for f in self.fields.values()
            if "list" in (w := f.widget).attrs
        }


def code_field(label, datalist=UNITS, required=True):
    return forms.CharField(label=label, max_length=40, required=required, widget=listed(datalist))


def codes_field(label):
    return forms.CharField(
        label=label,
        max_length=20000,
        help_text=gettext_lazy("Codes separated by commas, spaces or new lines."),
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )


NAME, KIND, PLACE_TYPE = gettext_lazy("name"), gettext_lazy("kind"), gettext_lazy("type of place")


def name_field(label=NAME, required=True):
    return forms.CharField(label=label, max_length=255, required=required, widget=forms.TextInput(attrs=TEXT))


def kind_field(label=KIND, required=True):
    choices = KIND_CHOICES if required else [("", gettext_lazy("(unchanged)")), *KIND_CHOICES]
    return forms.ChoiceField(
        label=label, choices=choices, required=required, widget=forms.Select(attrs={"class": "form-select"})
    )


def place_field(label=PLACE_TYPE):
    return forms.ChoiceField(
        label=label,
        choices=PLACE_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def new_unit(form: OperationForm, *, code: str, name: str, kind: str, parent: str, place_type: str):
    """A NewUnit from the fields named, or None (with the errors on the form)."""
    code_value = form.new_code(code)
    parent_unit = form.unit(parent) if isinstance(parent, str) else parent
    kind_value = form.cleaned_data.get(kind) or ""
    if form.errors or parent_unit is None or kind_value not in TIER_OF_KIND:
        return None
    return NewUnit(
        code=code_value,
        name=form.cleaned_data[name].strip(),
        tier=TIER_OF_KIND[kind_value],
        kind=kind_value,
        parent=parent_unit,
        place_type=form.cleaned_data.get(place_type) or "",
    )
