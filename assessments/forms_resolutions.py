"""Forms of the resolutions page: a resolution with the levels it counts, and its targets.

They check the shape of what is posted (a year is four digits, a threshold a number, a choice one
of the choices); the rules — years that overlap another resolution, a target outside its
resolution's years, an exemplary level not counted as clean and strong, a denominator that does
not fit its figure — are the service's (`assessments.resolutions`), whose refusals the view puts
back on the fields they concern. Apart from assessments/forms.py, the data-entry grids' forms.
"""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    MAX_YEAR,
    MIN_YEAR,
    Comparator,
    CountedAs,
    Denominator,
    Metric,
    RatingLevel,
    RatingScheme,
    Resolution,
)
from assessments.resolution_rules import MAX_THRESHOLD, TargetSpec

# A resolution has five targets or so; the formset refuses more than this many rows.
MAX_TARGETS = 50
INPUT = {"class": "form-control form-control-sm"}
YEAR_INPUT = {"class": "form-control form-control-sm", "inputmode": "numeric"}
SELECT = {"class": "form-select form-select-sm"}
BLANK = [("", "—")]


def _year(label, *, required=True, help_text="") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(YEAR_INPUT),
    )


class LevelsField(forms.ModelMultipleChoiceField):
    """Levels by id, whichever scheme they belong to (the template groups the checkboxes)."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=RatingLevel.objects.select_related("scheme").order_by("scheme__valid_from", "rank"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    def _check_values(self, value):
        # An id is a few ASCII digits: anything longer is no level (and no database integer).
        for pk in value:
            if not (isinstance(pk, str) and pk.isascii() and pk.isdigit() and len(pk) <= 9):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class ResolutionForm(forms.Form):
    issuing_body = forms.CharField(
        label=_("issued by"), max_length=Resolution._meta.get_field("issuing_body").max_length
    )
    number = forms.CharField(
        label=_("resolution number"),
        required=False,
        max_length=Resolution._meta.get_field("number").max_length,
        help_text=_("As it is cited, e.g. “05-NQ/TU”."),
    )
    date = forms.DateField(
        label=_("date of issue"),
        required=False,
        widget=forms.DateInput(attrs={**INPUT, "placeholder": "dd/mm/yyyy"}),
    )
    title = forms.CharField(
        label=_("title of the resolution"), max_length=Resolution._meta.get_field("title").max_length
    )
    term = forms.CharField(
        label=_("term"),
        max_length=Resolution._meta.get_field("term").max_length,
        help_text=_("e.g. “2015–2020”."),
    )
    first_year = _year(_("first year judged"))
    last_year = _year(_("last year judged"))
    clean_strong = LevelsField(label=_("counted as clean and strong"))
    exemplary = LevelsField(label=_("counted as exemplary"))
    exemplary_by_commendation = forms.BooleanField(
        label=_("Exemplary targets count the organizations commended “TSVM tiêu biểu”"),
        required=False,
        widget=forms.CheckboxInput({"class": "form-check-input"}),
        help_text=_(
            "Since 2018 “TSVM tiêu biểu” is a commendation, not a level: ticked, the exemplary "
            "figures are the grassroots organizations commended that year, and no level is counted "
            "as exemplary."
        ),
    )
    reason = forms.CharField(
        label=_("reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(INPUT),
        help_text=_("Optional; kept in the audit log."),
    )

    def __init__(self, *args, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, bound in self.fields.items():
            if name not in (
                "clean_strong",
                "exemplary",
                "exemplary_by_commendation",
                "first_year",
                "last_year",
            ):
                bound.widget.attrs.setdefault("class", INPUT["class"])
            bound.disabled = read_only

    @classmethod
    def initial_for(cls, resolution: Resolution, counted: dict) -> dict:
        return {
            **{
                name: getattr(resolution, name)
                for name in ("issuing_body", "number", "date", "title", "term")
            },
            "first_year": resolution.first_year,
            "last_year": resolution.last_year,
            "exemplary_by_commendation": resolution.exemplary_by_commendation,
            "clean_strong": [level.pk for level in counted[CountedAs.CLEAN_STRONG]],
            "exemplary": [level.pk for level in counted[CountedAs.EXEMPLARY]],
        }

    def level_groups(self) -> list[tuple[RatingScheme, list[tuple[RatingLevel, bool, bool]]]]:
        """[(scheme, [(level, counted as clean and strong, counted as exemplary)])], the checkboxes
        grouped by scheme as the template shows them, ticked as posted (or as stored)."""
        ticked = {
            name: {str(value) for value in (self[name].value() or [])}
            for name in ("clean_strong", "exemplary")
        }
        groups: dict[int, tuple[RatingScheme, list]] = {}
        for level in self.fields["clean_strong"].queryset:
            scheme_levels = groups.setdefault(level.scheme_id, (level.scheme, []))[1]
            scheme_levels.append(
                (level, str(level.pk) in ticked["clean_strong"], str(level.pk) in ticked["exemplary"])
            )
        return list(groups.values())


class TargetForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    position = forms.IntegerField(
        label=_("position"),
        min_value=0,
        max_value=32767,
        required=False,
        widget=forms.NumberInput(YEAR_INPUT),
    )
    code = forms.CharField(label=_("code"), max_length=32, widget=forms.TextInput(INPUT))
    label = forms.CharField(label=_("label"), max_length=255, widget=forms.TextInput(INPUT))
    # A blank first choice: an extra row left alone posts nothing and is skipped.
    metric = forms.ChoiceField(label=_("metric"), choices=BLANK + Metric.choices, widget=forms.Select(SELECT))
    comparator = forms.ChoiceField(
        label=_("comparator"), choices=BLANK + Comparator.choices, widget=forms.Select(SELECT)
    )
    threshold = forms.DecimalField(
        label=_("threshold"),
        min_value=0,
        max_value=MAX_THRESHOLD,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput({**INPUT, "inputmode": "decimal"}),
    )
    denominator = forms.ChoiceField(
        label=_("denominator"), choices=BLANK + Denominator.choices, widget=forms.Select(SELECT)
    )
    start_year = _year(_("from year"))
    end_year = _year(_("to year"), required=False, help_text=_("Empty: the resolution's last year."))

    def __init__(self, *args, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            bound.disabled = read_only

    def spec(self) -> TargetSpec:
        data = self.cleaned_data
        return TargetSpec(
            pk=data.get("id"),
            code=data["code"],
            label=data["label"],
            metric=data["metric"],
            comparator=data["comparator"],
            threshold=data["threshold"],
            denominator=data["denominator"],
            start_year=data["start_year"],
            end_year=data.get("end_year"),
            position=data.get("position") or 0,
        )


class BaseTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, read_only=False, **kwargs):
        self.read_only = read_only
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "read_only": self.read_only}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def specs(self) -> list[tuple[forms.Form, TargetSpec]]:
        """The targets kept (rows neither blank nor marked for deletion), with their forms."""
        return [
            (form, form.spec())
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


TargetFormSet = formset_factory(
    TargetForm,
    formset=BaseTargetFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_TARGETS,
    validate_max=True,
    absolute_max=MAX_TARGETS,
)


def target_initial(targets) -> list[dict]:
    return [
        {
            "id": target.pk,
            "position": target.position,
            "code": target.code,
            "label": target.label,
            "metric": target.metric,
            "comparator": target.comparator,
            "threshold": target.threshold,
            "denominator": target.denominator,
            "start_year": target.start_year,
            "end_year": target.end_year,
        }
        for target in targets
    ]
