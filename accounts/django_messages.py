"""Messages of Django itself that its Vietnamese catalog lacks (Django 5.2 changed their msgids).

Marked here only so that `makemessages` keeps them in locale/vi, where they are translated; this
module is never imported. Our catalog comes first (LOCALE_PATHS), so its translation is used.
"""

from django.utils.translation import ngettext_lazy

MESSAGES = [
    # django.contrib.auth.password_validation.MinimumLengthValidator.get_error_message
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
]
