"""Forms of the data-entry pages. They check the shape of each row; the services check the rules.

The grids never render these forms' widgets (`assessments.grid_html` writes the rows); the
forms read what a row posts: dates as clerks type them (`imports.cells.parse_date`), counts with
Vietnamese thousands dots, points with a decimal comma. Every input is text: no browser-side
number or date check (whose tooltips speak the browser's language), the messages are ours.
"""

import datetime
import hashlib
import re

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import MEMBER_COUNT_MAX, MEMBER_FIELDS, MEMBER_LEVEL_FIELDS, MemberStats, Rating
from imports.cells import parse_date

NOT_RATED = "not_rated"
# A committee has at most a few hundred units; the grid posts all of them at once.
GRID_MAX_ROWS = 3000


class GridDateField(forms.DateField):
    """A date as clerks type it: 20/1/2022, 20/1/22, 20-01-2022, 20.01.2022, 2022-01-20, or the
    Excel serial number a pasted cell may carry (44581): `imports.cells.parse_date`, the import's
    own reading."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter the date as day/month/year, for example 20/1/2022 or 20/1/22."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(str(value))
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# A count as typed: 1234, 1.234 (Vietnamese thousands dot) or 1 234. Unlike a spreadsheet cell
# (`imports.cells.parse_int`, where "12.0" is a float written out), a person typing "1.000" means
# a thousand. At most nine digits: int() of a huge string is never reached.
_COUNT = re.compile(r"^(?:\d{1,3}(?:\.\d{3}){1,2}|\d{1,9})$", re.ASCII)


class CountField(forms.IntegerField):
    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter a whole number, for example 1.234.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if not _COUNT.match(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text.replace(".", ""))

    def widget_attrs(self, widget):
        return {"inputmode": "numeric"}  # no min/max attributes: the browser would check them


class RatingRowForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # A digest of the values the row was shown with: a row the user left alone is skipped even
    # when somebody else changed it meanwhile (no false conflict).
    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    level = forms.ChoiceField(label=_("level"), required=False)
    not_rated_reason = forms.CharField(label=_("reason for not rating"), required=False, max_length=255)
    decision_number = forms.CharField(label=_("decision number"), required=False, max_length=64)
    decision_date = GridDateField(label=_("decision date"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)

    def __init__(
        self,
        *args,
        level_choices=(),
        scored=False,
        three_steps=False,
        commendation=False,
        disabled=False,
        **kwargs,
    ):
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
        if commendation:  # the year's resolution counts the commendation (exemplary_by_commendation)
            self.fields["commended"] = CommendedField(label=_("exemplary “TSVM tiêu biểu”"), required=False)
        for field in self.fields.values() if disabled else ():  # a page only read
            field.disabled = True

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level == NOT_RATED and not (data.get("not_rated_reason") or "").strip():
            self.add_error("not_rated_reason", _("Give the reason why the unit is not rated."))
        if not level and self.initial.get("level") and not untouched(self):
            self.add_error("level", _("A rating cannot be emptied: choose a level or “not rated”."))
        return data


COMMENDED = "x"  # as a form marks it, the grid's export writes it and the import reads it


class CommendedField(forms.CharField):
    """The commendation "TSVM tiêu biểu" of a grassroots organization's row: a checkbox, read as
    COMMENDED (checked) or "" (not), the texts its row's digest reads (`value_text`)."""

    widget = forms.CheckboxInput

    def to_python(self, value):
        return COMMENDED if value is True or value == COMMENDED else ""


def _step_field(label, level_choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *level_choices],
        required=False,
    )


YES_NO = [("", "—"), ("1", _("yes")), ("0", _("no"))]


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )


def _percent(label) -> forms.IntegerField:
    return CountField(label=label, min_value=0, max_value=100, required=False)


class PointsField(forms.DecimalField):
    """Points written 72,5 (as Vietnamese offices write them) or 72.5, in either language."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {"inputmode": "decimal"}


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
    return CountField(
        label=MemberStats._meta.get_field(name).verbose_name,
        min_value=0,
        max_value=MEMBER_COUNT_MAX,
        required=False,
    )


class _MemberRow(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # A digest of the values the row was shown with: a row the user left alone is skipped even
    # when somebody else changed it meanwhile (no false conflict).
    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values() if disabled else ():  # a page only read
            field.disabled = True

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


def value_text(value) -> str:
    """A value as a grid input shows it, and as the row's digest reads it (so that a row posted
    back as it was shown has the digest it was shown with)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:  # most of a page's values: read as they are (500 rows × every column)
        return value
    if kind is bool:  # a yes/no choice is posted as "1"/"0"
        return "1" if value else "0"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)  # a Decimal as stored ("72.5"), a level's id, a count


def text_digest(texts) -> str:
    """The digest of a row's texts (not a secret: it only tells a row left alone from one edited)."""
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]


def row_digest(names: list[str], values: dict) -> str:
    """The digest of a row's editable values, the same from the initial and the cleaned data."""
    return text_digest(value_text(values.get(name)) for name in names)


def untouched(form) -> bool:
    """The row was posted with the values it was shown with. A row shown empty may come without
    its digest (the page leaves it out)."""
    names = editable_names(form)
    shown = form.cleaned_data.get("shown") or row_digest(names, {})
    return shown == row_digest(names, form.cleaned_data)


def row_data(data, prefix: str, names) -> dict:
    """One posted row's fields (`prefix` = "form-3-"), its version and digest apart.

    A row form has its `version` and `shown` fields; the grid page writes both in one hidden field,
    `shown` = "<version>.<digest>" (and neither for a row shown empty: version 0), 500 rows × 50
    bytes fewer. Either way the form reads them as two fields.
    """
    row = {prefix + name: data.get(prefix + name, "") for name in (*names, "unit")}
    shown = data.get(prefix + "shown", "")
    version, dot, digest = shown.partition(".")
    if not dot:
        version, digest = "", shown
    row[prefix + "version"] = data.get(prefix + "version", version or "0")
    row[prefix + "shown"] = digest
    return row


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
