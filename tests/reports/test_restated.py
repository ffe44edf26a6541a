"""Restated figures (reports.restated): a year's ratings under the structure of a later date, after a
merger, a split, a move and a dissolution made through organizations.reorganize; counted by hand.

The tree of 2015: committees A and B; A holds A-1 (TSVM), A-2 (HTNV), A-3 (TSVM), each with no
cells; B holds B-1 (TSVM). On 1 July 2025 A-1 and A-2 merge into X, a commune party committee
directly under the province; A-3 splits into S1 (its heir) and S2; B-1 moves to A.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations import reorganize
from organizations.models import Kind, PlaceType, Tier, Unit
from organizations.reorganize import Decision, NewUnit
from reports.dashboard import figures, trends
from reports.engine import build_report, build_report_set
from tests import builders as b

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 7, 1)
AFTER = datetime.date(2025, 12, 31)
DECISION = Decision(number="01-QĐ/TU", date=ON)


def base_spec(code, parent):
    return NewUnit(
        code=code,
        name=f"Đảng bộ {code}",
        tier=Tier.BASE,
        kind=Kind.GRASSROOTS_COMMITTEE,
        parent=parent,
        place_type=PlaceType.COMMUNE,
    )


@pytest.fixture
def tree():
    a, bb = b.committee("A"), b.committee("B")
    units = {code: b.base_org(a, code, with_cells=False) for code in ("A-1", "A-2", "A-3")}
    units["B-1"] = b.base_org(bb, "B-1", with_cells=False)
    for code, level in (("A-1", "TSVM"), ("A-2", "HTNV"), ("A-3", "TSVM"), ("B-1", "TSVM")):
        b.rate(units[code], 2015, level)
    b.season(2025)
    return {"A": a, "B": bb, **units}


def reorganized(tree):
    province = b.province_unit()
    merged = [tree["A-1"], tree["A-2"]]
    reorganize.merge(user=None, units=merged, into=base_spec("X", province), on=ON, decision=DECISION)
    x = Unit.objects.get(code="X")
    reorganize.split(
        user=None,
        unit=Unit.objects.get(code="A-3"),
        into=[base_spec("S1", tree["A"]), base_spec("S2", tree["B"])],
        heir=0,
        on=ON,
        decision=DECISION,
    )
    reorganize.move(
        user=None, units=[Unit.objects.get(code="B-1")], parent=tree["A"], on=ON, decision=DECISION
    )
    return x


def by_code(sets):
    units = Unit.objects.in_bulk([k for k in sets["committee"] if k is not None])
    return {units[k].code: r for k, r in sets["committee"].items() if k in units}


def test_as_counted_nothing_moves(tree):
    before = build_report_set(2015, groups=(None, "committee"))
    reorganized(tree)
    after = build_report_set(2015, groups=(None, "committee"))
    assert {c: r.base.total for c, r in by_code(after).items()} == {"A": 3, "B": 1}
    assert after[None][None].base.clean_strong == before[None][None].base.clean_strong == 3


def test_a_merger_gives_the_new_committee_its_predecessors_history(tree):
    x = reorganized(tree)
    sets = build_report_set(2015, groups=(None, "committee"), structure_of=AFTER)
    restated = by_code(sets)
    # X: A-1 (TSVM) and A-2 (HTNV); A: S1 (A-3's heir, TSVM) and B-1 (moved, TSVM); B: nothing.
    assert restated["X"].base.total == 2 and restated["X"].base.clean_strong == 1
    assert restated["A"].base.total == 2 and restated["A"].base.clean_strong == 2
    assert "B" not in restated
    whole = sets[None][None]
    assert (whole.base.total, whole.base.clean_strong) == (4, 3)  # the province's totals as counted
    assert whole.structure_of == AFTER and whole.as_dict()["structure_of"] == "2025-12-31"
    assert build_report(2015, x, structure_of=AFTER).base.total == 2


def test_a_split_counts_each_past_rating_once_under_its_heir(tree):
    reorganized(tree)
    s1, s2 = Unit.objects.get(code="S1"), Unit.objects.get(code="S2")
    assert s1.committee.code == "A" and s2.committee.code == "B"
    restated = by_code(build_report_set(2015, groups=(None, "committee"), structure_of=AFTER))
    assert sum(r.base.total for r in restated.values()) == 4  # A-3 counted once, under A (S1)


def test_a_dissolved_unit_counts_in_the_province_and_under_no_committee(tree):
    reorganize.dissolve(user=None, unit=tree["B-1"], on=ON, decision=DECISION)
    sets = build_report_set(2015, groups=(None, "committee"), structure_of=AFTER)
    assert sets[None][None].base.total == 4
    assert {c: r.base.total for c, r in by_code(sets).items()} == {"A": 3}


def test_before_the_reorganization_the_restated_view_is_the_counted_one(tree):
    reorganized(tree)
    sets = build_report_set(2015, groups=(None, "committee"), structure_of=datetime.date(2020, 12, 31))
    assert {c: r.base.total for c, r in by_code(sets).items()} == {"A": 3, "B": 1}


def test_the_dashboard_figures_and_the_trend_restated(tree):
    x = reorganized(tree)
    shown = figures(2015, None, structure_of=AFTER)
    assert {row.committee.code for row in shown.committees} == {"A", "X"}
    trend = trends(x, structure_of=AFTER)
    assert [(t.year, t.base["total"], t.base.get("clean_strong", 0)) for t in trend] == [(2015, 2, 1)]
    assert trends(x) == []  # as counted, X has no past


def test_the_restated_view_runs_the_same_queries_whatever_the_size(tree):
    reorganized(tree)
    with CaptureQueriesContext(connection) as small:
        build_report_set(2015, groups=(None, "committee", "place_type"), structure_of=AFTER)
    more = b.committee_with("C", 2015, base_levels=["TSVM", "HTNV"] * 5, cell_levels=["TSVM"] * 4)
    reorganize.move(
        user=None, units=list(Unit.objects.filter(parent=more)), parent=tree["A"], on=ON, decision=DECISION
    )
    with CaptureQueriesContext(connection) as large:
        build_report_set(2015, groups=(None, "committee", "place_type"), structure_of=AFTER)
    assert len(small) == len(large)


def test_the_command_restated_has_the_same_totals_and_a_row_per_committee(tree, capsys):
    reorganized(tree)
    call_command("quality_report", "--year", "2015", "--structure-of", "2025-12-31")
    out = capsys.readouterr().out
    call_command("quality_report", "--year", "2015")
    counted = capsys.readouterr().out
    assert "Theo cơ cấu tổ chức ngày 31/12/2025" in out
    assert (
        out.split("Chỉ tiêu nghị quyết")[0].splitlines()[2:]
        == counted.split("Chỉ tiêu nghị quyết")[0].splitlines()[1:]
    )
    committee_lines = out.split("Theo đảng bộ trực thuộc:")[1].strip().splitlines()
    assert [line.split()[0] for line in committee_lines] == ["A", "X"]


def test_a_bad_date_is_refused(tree):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("quality_report", "--year", "2015", "--structure-of", "31/12/2025")


def test_the_query_string_names_the_structures_date(province_staff):
    from reports.dashboard import structure_of

    assert structure_of({"structure_of": "2025-12-31"}, province_staff) == AFTER
    assert structure_of({"structure_of": "31/12/2025"}, province_staff) is None
    assert structure_of({}, province_staff) is None


def test_the_reporting_rate_counts_on_the_summaries_what_the_units_say(tree):
    """`seasons.reporting` reads the summaries: the units recorded and to rate of the year, as the
    units themselves count them, a reorganization later leaving the year as it was."""
    from assessments import seasons

    b.base_org(tree["A"], "A-9")  # pending in 2015
    reorganized(tree)
    for committee in (None, tree["A"], tree["B"]):
        units = Unit.objects.to_rate(2015, committee=committee)
        rate = seasons.reporting(2015, committee)
        assert (rate.reported, rate.total) == (units.recorded_in(2015).count(), units.count())
    assert (seasons.reporting(2015).reported, seasons.reporting(2015).total) == (4, 5)


def test_a_new_committees_staff_read_their_predecessors_history_and_nothing_else(tree, client):
    from django.urls import reverse

    x = reorganized(tree)
    client.force_login(b.staff_of(x, "x-staff"))
    api = reverse("reports:api-report", args=[2015])
    assert client.get(api).status_code == 404  # as counted, X has no 2015
    document = client.get(api, {"structure_of": "2025-12-31"}).json()
    # (a committee's staff restate on today's structure at the earliest)
    assert document["structure_of"] == timezone.localdate().isoformat() and document["committee"] == "X"
    assert document["base_organizations"]["total"] == 2  # not B-1 nor S1
    page = client.get(reverse("reports:dashboard", args=[2015]), {"structure_of": "2025-12-31"})
    assert page.status_code == 200 and 'id="restated-view"' in page.content.decode()
    assert page.context["report"].base.total == 2


def test_the_restated_dashboard_and_api_run_the_same_queries_whatever_the_size(tree, client):
    from django.urls import reverse

    reorganized(tree)
    client.force_login(b.province_staff())
    for name in ("reports:dashboard", "reports:api-report"):
        url = reverse(name, args=[2015])
        client.get(url, {"structure_of": "2025-12-31"})  # the summaries fresh in both measures
        with CaptureQueriesContext(connection) as small:
            assert client.get(url, {"structure_of": "2025-12-31"}).status_code == 200
        b.committee_with(f"C{len(name)}", 2015, base_levels=["TSVM"] * 6, cell_levels=["HTNV"] * 5)
        client.get(url, {"structure_of": "2025-12-31"})
        with CaptureQueriesContext(connection) as large:
            assert client.get(url, {"structure_of": "2025-12-31"}).status_code == 200
        assert len(small) == len(large), name


def test_the_restated_dashboard_reads_the_structure_once_for_its_figures_and_its_trend(tree, client):
    from django.urls import reverse

    reorganized(tree)
    client.force_login(b.province_staff())
    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("reports:dashboard", args=[2015]), {"structure_of": "2025-12-31"})
    assert response.status_code == 200
    assert sum('"organizations_lineage"' in q["sql"] for q in page.captured_queries) == 1


def test_a_committees_staff_never_read_through_an_earlier_structure_a_unit_that_has_left_them(tree, client):
    """B-1 sat under B until 2025 and is rated under A since: B's staff asking for the structure of
    2020 read it as today's, where B-1 is A's (a province user may restate on any date)."""
    from django.urls import reverse

    reorganized(tree)
    b.rate(Unit.objects.get(code="B-1"), 2025, "HTTNV", scores={"score": 80, "tasks_on_time": True})
    client.force_login(b.staff_of(tree["B"], "b-staff"))
    response = client.get(reverse("reports:api-report", args=[2025]), {"structure_of": "2020-12-31"})
    # Restated on today's structure B holds no 2025 rating (B-1's is A's): nothing to read. On the
    # structure of 2020 it would have counted B-1's 2025 rating as B's.
    assert response.status_code == 404
