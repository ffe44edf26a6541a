"""The resolution service: a resolution, the levels it counts and its targets written whole with
their audit entries, or refused with a message on the field (or target) at fault and nothing
written; what the report then counts."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from assessments.models import AuditEntry, CountedLevel, RatingLevel, Resolution, Target
from assessments.resolution_rules import ResolutionRefused, TargetSpec, counted_by
from assessments.resolutions import save_resolution
from assessments.season import set_year_lock
from reports.engine import build_report
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the msgids), whatever the catalogs translate."""
    with translation.override("en"):
        yield


def levels(scheme, *codes):
    return list(RatingLevel.objects.filter(scheme__code=scheme, code__in=codes).select_related("scheme"))


FOUR_LEVEL_SCHEMES = ("HTNV-2018", "QD124-2023", "QD366-2025")


def target(code="T_TSVM", **fields):
    values = {
        "code": code,
        "label": "TCCSĐ đạt trong sạch vững mạnh",
        "metric": "base_clean_strong",
        "comparator": ">=",
        "threshold": Decimal("50"),
        "denominator": "all_units",
        "start_year": 2021,
        "end_year": 2025,
        "position": 1,
    }
    return TargetSpec(**{**values, **fields})


def resolution_fields(**fields):
    values = {
        "issuing_body": "Ban Thường vụ Tỉnh ủy",
        "number": "01-NQ/TU",
        "title": "Nghị quyết về tổ chức cơ sở đảng 2020–2025",
        "term": "2020–2025",
        "first_year": 2021,
        "last_year": 2025,
        "clean_strong": [lv for s in FOUR_LEVEL_SCHEMES for lv in levels(s, "HTXSNV", "HTTNV")],
        "exemplary": [lv for s in FOUR_LEVEL_SCHEMES for lv in levels(s, "HTXSNV")],
        "targets": [
            target(),
            target(
                "T_KETNAP",
                label="Kết nạp đảng viên trong nhiệm kỳ",
                metric="admissions_term",
                comparator=">",
                threshold=Decimal("6000"),
                denominator="none",
                position=2,
            ),
        ],
    }
    return {**values, **fields}


def state():
    return (
        sorted(Resolution.objects.values_list("pk", "title", "first_year", "last_year")),
        sorted(Target.objects.values_list("code", "threshold", "resolution_id")),
        sorted(CountedLevel.objects.values_list("resolution_id", "level_id", "counted_as")),
        AuditEntry.objects.count(),
    )


def test_a_resolution_is_created_with_its_levels_and_targets_and_audited(province_staff):
    result = save_resolution(user=province_staff, **resolution_fields())
    resolution = result.resolution
    assert result.created and result.targets_created == 2
    assert (resolution.first_year, resolution.last_year, resolution.number) == (2021, 2025, "01-NQ/TU")
    by_kind = counted_by(resolution)
    assert sorted(f"{lv.scheme.code}:{lv.code}" for lv in by_kind["exemplary"]) == [
        "HTNV-2018:HTXSNV",
        "QD124-2023:HTXSNV",
        "QD366-2025:HTXSNV",
    ]
    assert len(by_kind["clean_strong"]) == 6
    entries = {entry.action: entry for entry in AuditEntry.objects.filter(user=province_staff)}
    assert set(entries) == {"resolution.create", "target.create"}
    assert AuditEntry.objects.filter(action="target.create").count() == 2
    created = entries["resolution.create"]
    assert created.channel == "form"
    assert created.changes["first_year"] == [None, 2021]
    assert created.changes["exemplary"][1] == ["HTNV-2018:HTXSNV", "QD124-2023:HTXSNV", "QD366-2025:HTXSNV"]
    term = AuditEntry.objects.get(action="target.create", changes__code=[None, "T_KETNAP"])
    assert term.changes["threshold"] == [None, "6000"] and term.changes["denominator"] == [None, "none"]
    assert term.changes["resolution"] == [None, "Nghị quyết 01-NQ/TU"]


