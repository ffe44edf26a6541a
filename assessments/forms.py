"""Forms of the data-entry pages. They check the shape of each row; the services check the rules."""

import hashlib
import re

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import MEMBER_COUNT_MAX, MEMBER_FIELDS, MEMBER_LEVEL_FIELDS

NOT_RATED = "not_rated"
# A committee has at most a few hundred units; the grid posts all of them at once.
GRID_MAX_ROWS = 3000


SMALL_INPUT = {"class": "form-control form-control-sm"}
SMALL_NUMBER = {"class": "form-control form-control-sm num-input", "inputmode": "numeric"}


class RatingRowForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # A digest of the values the row was shown with: a row the user left alone is skipped even
    # when somebody else changed it meanwhile (no false conflict).
    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    level = forms.ChoiceField(
        label=_("level"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    not_rated_reason = forms.CharField(
        label=_("reason for not rating"), required=False, max_length=255, widget=forms.TextInput(SMALL_INPUT)
    )
    decision_number = forms.CharField(
        label=_("decision number"), required=False, max_length=64, widget=forms.TextInput(SMALL_INPUT)
    )
    decision_date = forms.DateField(
        label=_("decision date"),
        required=False,
        widget=forms.DateInput(attrs={**SMALL_INPUT, "placeholder": "dd/mm/yyyy"}),
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.TextInput(SMALL_INPUT)
    )

    def __init__(self, *args, level_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "—"), *level_choices, (NOT_RATED, _("Not rated"))]

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level == NOT_RATED and not (data.get("not_rated_reason") or "").strip():
            self.add_error("not_rated_reason", _("Give the reason why the unit is not rated."))
        if not level and self.initial.get("level") and not untouched(self):
            self.add_error("level", _("A rating cannot be emptied: choose a level or “not rated”."))
        return data


RatingGridFormSet = formset_factory(
    RatingRowForm, extra=0, max_num=GRID_MAX_ROWS, absolute_max=GRID_MAX_ROWS, validate_max=True
)


def _member_field(name: str) -> forms.IntegerField:
    """A count of members: a whole number from 0 to MEMBER_COUNT_MAX (the model's own bound)."""
    from assessments.models import MemberStats

    return forms.IntegerField(
        label=MemberStats._meta.get_field(name).verbose_name,
        min_value=0,
        max_value=MEMBER_COUNT_MAX,
        required=False,
        widget=forms.NumberInput(SMALL_NUMBER),
    )


class _MemberRow(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # A digest of the values the row was shown with: a row the user left alone is skipped even
    # when somebody else changed it meanwhile (no false conflict).
    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean(self):
        data = super().clean()
        parts = sum(data.get(name) or 0 for name in MEMBER_LEVEL_FIELDS)
        count = data.get("member_count")
        if count is None and parts:
            self.add_error("member_count", _("Enter the number of members."))
        elif count is not None and parts > count:
            self.add_error(
                None,
                _("Members per level add up to %(total)s, more than the %(count)s members.")
                % {"total": parts, "count": count},
            )
        return data


# One field per member count, in MEMBER_FIELDS order (the columns of the grid).
MemberRowForm = type("MemberRowForm", (_MemberRow,), {name: _member_field(name) for name in MEMBER_FIELDS})

MemberGridFormSet = formset_factory(
    MemberRowForm, extra=0, max_num=GRID_MAX_ROWS, absolute_max=GRID_MAX_ROWS, validate_max=True
)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


def row_digest(form_class, values: dict) -> str:
    """The digest of a row's editable values, the same from the initial and the cleaned data."""
    names = [name for name in form_class.base_fields if name not in ("unit", "version", "shown")]
    text = "\x1f".join("" if values.get(name) is None else str(values.get(name)) for name in names)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def untouched(form) -> bool:
    return form.cleaned_data.get("shown") == row_digest(type(form), form.cleaned_data)


_ID = re.compile(r"^[0-9]{1,18}$")  # ASCII digits only: "²".isdigit() is True, int("١٢") is 12


def posted_unit_ids(data, formset_class) -> list[int]:
    """The unit of each posted row, in the rows' own order (row i's unit is `<prefix>-i-unit`).

    Field order in the request, which a client chooses, means nothing. Raises ValidationError
    for a tampered form: a missing or malformed unit, or the same unit in two rows.
    """
    prefix = formset_class.get_default_prefix()
    incomplete = gettext("The form was incomplete: reload the page and enter the data again.")
    total = data.get(f"{prefix}-TOTAL_FORMS", "")
    if not _ID.match(total) or int(total) > GRID_MAX_ROWS:
        raise forms.ValidationError(incomplete)
    named = [key for key in data if key.startswith(f"{prefix}-") and key.endswith("-unit")]
    if len(named) != int(total):  # rows the count does not cover: a tampered management form
        raise forms.ValidationError(incomplete)
    ids = []
    for index in range(int(total)):
        values = data.getlist(f"{prefix}-{index}-unit")
        value = values[0] if len(values) == 1 else ""  # one value, or a tampered row
        if not _ID.match(value):
            raise forms.ValidationError(incomplete)
        ids.append(int(value))
    if len(set(ids)) != len(ids):
        raise forms.ValidationError(
            gettext("The same unit was sent twice in one save; nothing was saved. Reload the page.")
        )
    return ids
