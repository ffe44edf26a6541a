import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AuditEntry, Rating, Status
from assessments.policy import EditRefused
from assessments.season import approve, return_to_draft, set_year_lock, submit
from assessments.services import (
    ConflictError,
    MemberChange,
    RatingChange,
    RowErrors,
    save_member_stats,
    save_ratings,
)
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seasons_open(db):
    """Every year these tests write is an opened rating season (provincial staff open a season
    before anything is entered); a test about a season not yet opened closes its own."""
    from django.utils import timezone

    from assessments.models import RatingYear

    for year in range(2010, timezone.localdate().year + 1):
        RatingYear.objects.update_or_create(year=year, defaults={"opened_at": timezone.now()})


def changes(committee, code, **extra):
    return [RatingChange(unit=u, level=b.level(2015, code), **extra) for u in committee.scoped_units.all()]


def test_it_saves_all_rows_with_one_audit_record_each(committee_a, staff):
    result = save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    entry = AuditEntry.objects.filter(action="rating.create").first()
    assert (entry.user, entry.channel, entry.changes["level"]) == (staff, "form", [None, "TSVM"])
    assert AuditEntry.objects.count() == 4


def test_it_records_old_and_new_values_and_skips_unchanged_rows(committee_a, staff):
    save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))
    rows = changes(committee_a, "TSVM")
    rows[0].level = b.level(2015, "HTNV")
    result = save_ratings(
        user=staff, committee=committee_a, year=2015, changes=rows, channel="import", source="f.xlsx"
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    entry = AuditEntry.objects.get(action="rating.update")
    assert (entry.changes, entry.channel, entry.source) == ({"level": ["TSVM", "HTNV"]}, "import", "f.xlsx")


def test_the_second_of_two_concurrent_editors_is_told_of_the_conflict(committee_a, staff, province_staff):
    save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))
    seen = Rating.objects.get(unit__code="A-001", year=2015).version
    unit = committee_a.scoped_units.get(code="A-001")
    save_ratings(
        user=province_staff,
        committee=committee_a,
        year=2015,
        changes=[RatingChange(unit=unit, level=b.level(2015, "HTTNV"), expected_version=seen)],
    )
    with pytest.raises(ConflictError) as caught:
        save_ratings(
            user=staff,
            committee=committee_a,
            year=2015,
            changes=[RatingChange(unit=unit, level=b.level(2015, "YK"), expected_version=seen)],
        )
    assert caught.value.conflicts[0].stored.level.code == "HTTNV"
    assert Rating.objects.get(unit=unit, year=2015).level.code == "HTTNV"


def test_a_row_created_meanwhile_is_a_conflict_too(committee_a, staff, province_staff):
    unit = committee_a.scoped_units.get(code="A-001")
    save_ratings(
        user=province_staff,
        committee=committee_a,
        year=2015,
        changes=[RatingChange(unit=unit, level=b.level(2015, "HTTNV"), expected_version=0)],
    )
    with pytest.raises(ConflictError):
        save_ratings(
            user=staff,
            committee=committee_a,
            year=2015,
            changes=[RatingChange(unit=unit, level=b.level(2015, "YK"), expected_version=0)],
        )


def test_one_bad_row_writes_nothing(committee_a, staff):
    rows = changes(committee_a, "TSVM")
    rows[2].level = b.level(2019, "HTXSNV")
    with pytest.raises(RowErrors, match="A-001-02"):
        save_ratings(user=staff, committee=committee_a, year=2015, changes=rows)
    assert not Rating.objects.exists() and not AuditEntry.objects.exists()


def test_it_rejects_a_unit_of_another_committee(committee_a, staff, committee_b):
    other = b.unit("B-001")
    with pytest.raises(EditRefused, match="B-001"):
        save_ratings(
            user=staff,
            committee=committee_a,
            year=2015,
            changes=[RatingChange(unit=other, level=b.level(2015, "TSVM"))],
        )


def test_leaders_cannot_write(committee_a, leader):
    with pytest.raises(PermissionDenied):
        save_ratings(user=leader, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))


def test_a_future_year_is_refused(committee_a, staff):
    with pytest.raises(EditRefused, match="2099"):
        save_ratings(user=staff, committee=committee_a, year=2099, changes=[])


def test_a_locked_year_is_refused_to_everybody_until_unlocked_with_a_reason(
    committee_a, staff, province_staff
):
    set_year_lock(user=province_staff, year=2015, locked=True)
    for user in (staff, province_staff):
        with pytest.raises(EditRefused, match="2015"):
            save_ratings(user=user, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))
    with pytest.raises(EditRefused):
        set_year_lock(user=province_staff, year=2015, locked=False)
    set_year_lock(user=province_staff, year=2015, locked=False, reason="Sửa sai sót theo Công văn 12")
    save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))
    unlock = AuditEntry.objects.get(action="year.unlock")
    assert (unlock.user, unlock.reason) == (province_staff, "Sửa sai sót theo Công văn 12")


def test_committee_staff_cannot_lock_a_year(staff):
    with pytest.raises(PermissionDenied):
        set_year_lock(user=staff, year=2015, locked=True)


def test_the_workflow_from_draft_to_approved_and_back(committee_a, staff, province_staff):
    save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))
    submission = submit(user=staff, committee=committee_a, year=2015)
    assert (submission.status, submission.submitted_by) == (Status.SUBMITTED, staff)
    with pytest.raises(EditRefused):
        save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "HTNV"))
    with pytest.raises(PermissionDenied):
        approve(user=staff, committee=committee_a, year=2015)
    submission = approve(user=province_staff, committee=committee_a, year=2015)
    assert (submission.status, submission.approved_by) == (Status.APPROVED, province_staff)
    with pytest.raises(EditRefused):
        return_to_draft(user=province_staff, committee=committee_a, year=2015, reason=" ")
    submission = return_to_draft(
        user=province_staff, committee=committee_a, year=2015, reason="Thiếu số quyết định"
    )
    assert (submission.status, submission.returned_reason) == (Status.DRAFT, "Thiếu số quyết định")
    save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "HTNV"))
    assert list(
        AuditEntry.objects.filter(action__startswith="submission").values_list("action", flat=True)
    ) == ["submission.draft", "submission.approved", "submission.submitted"]


