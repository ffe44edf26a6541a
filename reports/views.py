"""Pages of the reports app. The engine and reports.dashboard do the arithmetic; the year comes
resolved from the URL and the scope from `organizations.access.scope_for_request` (404 for
anything out of scope): views only hand them on. Unless a year is asked for, the home page, the
dashboard and the API show the latest *closed* season (`assessments.seasons.default_year`); a year
still in progress is always marked as such, with its reporting rate."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Role
from assessments import seasons
from organizations.access import Scope, scope_for_request
from organizations.models import Unit
from reports import dashboard as dash
from reports import dashboard_notes, dashboard_tables
from reports.cache import remembered
from reports.charts import line_chart
from reports.drilldown import (
    PAGE_SIZE,
    DrillFilter,
    DrillRow,
    describe,
    level_choices,
    place_choices,
    selection,
    tier_choices,
    year_levels,
)
from reports.engine import build_report, report_document
from reports.export import safe_cell
from reports.restated import one_structure
from reports.spreadsheet import TitleBlock, user_label, write_workbook
from reports.xlsx import unit_sheet, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _work_left(user) -> dict:
    """What is left to do in the season being worked on, for the user's committees."""
    year = seasons.working_year()
    overview = seasons.overview(year)
    committees = (
        seasons.committee_progress(year, Scope(user=user).committees().active_in(year))
        if overview.state != seasons.NOT_OPENED
        else []
    )
    return {
        "year": year,
        "season": overview,
        "committees": committees,
        "not_submitted": [c for c in committees if c.submission.status == "draft"],
        "awaiting": [c for c in committees if c.submission.status == "submitted"],
    }


@login_required
@require_GET
def home(request):
    """Per role: the clerk's work left in the open season, the provincial staff's committees to
    chase and to approve, and for everyone the summary of the latest closed season."""
    user = request.user
    year = seasons.default_year(user)
    scope = scope_for_request(request)
    report = build_report(year, scope.committee) if year else None
    context = {
        "report": report,
        "scope": user.scope_label,
        "reporting": seasons.reporting(year, scope.committee) if year else None,
        "work": _work_left(user) if user.role != Role.LEADER else None,
        "is_clerk": user.role == Role.COMMITTEE_STAFF,
    }
    return render(request, "reports/home.html", context)


@login_required
@require_GET
def dashboard_latest(request):
    year = seasons.default_year(request.user)
    if year is None:
        return render(request, "reports/dashboard.html", {"report": None})
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return redirect(f"{request.path}{year}/{query}")


def trend_chart(trend, targets, states: dict):
    """The trend chart, a year still in progress drawn apart (dashed, hollow point)."""
    return line_chart(
        [t.year for t in trend],
        [
            (_("Grassroots organizations"), "series-base", [t.base.get("percent") for t in trend]),
            (_("Subordinate cells"), "series-cells", [t.cells.get("percent") for t in trend]),
        ],
        [(t.label, f"line-{metric}", t.threshold) for metric, t in targets.items()],
        partial={year for year, state in states.items() if state != seasons.CLOSED},
    )


@login_required
@require_GET
def dashboard(request, year, template="reports/dashboard.html"):
    scope = scope_for_request(request)
    committee = scope.committee
    # The restated view (reports.restated), or None: as counted.
    structure_of = dash.structure_of(request.GET, request.user)
    with one_structure():  # restated, the figures and the trend read the tree on its date once
        figures = dash.figures(year, committee, request.GET.get("sort", "code"), structure_of=structure_of)
        trend = dash.trends(committee, structure_of=structure_of)
    report, places = figures.report, figures.places
    committees = committees_of_year(scope, year, committee) if request.user.sees_whole_province else []
    targets = dash.target_lines(year)
    states = seasons.states([t.year for t in trend] + [year])
    # The years in progress (of the trend, and the year shown), each with its reporting rate, in
    # one query.
    in_progress = {t.year for t in trend if states[t.year] != seasons.CLOSED}
    shown_in_progress = states[year] != seasons.CLOSED and report.has_data
    asked = in_progress | ({year} if shown_in_progress else set())
    reporting = seasons.reporting_of(asked, committee, states)
    partial = [reporting[y] for y in sorted(in_progress)]
    context = {
        "report": report,
        "committee": committee,
        "scope_name": committee.name if committee else _("Whole province"),
        "committees": committees,
        "committee_options": dashboard_tables.committee_options(committees, committee),
        "by_committee": figures.committees,
        "committee_rows": figures.table_rows,
        "columns": dash.target_columns(report),
        "resolution": dash.resolution_name(report),
        "honesty": dashboard_notes.honesty_notes(year, committee),
        "sort": request.GET.get("sort", "code"),
        "places": places,
        "village": dash.village_cells_against_others(places),
        "trend": trend,
        "chart": trend_chart(trend, targets, {t.year: states[t.year] for t in trend}),
        "target_legend": dash.target_legend(year, targets),
        "partial_years": partial,
        "reporting": reporting[year] if shown_in_progress else None,
        "schemes_differ": len({t.scheme for t in trend}) > 1,
        "tier_blocks": [
            (report.base, "base", _("Grassroots organizations")),
            (report.cells, "cell", _("Subordinate cells")),
        ],
        "drill_base": reverse("reports:drilldown", args=[year])
        + "?"
        + urlencode({"committee": committee.code} if committee else {}),
    }
    return render(request, template, context)


