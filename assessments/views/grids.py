"""The two data-entry grids (ratings; member statistics): one page per committee and year.

The year comes resolved from the URL (`<year:year>`), the committee from
`organizations.access`; the rows a POST names are taken from each row's own unit field, checked
against the user's scope (404) and against duplicates (400) before anything is read. Only the rows
posted with other texts than they were shown with are read by a form (`Grid.touched`); a refused
save shows the page again as posted, with a summary linking to each refused row.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from assessments.commendation_entry import granted_message
from assessments.commendations import withdrawn_message
from assessments.entry import FormRows, Grid, GridFilter
from assessments.forms import GRID_MAX_ROWS, posted_unit_ids, untouched
from assessments.grid_html import RowWriter, columns, summary
from assessments.member_entry import MemberGrid
from assessments.policy import EditRefused, check_can_edit, is_locked, submission_for
from assessments.services import ConflictError, RowErrors
from kontum_party.dberrors import LOST_STATUS, ConnectionLost, on_lost_connection
from organizations.access import committee_for_request, scope_for_request
from organizations.models import Kind, PlaceType


class GridView(LoginRequiredMixin, View):
    grid_class = Grid
    template_name = "assessments/rating_grid.html"
    export_url = "assessments:grid-xlsx"
    warning_class = "small text-warning-emphasis rule-warning"

    def get(self, request, year):
        scope = scope_for_request(request)
        if scope.committee is None:
            return render(
                request, "assessments/choose_committee.html", {"year": year, "committees": scope.committees()}
            )
        grid = self.grid_class(user=request.user, committee=scope.committee, year=year)
        units = grid.units(GridFilter.from_query(request.GET))
        rows = grid.rows_by_unit(units)
        read_only_reason = self.read_only_reason(request, grid)
        initial, lines = grid.shown(units, rows)
        formset = grid.formset(units, rows, initial=initial, disabled=bool(read_only_reason))
        # Without a filter the page lists the whole committee: its progress is counted from it.
        whole = None if GridFilter.from_query(request.GET).active else (units, rows)
        return self.render(request, grid, units, rows, formset, lines, read_only_reason, whole=whole)

    def post(self, request, year):
        committee = committee_for_request(request)
        grid = self.grid_class(user=request.user, committee=committee, year=year)
        try:
            posted = posted_unit_ids(request.POST, grid.formset_class)
        except forms.ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages))
        grid.check_posted(posted)  # 404 for a unit the page does not list (out of scope, another year)
        touched = grid.touched(request.POST, len(posted))
        # The units of the rows to read; all of them only to show the page again.
        units = grid.units_at(posted, touched)
        row_forms = grid.row_forms(request.POST, units)

        def again(status, *, data=request.POST, unit_errors=None, conflicts=None):
            """The page as posted (the user's entries kept), with what went wrong."""
            every = list(grid.units_at(posted, range(len(posted))).values())
            rows = grid.rows_by_unit(every)
            reason = self.read_only_reason(request, grid)
            formset = grid.formset(every, rows, data=data, disabled=bool(reason))
            lines = grid.posted_lines(data, every, row_forms, unit_errors)
            return self.render(
                request, grid, every, rows, formset, lines, reason, status, conflicts, unit_errors
            )

        if not all(form.is_valid() for form in row_forms.values()):
            messages.error(
                request, _("Some rows have errors; nothing was saved. They are listed above the grid.")
            )
            return again(400)
        changes = [
            c
            for i, form in row_forms.items()
            if form.has_changed() and not untouched(form) and (c := grid.change(form, units[i]))
        ]
        marks = grid.commendation_marks(row_forms, units)  # the "TSVM tiêu biểu" boxes changed
        try:
            with on_lost_connection(request, "the save"):
                result = grid.save(changes, marks=marks)
        except ConflictError as conflict:
            # Somebody saved some of these rows meanwhile: the stored values are shown beside the
            # user's. Saving again keeps the user's values: the rows carry the version now stored.
            messages.error(request, str(conflict))
            conflicts = {c.unit.pk: c.stored for c in conflict.conflicts}
            data = request.POST.copy()
            for index, pk in enumerate(posted):
                if pk in conflicts:
                    stored = conflicts[pk]
                    data[f"{grid.prefix}-{index}-version"] = str(stored.version if stored else 0)
            return again(409, data=data, conflicts=conflicts)
        except RowErrors as errors:
            messages.error(request, _("Some rows were refused; nothing was saved."))
            return again(400, unit_errors=errors.by_unit)
        except EditRefused as refused:
            messages.error(request, str(refused))
            return again(400)
        except ConnectionLost:
            return again(LOST_STATUS)  # the user's entries are shown again, to be saved again
        saved = _("Saved: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": len(posted) - result.created - result.updated,
        }
        more = (granted_message(grid.granted), withdrawn_message(result.withdrawn))
        messages.success(request, " ".join(text for text in (saved, *more) if text))
        return redirect(request.get_full_path())

    @staticmethod
    def read_only_reason(request, grid) -> str:
        try:
            check_can_edit(user=request.user, committee=grid.committee, year=grid.year)
        except (EditRefused, PermissionDenied) as refused:  # a leader reads only
            return str(refused)
        return ""

    def render(
        self,
        request,
        grid,
        units,
        rows,
        formset,
        lines,
        read_only_reason,
        status=200,
        conflicts=None,
        unit_errors=None,
        whole=None,
    ):
        conflicts = conflicts or {}
        warnings = grid.warnings(rows)
        writer = RowWriter(
            cols=columns(grid.prototype),
            prefix=grid.prefix,
            disabled=bool(read_only_reason),
            warnings=warnings,
            conflicts=conflicts,
            warning_class=self.warning_class,
        )
        refused, changed = summary(
            lines, writer.cols, unit_errors=unit_errors, conflicts=conflicts, conflict_note=grid.conflict_note
        )
        done, total = grid.progress(*(whole or ()))
        grid_filter = GridFilter.from_query(request.GET)
        context = {
            "grid": grid,
            "year": grid.year,
            "committee": grid.committee,
            "columns": writer.cols,
            "body": writer.body(lines, conflict_note=grid.conflict_note),
            "line_count": len(lines),
            "max_rows": GRID_MAX_ROWS,
            "refused": refused,
            "changed": changed,
            # The forms behind the rows, built only when read (tests post a page back through them).
            "rows": FormRows(units, formset),
            "stored": rows,
            "formset": formset,
            "conflicts": conflicts,
            "read_only_reason": read_only_reason,
            "done": done,
            "total": total,
            "filter": grid_filter,
            "kinds": [(kind, Kind(kind).label) for kind in grid.kinds],
            "place_types": PlaceType.choices,
            "submission": submission_for(grid.committee, grid.year),
            # An editable page's year is not locked (check_can_edit refused it otherwise).
            "locked": bool(read_only_reason) and is_locked(grid.year),
            "warnings": warnings,
            "export_url": self.export_link(request, grid),
        }
        return render(request, self.template_name, context, status=status)

    def export_link(self, request, grid) -> str:
        query = request.GET.copy()
        query["committee"] = grid.committee.code
        return f"{reverse(self.export_url, args=[grid.year])}?{query.urlencode()}"


class MemberGridView(GridView):
    grid_class = MemberGrid
    template_name = "assessments/member_grid.html"
    export_url = "assessments:member-grid-xlsx"
    warning_class = "small text-warning-emphasis member-warning"
