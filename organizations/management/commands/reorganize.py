"""python manage.py reorganize PATH --user USERNAME [--dry-run]

Applies a mapping file (old code, new code, operation, effective date, decision number and date,
new name, new parent code: `organizations.registry_columns`) as reorganizations, with the same
checks and audit as the mapping page: every operation tried first and its consequences printed,
then all carried out in one transaction or nothing. Exits non-zero on any problem.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations import mapping
from organizations.bulk_command import account, file_bytes
from organizations.bulk_files import BulkRefused, FileRefused


class Command(BaseCommand):
    help = "Apply a reorganization mapping (merge, split, dissolve, move, rename, found…) from a file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the spreadsheet (.xlsx, .ods or .csv)")
        parser.add_argument("--user", required=True, help="username of the provincial staff member")
        parser.add_argument("--dry-run", action="store_true", help="check and show everything, write nothing")

    def handle(self, *args, path, user, dry_run, **options):
        person = account(user)
        data, name = file_bytes(path)
        try:
            prepared = mapping.plan(data, name, user=person)
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        for number, step in enumerate(prepared.steps, start=1):
            rows = ", ".join(str(r.number) for r in step.rows)
            self.stdout.write(
                _("%(number)s. %(operation)s (sheet “%(sheet)s”, rows %(rows)s)")
                % {"number": number, "operation": step.label, "sheet": step.first.sheet, "rows": rows}
            )
            for line in step.lines:
                self.stdout.write(f"   {line}")
        for error in prepared.errors:
            self.stderr.write(str(error))
        if prepared.has_errors:
            raise CommandError(
                _("%(count)s problem(s) in the file; nothing was written.") % {"count": len(prepared.errors)}
            )
        if dry_run:
            self.stdout.write(_("Dry run: everything was checked, nothing was written."))
            return
        try:
            done = mapping.apply(prepared, user=person)
        except BulkRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            raise CommandError(str(refused)) from None
        self.stdout.write(_("Done: %(count)s operation(s) carried out.") % {"count": done})