def test_the_report_counts_what_the_new_resolution_counts(province_staff):
    b.committee_with("A", 2021, base_levels=["HTXSNV", "HTTNV", "HTNV"])
    assert build_report(2021).resolution is None  # no resolution judges 2021 yet
    save_resolution(user=province_staff, **resolution_fields())
    report = build_report(2021)
    assert report.resolution.number == "01-NQ/TU"
    assert (report.base.clean_strong, report.base.exemplary) == (2, 1)
    assert [t.code for t in report.targets] == ["T_TSVM", "T_KETNAP"]
    assert report.targets[0].met is True  # 2 of 3 ≥ 50%


def test_a_blank_end_year_is_the_resolutions_last_year(province_staff):
    result = save_resolution(user=province_staff, **resolution_fields(targets=[target(end_year=None)]))
    assert result.resolution.targets.get().end_year == 2025


def test_an_update_changes_fields_levels_and_targets_with_one_entry_each(province_staff):
    resolution = save_resolution(user=province_staff, **resolution_fields()).resolution
    AuditEntry.objects.all().delete()
    stored = {t.code: t for t in resolution.targets.all()}
    result = save_resolution(
        user=province_staff,
        resolution=resolution,
        **resolution_fields(
            title="Nghị quyết (sửa)",
            exemplary=[],
            targets=[
                TargetSpec.of(stored["T_TSVM"]),
                target("T_CHIBO", metric="cell_clean_strong", comparator=">", threshold=Decimal("60.5")),
            ],
        ),
        reason="Đính chính",
    )
    assert result.changed and (result.targets_created, result.targets_updated, result.targets_deleted) == (
        1,
        0,
        1,
    )
    actions = sorted(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["resolution.update", "target.create", "target.delete"]
    update = AuditEntry.objects.get(action="resolution.update")
    assert update.reason == "Đính chính"
    assert set(update.changes) == {"title", "exemplary"}
    assert update.changes["exemplary"][1] == []
    deleted = AuditEntry.objects.get(action="target.delete")
    assert deleted.changes["code"] == ["T_KETNAP", None]
    assert not Target.objects.filter(code="T_KETNAP").exists()
    assert Target.objects.get(code="T_CHIBO").threshold == Decimal("60.50")


def test_a_target_changed_by_its_id_is_audited_old_to_new(province_staff):
    resolution = save_resolution(user=province_staff, **resolution_fields()).resolution
    specs = [TargetSpec.of(t) for t in resolution.targets.order_by("position")]
    specs[0].threshold, specs[0].code = Decimal("55"), "T_TSVM_2"
    save_resolution(user=province_staff, resolution=resolution, **resolution_fields(targets=specs))
    entry = AuditEntry.objects.get(action="target.update")
    assert entry.changes == {"code": ["T_TSVM", "T_TSVM_2"], "threshold": ["50", "55"]}


def test_two_targets_may_swap_their_codes(province_staff):
    resolution = save_resolution(user=province_staff, **resolution_fields()).resolution
    first, second = (TargetSpec.of(t) for t in resolution.targets.order_by("position"))
    first.code, second.code = second.code, first.code
    save_resolution(user=province_staff, resolution=resolution, **resolution_fields(targets=[first, second]))
    assert Target.objects.get(code="T_TSVM").metric == "admissions_term"


def test_saving_the_same_thing_again_writes_nothing(province_staff):
    resolution = save_resolution(user=province_staff, **resolution_fields()).resolution
    before = state()
    specs = [TargetSpec.of(t) for t in resolution.targets.all()]
    result = save_resolution(user=province_staff, resolution=resolution, **resolution_fields(targets=specs))
    assert result.unchanged and state() == before


def test_the_shipped_resolution_saved_unchanged_keeps_the_2015_figures(province_staff):
    shipped = Resolution.objects.in_force(2015)
    counted = counted_by(shipped)
    before = state()
    result = save_resolution(
        user=province_staff,
        resolution=shipped,
        **{name: getattr(shipped, name) for name in ("issuing_body", "number", "date", "title", "term")},
        first_year=2015,
        last_year=2020,
        clean_strong=counted["clean_strong"],
        exemplary=counted["exemplary"],
        targets=[TargetSpec.of(t) for t in shipped.targets.all()],
    )
    assert result.unchanged and state() == before


REFUSALS = {
    "overlap": (
        {"first_year": 2020},
        ("first_year", None, "overlap"),
    ),
    "last before first": ({"first_year": 2025, "last_year": 2021}, ("last_year", None, "comes before")),
    "blank title": ({"title": "  "}, ("title", None, "required")),
    "target before the years": ({"targets": [target(start_year=2020)]}, ("start_year", 0, "outside")),
    "target after the years": ({"targets": [target(end_year=2026)]}, ("end_year", 0, "outside")),
    "target years reversed": (
        {"targets": [target(start_year=2024, end_year=2022)]},
        ("end_year", 0, "before"),
    ),
    "exemplary not clean and strong": (
        lambda: {"clean_strong": levels("HTNV-2018", "HTTNV"), "exemplary": levels("HTNV-2018", "HTXSNV")},
        ("exemplary", None, "exemplary but not as clean and strong"),
    ),
    "level of a scheme not in force": (
        lambda: {"clean_strong": levels("TSVM-2015", "TSVM")},
        ("clean_strong", None, "not in force"),
    ),
    "count with a denominator": (
        {"targets": [target(metric="admissions_term", threshold=Decimal(6000))]},
        ("denominator", 0, "count"),
    ),
    "share without a denominator": ({"targets": [target(denominator="none")]}, ("denominator", 0, "share")),
    "members by units": (
        {"targets": [target(metric="members_good", denominator="all_units")]},
        ("denominator", 0, "members rated"),
    ),
    "clean and strong by the clean-and-strong": (
        {"targets": [target(denominator="clean_strong_units")]},
        ("denominator", 0, "cannot be divided"),
    ),
    "share above 100": ({"targets": [target(threshold=Decimal("100.5"))]}, ("threshold", 0, "at most 100")),
    "three decimals": ({"targets": [target(threshold=Decimal("50.125"))]}, ("threshold", 0, "two decimals")),
    "negative": ({"targets": [target(threshold=Decimal("-1"))]}, ("threshold", 0, "negative")),
    "unknown metric": ({"targets": [target(metric="weather")]}, ("metric", 0, "weather")),
    "unknown comparator": ({"targets": [target(comparator="<")]}, ("comparator", 0, "comparator")),
    "two codes alike": ({"targets": [target(), target(position=2)]}, ("code", 1, "two targets")),
    "code of another resolution": ({"targets": [target("TCCSD_TSVM")]}, ("code", 0, "already")),
    "two term targets": (
        {
            "targets": [
                target("K1", metric="admissions_term", denominator="none", threshold=Decimal(1)),
                target("K2", metric="admissions_term", denominator="none", threshold=Decimal(1)),
            ]
        },
        ("metric", 1, "one target of admissions"),
    ),
    "blank code": ({"targets": [target("")]}, ("code", 0, "required")),
    "an exemplary level while counting the commendation": (
        {"exemplary_by_commendation": True},
        ("exemplary", None, "commended “TSVM tiêu biểu”"),
    ),
}


@pytest.mark.parametrize("fields,expected", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_resolution_says_why_on_its_field_and_writes_nothing(province_staff, fields, expected):
    fields = fields() if callable(fields) else fields  # levels are read once the database is there
    before = state()
    with pytest.raises(ResolutionRefused) as refused:
        save_resolution(user=province_staff, **resolution_fields(**fields))
    field, target_index, words = expected
    assert any(
        p.field == field and p.target == target_index and words in p.message for p in refused.value.problems
    ), refused.value.problems
    assert state() == before


def test_every_problem_is_told_at_once(province_staff):
    with pytest.raises(ResolutionRefused) as refused:
        save_resolution(
            user=province_staff,
            **resolution_fields(
                first_year=2019, targets=[target(denominator="none"), target("X", start_year=2030)]
            ),
        )
    fields = {(p.field, p.target) for p in refused.value.problems}
    assert {("first_year", None), ("denominator", 0), ("end_year", 1)} <= fields


def test_an_update_refused_leaves_the_stored_resolution_as_it_was(province_staff):
    resolution = save_resolution(user=province_staff, **resolution_fields()).resolution
    before = state()
    specs = [TargetSpec.of(t) for t in resolution.targets.all()]
    specs[0].denominator = "none"
    with pytest.raises(ResolutionRefused):
        save_resolution(
            user=province_staff, resolution=resolution, **resolution_fields(title="Khác", targets=specs)
        )
    assert state() == before


def test_a_target_of_another_resolution_cannot_be_changed_through_this_one(province_staff):
    resolution = save_resolution(user=province_staff, **resolution_fields()).resolution
    foreign = Target.objects.get(code="TCCSD_TSVM")
    spec = TargetSpec.of(foreign)
    spec.start_year, spec.end_year = 2021, 2025
    with pytest.raises(ResolutionRefused) as refused:
        save_resolution(user=province_staff, resolution=resolution, **resolution_fields(targets=[spec]))
    assert any(p.target == 0 for p in refused.value.problems)
    assert Target.objects.get(code="TCCSD_TSVM").resolution.first_year == 2015


@pytest.mark.parametrize("who", ["leader", "staff"])
def test_only_provincial_staff_change_resolutions(request, who):
    user = request.getfixturevalue(who)
    before = state()
    with pytest.raises(PermissionDenied):
        save_resolution(user=user, **resolution_fields())
    assert state() == before


def test_a_locked_year_keeps_its_figures_but_not_its_spelling(province_staff):
    shipped = Resolution.objects.in_force(2015)
    set_year_lock(user=province_staff, year=2016, locked=True)
    counted = counted_by(shipped)
    common = {
        "issuing_body": shipped.issuing_body,
        "term": shipped.term,
        "first_year": 2015,
        "last_year": 2020,
        "clean_strong": counted["clean_strong"],
        "exemplary": counted["exemplary"],
    }
    specs = [TargetSpec.of(t) for t in shipped.targets.all()]
    before = state()
    specs[0].threshold = Decimal("55")
    with pytest.raises(ResolutionRefused) as refused:
        save_resolution(user=province_staff, resolution=shipped, title=shipped.title, targets=specs, **common)
    assert "2016" in refused.value.messages[0] and state() == before
    specs[0].threshold = Decimal("50")
    result = save_resolution(
        user=province_staff,
        resolution=shipped,
        title="Nghị quyết khóa XV (đính chính)",
        targets=specs,
        **common,
    )
    assert result.changed and Resolution.objects.get(pk=shipped.pk).title == "Nghị quyết khóa XV (đính chính)"


def test_counting_the_commendation_is_saved_and_audited_old_to_new(province_staff):
    fields = resolution_fields(exemplary=[], exemplary_by_commendation=True)
    resolution = save_resolution(user=province_staff, **fields).resolution
    assert Resolution.objects.get(pk=resolution.pk).exemplary_by_commendation is True
    created = AuditEntry.objects.get(action="resolution.create")
    assert created.changes["exemplary_by_commendation"] == [None, True]
    specs = [TargetSpec.of(t) for t in resolution.targets.all()]
    fields.update(exemplary_by_commendation=False, targets=specs)
    result = save_resolution(user=province_staff, resolution=resolution, **fields)
    assert result.changed and Resolution.objects.get(pk=resolution.pk).exemplary_by_commendation is False
    update = AuditEntry.objects.get(action="resolution.update")
    assert update.changes == {"exemplary_by_commendation": [True, False]}


def test_what_exemplary_counts_cannot_change_in_a_locked_year(province_staff):
    fields = resolution_fields(exemplary=[])
    resolution = save_resolution(user=province_staff, **fields).resolution
    set_year_lock(user=province_staff, year=2022, locked=True)
    before = state()
    fields.update(
        exemplary_by_commendation=True, targets=[TargetSpec.of(t) for t in resolution.targets.all()]
    )
    with pytest.raises(ResolutionRefused) as refused:
        save_resolution(user=province_staff, resolution=resolution, **fields)
    assert "2022" in refused.value.messages[0] and state() == before
    assert Resolution.objects.get(pk=resolution.pk).exemplary_by_commendation is False