def test_member_statistics_are_validated_and_audited(committee_a, staff):
    base = committee_a.scoped_units.get(code="A-001")
    good = {"member_count": 50, "excellent": 5, "good": 30, "completed": 14, "not_completed": 1}
    save_member_stats(
        user=staff, committee=committee_a, year=2015, changes=[MemberChange(unit=base, values=good)]
    )
    too_many = {**good, "completed": 20}
    with pytest.raises(RowErrors, match="56"):
        save_member_stats(
            user=staff, committee=committee_a, year=2015, changes=[MemberChange(unit=base, values=too_many)]
        )
    entry = AuditEntry.objects.get(action="memberstats.create")
    assert entry.changes["member_count"] == [None, 50]


def test_member_statistics_belong_to_grassroots_organizations(committee_a, staff):
    cell = committee_a.scoped_units.get(code="A-001-01")
    with pytest.raises(RowErrors):
        save_member_stats(
            user=staff,
            committee=committee_a,
            year=2015,
            changes=[MemberChange(unit=cell, values={"member_count": 5})],
        )


def count_grid_save_queries(staff, size, code):
    base = b.base_org(staff.committee, f"A-9{size:02d}")
    for j in range(size):
        b.cell(base, f"{base.code}-{j:03d}")
    rows = [RatingChange(unit=u, level=b.level(2015, code)) for u in base.children.all()]
    with CaptureQueriesContext(connection) as ctx:
        save_ratings(user=staff, committee=staff.committee, year=2015, changes=rows)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("code", ["TSVM"])
def test_saving_the_grid_takes_the_same_number_of_queries_at_any_size(staff, code):
    # lock check, workflow check, tally mark (2), scheme, locked read, bulk insert in its own savepoint,
    # audit insert, savepoints
    # (40 rows: one bulk-insert batch on SQLite, whose statements take at most 999 parameters)
    small, large = count_grid_save_queries(staff, 3, code), count_grid_save_queries(staff, 40, code)
    assert small == large <= 13  # one of them: where each unit sat that year


def test_updating_the_grid_takes_the_same_number_of_queries_at_any_size(staff):
    counts = []
    for size in (3, 60):
        count_grid_save_queries(staff, size, "TSVM")
        base = staff.committee.scoped_units.get(code=f"A-9{size:02d}")
        rows = [RatingChange(unit=u, level=b.level(2015, "HTNV")) for u in base.children.all()]
        with CaptureQueriesContext(connection) as ctx:
            save_ratings(user=staff, committee=staff.committee, year=2015, changes=rows)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12  # one of them: where each unit sat that year


def test_many_distinct_changes_are_all_written(committee_a, staff):
    # More distinct value sets than MAX_UPDATE_GROUPS: the bulk_update path.
    parent = staff.committee
    base = b.base_org(parent, "A-800")
    cells = [b.cell(base, f"A-800-{j:03d}") for j in range(30)]
    save_ratings(
        user=staff,
        committee=parent,
        year=2015,
        changes=[RatingChange(unit=u, level=b.level(2015, "TSVM")) for u in cells],
    )
    save_ratings(
        user=staff,
        committee=parent,
        year=2015,
        changes=[
            RatingChange(unit=u, level=b.level(2015, "HTNV"), note=f"ghi chú {i}")
            for i, u in enumerate(cells)
        ],
    )
    stored = Rating.objects.filter(unit__in=cells).order_by("unit__code")
    assert [(r.level.code, r.note, r.version) for r in stored] == [
        ("HTNV", f"ghi chú {i}", 2) for i in range(30)
    ]


def test_text_is_stored_as_typed_whatever_its_characters(committee_a, staff):
    # COPY's text format on PostgreSQL: tabs, line breaks and backslashes must survive.
    note = "dòng 1\n\tdòng 2\\n \\N\r\nhết"
    rows = changes(committee_a, "TSVM", note=note)
    save_ratings(user=staff, committee=committee_a, year=2015, changes=rows)
    assert set(Rating.objects.values_list("note", flat=True)) == {note}
    entry = AuditEntry.objects.filter(action="rating.create").first()
    assert entry.changes["note"] == ["", note] and entry.source == ""


def test_a_save_marks_the_years_tally_stale(committee_a, staff):
    from assessments.models import RatingTally

    save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "TSVM"))
    (tally,) = [t for t in RatingTally.fresh() if t.year == 2015]
    assert not RatingTally.objects.get(year=2015).stale
    save_ratings(user=staff, committee=committee_a, year=2015, changes=changes(committee_a, "HTNV"))
    assert RatingTally.objects.get(year=2015).stale
    (tally,) = [t for t in RatingTally.fresh() if t.year == 2015]
    assert sum(row[-1] for row in tally.rows) == 4


def test_one_row_refused_writes_nothing_and_names_the_unit(committee_a, staff):
    rows = changes(committee_a, "TSVM")
    rows[1].level = None  # not rated, without a reason
    with pytest.raises(RowErrors) as refused:
        save_ratings(user=staff, committee=committee_a, year=2015, changes=rows)
    assert list(refused.value.by_unit) == [rows[1].unit]
    assert not Rating.objects.exists() and not AuditEntry.objects.exists()
