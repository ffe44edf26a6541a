"""How a page names a person: by their full name, the username only when no name was given. The
one helper for it (season status, history, audit, grids): `{% load people %}{{ user|person }}`."""

from django import template

register = template.Library()


def name_of(user) -> str:
    """`user`'s full name, else the username; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def person(user) -> str:
    return name_of(user)
