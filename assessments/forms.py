"""Forms of the data-entry pages. They check the shape of each row; the services check the rules."""

import hashlib
import re

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import MEMBER_COUNT_MAX, MEMBER_FIELDS, MEMBER_LEVEL_FIELDS, MemberStats, Rating

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

    def __init__(self, *args, level_choices=(), scored=False, three_steps=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "—"), *level_choices, (NOT_RATED, _("Not rated"))]
        if three_steps:  # Quy định 124/366: the self-assessment and the appraisal before the decision
            steps = {
                "self_level": _step_field(_("self-assessment"), level_choices),
                "appraised_level": _step_field(_("appraisal"), level_choices),
            }
            self.fields = {**steps, **self.fields}
            self.fields["level"].label = _("decision")
        if scored:  # the year's scheme rates by points (Quy định 366-QĐ/TW)
            self.fields.update(score_fields())

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level == NOT_RATED and not (data.get("not_rated_reason") or "").strip():
            self.add_error("not_rated_reason", _("Give the reason why the unit is not rated."))
        if not level and self.initial.get("level") and not untouched(self):
            self.add_error("level", _("A rating cannot be emptied: choose a level or “not rated”."))
        return data


def _step_field(label, level_choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *level_choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


YES_NO = [("", "—"), ("1", _("yes")), ("0", _("no"))]


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


def _percent(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=100, required=False, widget=forms.NumberInput(SMALL_NUMBER)
    )


class PointsField(forms.DecimalField):
    """Points written 72,5 (as Vietnamese offices write them) or 72.5, in either language."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def score_fields() -> dict:
    """The columns of a scored scheme, labelled as the model labels them."""

    def label(name):
        return Rating._meta.get_field(name).verbose_name

    return {
        "score": PointsField(
            label=label("score"),
            max_digits=4,
            decimal_places=1,
            min_value=0,
            max_value=100,
            required=False,
            widget=forms.TextInput({**SMALL_NUMBER, "inputmode": "decimal"}),
        ),
        "tasks_on_time": _yes_no(label("tasks_on_time")),
        "tasks_all_done": _yes_no(label("tasks_all_done")),
        "tasks_exceeded_percent": _percent(label("tasks_exceeded_percent")),
        "tasks_late_percent": _percent(label("tasks_late_percent")),
        "disciplined": _yes_no(label("disciplined")),
    }


RatingGridFormSet = formset_factory(
    RatingRowForm, extra=0, max_num=GRID_MAX_ROWS, absolute_max=GRID_MAX_ROWS, validate_max=True
)


def _member_field(name: str) -> forms.IntegerField:
    """A count of members: a whole number from 0 to MEMBER_COUNT_MAX (the model's own bound)."""
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


def editable_names(form) -> list[str]:
    return [name for name in form.fields if name not in ("unit", "version", "shown")]


def row_digest(names: list[str], values: dict) -> str:
    """The digest of a row's editable values, the same from the initial and the cleaned data."""
    text = "\x1f".join(_digest_text(values.get(name)) for name in names)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _digest_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # a yes/no choice is posted as "1"/"0"
        return "1" if value else "0"
    return str(value)


def untouched(form) -> bool:
    return form.cleaned_data.get("shown") == row_digest(editable_names(form), form.cleaned_data)


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