def committees_of_year(scope, year: int, selected) -> list:
    """The committees to choose between: those that existed in `year`, and the one shown. (The
    picker is for users who read the whole province: all committees, kept by `reports.cache`.)"""
    whole = scope.user.sees_whole_province
    committees = list(_committees_in(year) if whole else scope.committees().active_in(year))
    if selected is not None and selected not in committees:
        committees.append(selected)
    return committees


@remembered("committees_in", years=lambda year: ())  # the units' stamp
def _committees_in(year: int) -> list:
    return list(Unit.objects.committees().order_by("code").active_in(year))


@login_required
@require_GET
def dashboard_print(request, year):
    return dashboard(request, year, template="reports/dashboard_print.html")


@login_required
@require_GET
def drilldown(request, year):
    scope = scope_for_request(request)
    levels = year_levels(year)
    drill = DrillFilter.from_query(request.GET).within(levels)
    rows = selection(scope, year, drill)
    title = describe(drill, year, levels)
    export = request.GET.get("format")
    if export == "csv":
        return drilldown_csv(rows, _filename("don-vi", year, scope, "csv"))
    if export == "xlsx":
        return drilldown_xlsx(request, scope, rows, year, title)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = drill.as_query() | ({"committee": scope.committee.code} if scope.committee else {})
    return render(
        request,
        "reports/drilldown.html",
        {
            "rows": page.object_list,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "year": year,
            "committee": scope.committee,
            "committees": committees_of_year(scope, year, scope.committee)
            if request.user.sees_whole_province
            else [],
            "scope_name": scope.committee.name if scope.committee else _("Whole province"),
            "drill": drill,
            "title": title,
            "level_choices": level_choices(levels),
            "tier_choices": tier_choices(),
            "place_choices": place_choices(),
            "query": urlencode(query),
            "back": reverse("reports:dashboard", args=[year])
            + (f"?{urlencode({'committee': scope.committee.code})}" if scope.committee else ""),
        },
    )


def _filename(prefix: str, year: int, scope, extension: str) -> str:
    suffix = f"-{scope.committee.code}" if scope.committee else ""
    return f"{prefix}-{year}{suffix}.{extension}"


def drilldown_csv(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
    writer = csv.writer(response)
    writer.writerow(DrillRow.headers())
    for row in rows:
        writer.writerow([safe_cell(value) for value in row.as_list()])
    return response


def drilldown_xlsx(request, scope, rows, year, title) -> HttpResponse:
    block = TitleBlock(
        report=title,
        year=year,
        scope=scope.committee.name if scope.committee else _("Whole province"),
        made_by=user_label(request.user),
    )
    content = write_workbook(block, [unit_sheet(None, rows, subject=title)])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename("don-vi", year, scope, "xlsx")}"'
    return response


@login_required
@require_GET
def report_xlsx(request, year):
    scope = scope_for_request(request)
    committee = scope.committee
    figures = dash.figures(year, committee)
    content = workbook(
        report=figures.report,
        committees=figures.committees,
        places=figures.places,
        units=selection(scope, year, DrillFilter()),
        user=request.user,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename("bao-cao", year, scope, "xlsx")}"'
    return response


@require_GET
def api_report(request, year):
    """The same document as `quality_report --format json`, scoped like the pages, with the
    season of the year (`"season": {"state": "open|closed|not_opened", "reported", "total"}`)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Authentication required.")}, status=401)
    committee = scope_for_request(request).committee
    structure_of = dash.structure_of(request.GET, request.user)
    report = build_report(year, committee, structure_of=structure_of)
    if not report.has_data:
        return JsonResponse({"detail": _("No rating data for %(year)s.") % {"year": year}}, status=404)
    document = report_document(report)
    document["season"] = seasons.reporting(year, report.committee).as_json()
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@require_GET
def api_report_latest(request):
    """The document of the latest closed season (`seasons.default_year`)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Authentication required.")}, status=401)
    year = seasons.default_year(request.user)
    if year is None:
        return JsonResponse({"detail": _("There is no rating data yet.")}, status=404)
    return api_report(request, year)
