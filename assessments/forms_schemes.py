"""Forms of the page where provincial staff add a rating scheme: the scheme's fields, and eight
level rows (no scheme has more), best first; a blank row is ignored, and the order of the rows
filled in is the levels' rank. They check the shape of what is posted; the rules (the years, the
number of levels, codes given twice, a minimum score in a scheme without scores) are the
service's (`assessments.schemes_service`), whose refusals the view puts back on the page.
"""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from assessments.models import MAX_YEAR, MIN_YEAR, RatingLevel, RatingScheme
from assessments.schemes_service import MAX_LEVELS, LevelSpec

INPUT = {"class": "form-control form-control-sm"}
NUMBER = {"class": "form-control form-control-sm", "inputmode": "numeric"}
CHECK = {"class": "form-check-input"}


def _char(model, name: str, *, required=True, help_text=None) -> forms.CharField:
    field = model._meta.get_field(name)
    return forms.CharField(
        label=field.verbose_name,
        max_length=field.max_length,
        required=required,
        help_text=field.help_text if help_text is None else help_text,
        widget=forms.TextInput(INPUT),
    )


class SchemeForm(forms.Form):
    regulation = _char(RatingScheme, "regulation")
    regulation_date = forms.DateField(
        label=_("date of the regulation"), required=False, widget=forms.DateInput(INPUT)
    )
    guidance = _char(RatingScheme, "guidance", required=False)
    code = _char(RatingScheme, "code", help_text=_("A short internal code, e.g. “QD-2031”."))
    name = _char(RatingScheme, "name")
    valid_from = forms.IntegerField(
        label=_("in force from year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        widget=forms.NumberInput(NUMBER),
        help_text=_("The scheme in force until now is closed the year before."),
    )
    scored = forms.BooleanField(
        label=RatingScheme._meta.get_field("scored").verbose_name,
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )
    three_steps = forms.BooleanField(
        label=RatingScheme._meta.get_field("three_steps").verbose_name,
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )
    member_excellent_cap = forms.IntegerField(
        label=RatingScheme._meta.get_field("member_excellent_cap").verbose_name,
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(NUMBER),
        help_text=RatingScheme._meta.get_field("member_excellent_cap").help_text,
    )
    description = forms.CharField(
        label=_("how a level is reached"),
        required=False,
        widget=forms.Textarea({**INPUT, "rows": 3}),
    )


class LevelForm(forms.Form):
    code = _char(RatingLevel, "code")
    name = _char(RatingLevel, "name")
    abbreviation = _char(RatingLevel, "abbreviation")
    min_score = forms.DecimalField(
        label=_("minimum score"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(NUMBER),
    )
    min_exceeded_percent = forms.IntegerField(
        label=_("minimum share of tasks exceeded (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(NUMBER),
    )
    max_late_percent = forms.IntegerField(
        label=_("maximum share of tasks late (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(NUMBER),
    )
    needs_all_on_time = forms.BooleanField(
        label=_("needs every task done on time"), required=False, widget=forms.CheckboxInput(CHECK)
    )
    needs_all_done = forms.BooleanField(
        label=_("needs every task done"), required=False, widget=forms.CheckboxInput(CHECK)
    )
    needs_no_discipline = forms.BooleanField(
        label=_("needs no subordinate organization or member disciplined"),
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )

    def spec(self, rank: int) -> LevelSpec:
        return LevelSpec(rank=rank, **self.cleaned_data)


class BaseLevelFormSet(forms.BaseFormSet):
    def specs(self) -> list[LevelSpec]:
        """The rows filled in, best first, ranked 1, 2, … in their order."""
        filled = [form for form in self.forms if form.cleaned_data]
        return [form.spec(rank) for rank, form in enumerate(filled, start=1)]


LevelFormSet = formset_factory(
    LevelForm,
    formset=BaseLevelFormSet,
    extra=MAX_LEVELS,
    max_num=MAX_LEVELS,
    absolute_max=MAX_LEVELS,
    validate_max=True,
)
