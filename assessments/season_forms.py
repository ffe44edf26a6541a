"""The form that opens a rating season: its deadline (optional), checked against the year."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SeasonForm(forms.Form):
    deadline = forms.DateField(
        label=_("Deadline for the committees' submissions"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
