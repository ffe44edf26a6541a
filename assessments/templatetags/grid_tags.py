from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """`{{ conflicts|get:unit.pk }}`: a grid's per-unit extras, looked up by the row's unit."""
    return mapping.get(key) if mapping else None
