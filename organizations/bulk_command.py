"""What the two tree-file commands (`import_units`, `reorganize`) share: the user named by
`--user` (who must exist and be provincial staff) and the file read within the import's bounds.
Each refusal is one line on stderr (a CommandError)."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from imports.limits import max_bytes
from organizations.registry import check_user


def account(username: str):
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_("No user “%(user)s”.") % {"user": username}) from None
    try:
        check_user(user)
    except PermissionDenied as refused:
        raise CommandError(str(refused)) from None
    return user


def file_bytes(path: str) -> tuple[bytes, str]:
    try:
        with open(path, "rb") as stream:
            return stream.read(max_bytes() + 1), os.path.basename(path)
    except OSError as error:
        raise CommandError(str(error)) from None
