"""python manage.py import_units PATH --user USERNAME [--dry-run]

Loads or updates the organization tree from a spreadsheet (code, name, parent code, kind, type of
place, founded, dissolved: `organizations.registry_columns`), with the same checks and audit as
the registry page: every row checked first, then all written in one transaction or nothing.
Prints each new or changed row (old → new) and every error; exits non-zero on any error.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations import registry
from organizations.bulk_command import account, file_bytes
from organizations.bulk_files import BulkRefused, FileRefused


class Command(BaseCommand):
    help = "Load or update the organization tree from an .xlsx, .ods or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the spreadsheet (.xlsx, .ods or .csv)")
        parser.add_argument("--user", required=True, help="username of the provincial staff member")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")

    def handle(self, *args, path, user, dry_run, **options):
        person = account(user)
        data, name = file_bytes(path)
        try:
            prepared = registry.plan(data, name, user=person)
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        for row in prepared.rows:
            if row.status in (registry.NEW, registry.CHANGED):
                changes = "; ".join(
                    f"{column}: {old or '—'} → {new or '—'}" for column, (old, new) in row.changes.items()
                )
                state = _("new") if row.status == registry.NEW else _("changed")
                self.stdout.write(f"{row.code} ({state}): {changes}")
        for error in prepared.errors:
            self.stderr.write(str(error))
        counts = prepared.counts
        self.stdout.write(
            _("New: %(new)s, changed: %(changed)s, unchanged: %(unchanged)s, errors: %(error)s.") % counts
        )
        if prepared.has_errors:
            raise CommandError(
                _("%(count)s row(s) have errors; nothing was written.") % {"count": counts[registry.ERROR]}
            )
        if dry_run:
            self.stdout.write(_("Dry run: everything was checked, nothing was written."))
            return
        try:
            registry.apply(prepared, user=person)
        except BulkRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            raise CommandError(str(refused)) from None
        self.stdout.write(_("Written: the tree was updated from %(name)s.") % {"name": prepared.file_name})
