"""The two data-entry grids (ratings; member statistics): one page per committee and year.

The year comes resolved from the URL (`<year:year>`), the committee from
`organizations.access`; the rows a POST names are taken from each row's own unit field, checked
against the user's scope (404) and against duplicates (400) before anything is read.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from assessments.entry import Grid, GridFilter, MemberGrid
from assessments.forms import posted_unit_ids, untouched
from assessments.policy import EditRefused, check_can_edit, is_locked, submission_for
from assessments.services import ConflictError, RowErrors
from kontum_party.dberrors import LOST_STATUS, ConnectionLost, on_lost_connection
from organizations.access import committee_for_request, scope_for_request, units_by_pk
from organizations.models import Kind, PlaceType


class GridView(LoginRequiredMixin, View):
    grid_class = Grid
    template_name = "assessments/rating_grid.html"

    def get(self, request, year):
        scope = scope_for_request(request)
        if scope.committee is None:
            return render(
                request, "assessments/choose_committee.html", {"year": year, "committees": scope.committees()}
            )
        grid = self.grid_class(user=request.user, committee=scope.committee, year=year)
        units = grid.units(GridFilter.from_query(request.GET))
        rows = grid.rows_by_unit(units)
        return self.render(request, grid, units, rows, grid.formset(units, rows))

    def post(self, request, year):
        committee = committee_for_request(request)
        grid = self.grid_class(user=request.user, committee=committee, year=year)
        try:
            posted = posted_unit_ids(request.POST, grid.formset_class)
        except forms.ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages))
        units_map = units_by_pk(request.user, committee, posted)  # 404 for anything out of scope
        units = [units_map[pk] for pk in posted]
        rows = grid.rows_by_unit(units)
        formset = grid.formset(units, rows, data=request.POST)
        if not formset.is_valid():
            messages.error(request, _("Some rows have errors; nothing was saved. They are marked below."))
            return self.render(request, grid, units, rows, formset, status=400)
        changes = [
            c
            for form, unit in zip(formset.forms, units, strict=True)
            if form.has_changed() and not untouched(form) and (c := grid.change(form, unit))
        ]
        try:
            with on_lost_connection(request, "the save"):
                result = grid.save(changes)
        except ConflictError as conflict:
            return self.conflict(request, grid, units, formset, conflict)
        except RowErrors as errors:
            messages.error(request, _("Some rows were refused; nothing was saved."))
            for form, unit in zip(formset.forms, units, strict=True):
                if unit in errors.by_unit:
                    form.add_error(None, errors.by_unit[unit])
            return self.render(request, grid, units, rows, formset, status=400)
        except EditRefused as refused:
            messages.error(request, str(refused))
            return self.render(request, grid, units, rows, formset, status=400)
        except ConnectionLost:
            # The user's entries are shown again, to be saved again.
            return self.render(request, grid, units, rows, formset, status=LOST_STATUS)
        messages.success(
            request,
            _("Saved: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": len(units) - result.created - result.updated,
            },
        )
        return redirect(request.get_full_path())

    def conflict(self, request, grid, units, formset, conflict: ConflictError):
        """Somebody saved some of these rows meanwhile: show the stored values beside the user's.

        Saving again keeps the user's values over those stored meanwhile: the re-shown rows carry
        the version now stored.
        """
        messages.error(request, str(conflict))
        conflicts = {c.unit.pk: c.stored for c in conflict.conflicts}
        data = request.POST.copy()
        for index, unit in enumerate(units):
            if unit.pk in conflicts:
                stored = conflicts[unit.pk]
                data[f"{formset.prefix}-{index}-version"] = stored.version if stored else 0
        rows = grid.rows_by_unit(units)
        formset = grid.formset(units, rows, data=data)
        formset.is_valid()
        return self.render(request, grid, units, rows, formset, status=409, conflicts=conflicts)

    def render(self, request, grid, units, rows, formset, status=200, conflicts=None):
        try:
            check_can_edit(user=request.user, committee=grid.committee, year=grid.year)
            read_only_reason = ""
        except (EditRefused, PermissionDenied) as refused:  # a leader reads only
            read_only_reason = str(refused)
            for form in formset.forms:
                for field in form.fields.values():
                    field.disabled = True
        done, total = grid.progress()
        context = {
            "grid": grid,
            "year": grid.year,
            "committee": grid.committee,
            "rows": list(zip(units, formset.forms, strict=True)),
            "stored": rows,
            "formset": formset,
            "conflicts": conflicts or {},
            "read_only_reason": read_only_reason,
            "done": done,
            "total": total,
            "filter": GridFilter.from_query(request.GET),
            "kinds": [(kind, Kind(kind).label) for kind in grid.kinds],
            "place_types": PlaceType.choices,
            "submission": submission_for(grid.committee, grid.year),
            "locked": is_locked(grid.year),
            "warnings": grid.warnings(rows),
        }
        return render(request, self.template_name, context, status=status)


class MemberGridView(GridView):
    grid_class = MemberGrid
    template_name = "assessments/member_grid.html"
