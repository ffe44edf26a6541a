"""quality_report --year Y [--committee CODE] [--format json|table] [--structure-of YYYY-MM-DD]

As counted that year, or (--structure-of) restated under the structure of a date: each rating
attributed to the unit and committee carrying its history then (`reports.restated`), with a row
per committee of that structure."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from kontum_party.converters import command_year
from organizations.models import Unit
from reports.engine import build_report_set, report_document
from reports.table import committee_lines, render_table


class Command(BaseCommand):
    help = "Quality ratings of a year against the resolution's targets (province or one committee)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True)
        parser.add_argument("--committee", metavar="CODE", help="committee code; default: whole province")
        parser.add_argument("--format", default="table", help="json or table (default)")
        parser.add_argument(
            "--structure-of",
            metavar="YYYY-MM-DD",
            help="restated: each rating under the unit and committee carrying its history on that date",
        )

    def handle(self, *args, year, committee, format, structure_of, **options):
        year = command_year(year)
        if format not in ("json", "table"):
            raise CommandError(f"Định dạng không hợp lệ “{format}”: chỉ nhận json hoặc table.")
        date = None
        if structure_of:
            try:
                date = datetime.date.fromisoformat(structure_of)
            except ValueError:
                raise CommandError(f"Ngày không hợp lệ “{structure_of}”: viết YYYY-MM-DD.") from None
        scope = None
        if committee:
            scope = Unit.objects.committees().filter(code=committee).first()
            if scope is None:
                raise CommandError(f"Không có đảng bộ trực thuộc mã “{committee}”.")
        by_committee = date is not None and scope is None
        groups = (None, "committee") if by_committee else (None,)
        sets = build_report_set(year, scope, groups=groups, structure_of=date)
        report = sets[None][None]
        if not report.has_data:
            raise CommandError(f"Không có dữ liệu đánh giá năm {year}.")
        committees = []
        if by_committee:
            units = Unit.objects.in_bulk([key for key in sets["committee"] if key is not None])
            committees = sorted(
                ((units[key], r) for key, r in sets["committee"].items() if key in units),
                key=lambda item: item[0].code,
            )
        if format == "json":
            document = report_document(report)
            if by_committee:
                document["committees"] = [
                    {"code": unit.code, "name": unit.name, **r.as_dict()} for unit, r in committees
                ]
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            lines = [render_table(report)]
            if by_committee:
                lines += ["", *committee_lines(committees)]
            self.stdout.write("\n".join(lines))
