"""A national-scale synthetic data set for benchmarks (never for real use).

    python manage.py seed_synthetic --base-orgs 55000 --cells 270000 --years 10

Units under synthetic committees (code prefix SYN-), one rating per unit and year, member
statistics per grassroots organization. Rows go in with PostgreSQL's COPY when available
(bulk_create otherwise), with a progress line.
"""

import io
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import MemberStats, Rating, RatingLevel, RatingScheme, RatingTally
from organizations.models import Kind, PlaceType, Tier, Unit

PREFIX = "SYN"
BASE_PER_COMMITTEE = 80


class Command(BaseCommand):
    help = "Fill a large synthetic data set (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--base-orgs", type=int, default=55000)
        parser.add_argument("--cells", type=int, default=270000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--last-year", type=int, default=timezone.localdate().year - 1)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, base_orgs, cells, years, last_year, seed, **options):
        if Unit.objects.filter(code__startswith=f"{PREFIX}-").exists():
            raise CommandError("Dữ liệu tổng hợp đã có (mã SYN-); xóa cơ sở dữ liệu trước khi tạo lại.")
        self.rng = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            province = self.province()
            committees = self.committees(province, max(1, base_orgs // BASE_PER_COMMITTEE))
            base_ids = self.units(committees, base_orgs, cells)
            for year in range(last_year - years + 1, last_year + 1):
                self.year(year, base_ids)
        self.stdout.write(f"\nXong trong {time.monotonic() - started:.0f} s.")

    # Progress -------------------------------------------------------------------------------
    def progress(self, label, done, total):
        sys.stderr.write(f"\r{label}: {done:,}/{total:,} ({100 * done // max(total, 1)}%)   ")
        sys.stderr.flush()

    # Tree -----------------------------------------------------------------------------------
    def province(self) -> Unit:
        province = Unit.objects.filter(tier=Tier.PROVINCE).first()
        if province is None:
            province = Unit(
                code=f"{PREFIX}-TINH", name="Đảng bộ (tổng hợp)", tier=Tier.PROVINCE, kind=Kind.PROVINCE
            )
            province.save()
        return province

    def committees(self, province, count) -> list[Unit]:
        units = [
            Unit(
                code=f"{PREFIX}-C{i:04d}",
                name=f"Đảng bộ tổng hợp {i}",
                tier=Tier.COMMITTEE,
                kind=Kind.DISTRICT,
                parent=province,
            )
            for i in range(1, count + 1)
        ]
        return Unit.objects.bulk_create(units, batch_size=1000)

    def units(self, committees, base_orgs, cells) -> list[tuple[int, int]]:
        """Create grassroots organizations and cells; return [(base id, committee id)]."""
        places = [PlaceType.COMMUNE, PlaceType.WARD, PlaceType.AGENCY, PlaceType.SCHOOL, PlaceType.ENTERPRISE]
        with_cells = max(1, int(base_orgs * 0.6))
        base = []
        for i in range(base_orgs):
            committee = committees[i % len(committees)]
            base.append(
                Unit(
                    code=f"{committee.code}-{i:06d}",
                    name=f"Tổ chức cơ sở đảng tổng hợp {i}",
                    tier=Tier.BASE,
                    kind=Kind.GRASSROOTS_COMMITTEE if i < with_cells else Kind.GRASSROOTS_CELL,
                    place_type=places[i % len(places)],
                    parent=committee,
                    committee=committee,
                )
            )
        for start in range(0, len(base), 5000):
            Unit.objects.bulk_create(base[start : start + 5000])
            self.progress("TCCSĐ", min(start + 5000, len(base)), len(base))
        self.stdout.write("")
        batch = []
        for j in range(cells):
            parent = base[j % with_cells]
            batch.append(
                Unit(
                    code=f"{parent.code}-{j // with_cells:03d}",
                    name=f"Chi bộ tổng hợp {j}",
                    tier=Tier.CELL,
                    kind=Kind.SUBORDINATE_CELL,
                    place_type=PlaceType.VILLAGE if j % 3 else PlaceType.RESIDENTIAL_GROUP,
                    parent=parent,
                    committee_id=parent.committee_id,
                )
            )
            if len(batch) == 10000 or j == cells - 1:
                Unit.objects.bulk_create(batch)
                batch = []
                self.progress("Chi bộ trực thuộc", j + 1, cells)
        self.stdout.write("")
        self.unit_rows = list(
            Unit.objects.filter(code__startswith=f"{PREFIX}-C", tier__in=[Tier.BASE, Tier.CELL]).values_list(
                "pk", "committee_id", "tier", "place_type"
            )
        )
        return [(b.pk, b.committee_id) for b in base]

    # Ratings and members ---------------------------------------------------------------------
    def year(self, year, base_ids):
        scheme = RatingScheme.objects.in_force(year)
        levels = list(RatingLevel.objects.filter(scheme=scheme).order_by("rank"))
        weights = [15, 45, 33, 6, 1][: len(levels)]
        now = timezone.now().isoformat()
        rating_rows = (
            (unit, year, committee, tier, place, level.pk, False, "", "", "", None, None, now, 1)
            for (unit, committee, tier, place), level in zip(
                self.unit_rows, self.rng.choices(levels, weights, k=len(self.unit_rows)), strict=True
            )
        )
        rating_columns = (
            "unit_id",
            "year",
            "committee_id",
            "tier",
            "place_type",
            "level_id",
            "not_rated",
            "not_rated_reason",
            "note",
            "decision_number",
            "decision_date",
            "changed_by_id",
            "changed_at",
            "version",
        )
        self.copy(Rating, rating_columns, rating_rows, len(self.unit_rows), f"Xếp loại {year}")
        RatingTally.mark_stale(year)
        member_rows = []
        for unit, committee in base_ids:
            count = self.rng.randint(10, 80)
            good = count * 7 // 10
            member_rows.append(
                (
                    unit,
                    year,
                    committee,
                    count,
                    good // 6,
                    good,
                    count - good - good // 6 - 1,
                    1,
                    0,
                    self.rng.randint(0, 3),
                    None,
                    now,
                    1,
                )
            )
        member_columns = (
            "unit_id",
            "year",
            "committee_id",
            "member_count",
            "excellent",
            "good",
            "completed",
            "not_completed",
            "not_rated",
            "admitted",
            "changed_by_id",
            "changed_at",
            "version",
        )
        self.copy(MemberStats, member_columns, member_rows, len(member_rows), f"Đảng viên {year}")

    def copy(self, model, columns, rows, total, label):
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(r"\N" if v is None else str(v) for v in row) + "\n")
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_from(buffer, model._meta.db_table, columns=columns)
            self.progress(label, total, total)
        else:
            objects, done = [], 0
            for row in rows:
                objects.append(model(**dict(zip(columns, row, strict=True))))
                if len(objects) == 5000:
                    model.objects.bulk_create(objects)
                    done += len(objects)
                    objects = []
                    self.progress(label, done, total)
            model.objects.bulk_create(objects)
            self.progress(label, total, total)
        self.stdout.write("")
