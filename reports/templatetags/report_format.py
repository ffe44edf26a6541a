"""Figures in templates: percentages with two decimals in the active locale (56,87%), or a dash."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def percent(value):
    return "—" if value is None else f"{floatformat(value, 2)}%"
