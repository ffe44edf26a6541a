import json

from django.core.management.base import BaseCommand, CommandError

from kontum_party.converters import command_year
from organizations.models import Unit
from reports.engine import build_report, report_document
from reports.table import render_table


class Command(BaseCommand):
    help = "Quality ratings of a year against the resolution's targets (province or one committee)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True)
        parser.add_argument("--committee", metavar="CODE", help="committee code; default: whole province")
        parser.add_argument("--format", default="table", help="json or table (default)")

    def handle(self, *args, year, committee, format, **options):
        year = command_year(year)
        if format not in ("json", "table"):
            raise CommandError(f"Định dạng không hợp lệ “{format}”: chỉ nhận json hoặc table.")
        scope = None
        if committee:
            scope = Unit.objects.committees().filter(code=committee).first()
            if scope is None:
                raise CommandError(f"Không có đảng bộ trực thuộc mã “{committee}”.")
        report = build_report(year, scope)
        if not report.has_data:
            raise CommandError(f"Không có dữ liệu đánh giá năm {year}.")
        if format == "json":
            self.stdout.write(json.dumps(report_document(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(report))
