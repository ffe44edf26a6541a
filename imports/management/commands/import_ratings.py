"""python manage.py import_ratings PATH --user USERNAME [--dry-run] [--members] [--year Y] [--valid-only]

The same reading, scope and checks as the import page, for the named user. Prints the counts
(created, updated, unchanged, skipped, errors) and every error; exits non-zero when any row fails.
"""

import os

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports import services
from imports.kinds import MEMBERS, RATINGS
from kontum_party.converters import command_year


class Command(BaseCommand):
    help = "Import ratings (or member statistics) from an .xlsx, .ods or .csv file, as a given user."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the spreadsheet (.xlsx, .ods or .csv)")
        parser.add_argument("--user", required=True, help="username whose scope and rights apply")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--members", action="store_true", help="the file holds member statistics")
        parser.add_argument("--year", help="the year, for a file without a year column")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="import the valid rows even when other rows have errors (exit status stays non-zero)",
        )

    def progress(self, done, total):
        if total >= 5000:
            self.stderr.write(_("Checked %(done)s of %(total)s rows") % {"done": done, "total": total})

    def handle(self, *args, path, user, dry_run, members, year, valid_only, **options):
        year = None if year is None else command_year(year)
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user “%(user)s”.") % {"user": user}) from None
        try:
            with open(path, "rb") as stream:
                data = stream.read(services.max_bytes() + 1)
        except OSError as error:
            raise CommandError(str(error)) from None
        name = os.path.basename(path)
        self.stderr.write(_("Reading %(name)s…") % {"name": name})
        try:
            prev = services.preview(
                data,
                name,
                user=account,
                kind=MEMBERS if members else RATINGS,
                default_year=year,
                progress=self.progress,
            )
        except (services.FileRefused, PermissionDenied) as refused:
            raise CommandError(str(refused)) from None
        refused_message = None
        try:
            result = services.commit(prev, user=account, valid_only=valid_only, dry_run=dry_run)
        except services.ImportRefused as refused:
            refused_message = refused
            result = None
        counts = prev.counts
        created = result.created if result else counts["new"]
        updated = result.updated if result else counts["changed"]
        self.stdout.write(_("Created: %(n)s") % {"n": created})
        self.stdout.write(_("Updated: %(n)s") % {"n": updated})
        self.stdout.write(_("Unchanged: %(n)s") % {"n": counts["unchanged"]})
        self.stdout.write(_("Skipped: %(n)s") % {"n": counts["skipped"]})
        self.stdout.write(_("Errors: %(n)s") % {"n": counts["error"]})
        messages = refused_message.messages if refused_message else [str(e) for e in prev.errors]
        for message in messages:
            self.stdout.write(message)
        if refused_message is not None:
            raise CommandError(str(refused_message))
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        if prev.has_errors:
            raise CommandError(
                _("%(count)s row(s) have errors; only the valid rows were imported.")
                % {"count": counts["error"]}
                if not dry_run
                else _("%(count)s row(s) have errors.") % {"count": counts["error"]}
            )
