"""python manage.py export_ratings --year Y [--committee CODE] [--members] --output PATH

CSV or XLSX by the extension of PATH; import_ratings takes the file back unchanged.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports import export
from imports.kinds import MEMBERS, RATINGS
from imports.reader import extension
from kontum_party.converters import command_year
from organizations.models import Unit


class Command(BaseCommand):
    help = "Export a year's ratings (or member statistics) to a .csv or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True)
        parser.add_argument("--committee", help="code of a committee directly under the province")
        parser.add_argument("--members", action="store_true", help="member statistics instead of ratings")
        parser.add_argument("--user", help="export only what this user may see")
        parser.add_argument("--output", required=True, help="a .csv or .xlsx path")

    def handle(self, *args, year, committee, members, user, output, **options):
        year = command_year(year)
        folder = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(folder):
            raise CommandError(
                _("Cannot write %(path)s: the folder %(folder)s does not exist.")
                % {"path": output, "folder": folder}
            )
        fmt = extension(output).lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError(_("The output must be a .csv or .xlsx file."))
        units = Unit.objects.all()
        if user:
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No user “%(user)s”.") % {"user": user}) from None
            units = Unit.objects.for_user(account)
        chosen = None
        if committee:
            chosen = units.committees().filter(code=committee).first()
            if chosen is None:
                raise CommandError(_("No committee “%(code)s”.") % {"code": committee})
        kind = MEMBERS if members else RATINGS
        table = export.export_table(
            kind=kind, year=year, committee=chosen, units=units.values("pk") if user else None
        )
        data = export.write(table, fmt, export.sheet_title(kind, year))
        try:
            with open(output, "wb") as stream:
                stream.write(data)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(reason)s") % {"path": output, "reason": error.strerror or error}
            ) from None
        self.stdout.write(
            _("%(count)s rows written to %(path)s") % {"count": len(table.rows), "path": output}
        )
