"""python manage.py import_targets PATH [--dry-run] [--user USERNAME]

Resolutions and their targets loaded from a file through the same service, checks and audit as
the resolutions page: the file is written whole or not at all, a refusal names the row and the
column (or the JSON item and field) it is about, and `--dry-run` checks and reports everything,
then writes nothing. The format is `assessments.resolution_files`'s, described in the help below.
"""

import os
from argparse import RawDescriptionHelpFormatter

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments.resolution_entries import TargetFileRefused
from assessments.resolution_files import read_path_data
from assessments.resolution_import import import_entries
from imports.limits import max_bytes

HELP = """Load resolutions and their targets from a .json, .xlsx, .ods or .csv file.

A resolution already stored (the same number; without a number, the same title) is changed,
any other is created. A list of targets given for a resolution replaces its targets (a stored
target missing from the file is deleted); a resolution given without targets, or without
counted levels, keeps the stored ones.

"exemplary_by_commendation" (a sheet's column "Tiêu biểu theo công nhận", Có/Không): true
when the resolution's exemplary targets count the grassroots organizations commended “TSVM
tiêu biểu” that year instead of a level (it then counts no level as exemplary). Left out, a
stored resolution keeps its own; a new one does not count the commendation.

JSON: a list of resolutions (or {"resolutions": [...]}), e.g.
  [{"issuing_body": "Ban Thường vụ Tỉnh ủy", "number": "05-NQ/TU", "date": "2020-12-15",
    "title": "…", "term": "2020–2025", "first_year": 2021, "last_year": 2025,
    "exemplary_by_commendation": false,
    "counted_levels": {"HTNV-2018": {"clean_strong": ["HTXSNV", "HTTNV"], "exemplary": ["HTXSNV"]},
                       "QD124-2023": "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV"},
    "targets": [{"code": "NQ05_TCCSD_TSVM", "label": "…", "metric": "base_clean_strong",
                 "comparator": ">=", "threshold": 50, "denominator": "all_units",
                 "start_year": 2021, "end_year": 2025, "position": 1}]}]

.xlsx/.ods/.csv: one row per target, headers found by name (with or without diacritics):
  resolution  Cơ quan ban hành, Số nghị quyết, Ngày ban hành, Tên nghị quyết, Nhiệm kỳ,
              Từ năm, Đến năm, Tiêu biểu theo công nhận (Có/Không) (repeated on each row,
              or blank below: the same as above)
  levels      one column per scheme, headed by its code (TSVM-2015, HTNV-2018, QD124-2023,
              QD366-2025) or regulation, holding "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV"
              (or "TSVM: HTXSNV, HTTNV")
  target      Thứ tự, Mã chỉ tiêu, Tên chỉ tiêu, Chỉ số, So sánh (≥ or >), Ngưỡng (50; 15,5;
              5.000), Mẫu số, Chỉ tiêu từ năm, Chỉ tiêu đến năm (blank: the resolution's last year)

Figures (Chỉ số): base_clean_strong, cell_clean_strong, base_exemplary, cell_exemplary,
members_good, admissions_term. Denominators (Mẫu số): all_units, rated_units,
clean_strong_units (exemplary shares only), members_rated (members_good), none
(admissions_term only). Labels are understood as well as codes.
"""


class _Formatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    pass


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _Formatter  # the help's examples keep their lines
        return parser

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file (.json, .xlsx, .ods or .csv)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report everything, write nothing"
        )
        parser.add_argument(
            "--user", help="the provincial staff member the changes are recorded under (default: none)"
        )

    def handle(self, *args, path, dry_run, user, **options):
        account = None
        if user:
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No user “%(user)s”.") % {"user": user}) from None
            if account.role != Role.PROVINCE_STAFF:
                raise CommandError(_("Only the provincial organizing committee can change resolutions."))
        try:
            with open(path, "rb") as stream:
                data = stream.read(max_bytes() + 1)
        except OSError as error:
            raise CommandError(str(error)) from None
        name = os.path.basename(path)
        try:
            entries = read_path_data(data, name)
            outcomes = import_entries(entries, user=account, source=name, dry_run=dry_run)
        except TargetFileRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            raise CommandError(
                _("%(name)s was not imported (%(count)s problem(s)); nothing was written.")
                % {"name": name, "count": len(refused.messages)}
            ) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        for outcome in outcomes:
            state = (
                _("created")
                if outcome.created
                else _("changed")
                if outcome.changed
                or outcome.targets_created
                or outcome.targets_updated
                or outcome.targets_deleted
                else _("unchanged")
            )
            self.stdout.write(
                _(
                    "%(resolution)s (%(first)s–%(last)s): %(state)s; targets: %(new)s new, "
                    "%(changed)s changed, %(deleted)s deleted."
                )
                % {
                    "resolution": outcome.resolution,
                    "first": outcome.resolution.first_year,
                    "last": outcome.resolution.last_year,
                    "state": state,
                    "new": outcome.targets_created,
                    "changed": outcome.targets_updated,
                    "deleted": outcome.targets_deleted,
                }
            )
        if dry_run:
            self.stdout.write(_("Dry run: everything was checked, nothing was written."))
