"""The two data-entry grids (ratings; member statistics): one page per committee and year."""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from assessments.forms import untouched
from assessments.grid import Grid, GridFilter, MemberGrid
from assessments.models import MAX_YEAR, MIN_YEAR
from assessments.policy import EditRefused, check_can_edit, is_locked, submission_for
from assessments.services import ConflictError, RowErrors
from organizations.access import committee_for_request, committees_for_user, units_by_pk
from organizations.models import Kind, PlaceType

logger = logging.getLogger(__name__)


class GridView(LoginRequiredMixin, View):
    grid_class = Grid
    template_name = "assessments/rating_grid.html"

    def dispatch(self, request, *args, year, **kwargs):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404
        return super().dispatch(request, *args, year=year, **kwargs)

    def get(self, request, year):
        committee = committee_for_request(request, required=False)
        if committee is None:
            return render(
                request,
                "assessments/choose_committee.html",
                {"year": year, "committees": committees_for_user(request.user)},
            )
        grid = self.grid_class(user=request.user, committee=committee, year=year)
        units = grid.units(GridFilter.from_query(request.GET))
        stored = grid.stored(units)
        return self.render(request, grid, units, stored, grid.formset(units, stored))

    def post(self, request, year):
        committee = committee_for_request(request)
        grid = self.grid_class(user=request.user, committee=committee, year=year)
        posted = [value for key, value in request.POST.items() if key.endswith("-unit")]
        if not all(value.isdigit() for value in posted):
            raise Http404
        units_map = units_by_pk(request.user, committee, posted)  # 404 for anything out of scope
        units = [units_map[int(pk)] for pk in posted]
        stored = grid.stored(units)
        formset = grid.formset(units, stored, data=request.POST)
        if formset.total_form_count() != len(units):  # a tampered management form
            return HttpResponseBadRequest(
                _("The form was incomplete: reload the page and enter the data again.")
            )
        if not formset.is_valid():
            messages.error(request, _("Some rows have errors; nothing was saved. They are marked below."))
            return self.render(request, grid, units, stored, formset, status=400)
        changes = [
            c
            for form, unit in zip(formset.forms, units, strict=True)
            if form.has_changed() and not untouched(form) and (c := grid.change(form, unit))
        ]
        try:
            result = grid.save(changes)
        except ConflictError as conflict:
            messages.error(request, str(conflict))
            conflicts = {c.unit.pk: c.stored for c in conflict.conflicts}
            # Saving again keeps the user's values over those stored meanwhile: the re-shown rows
            # carry the version now stored.
            data = request.POST.copy()
            for index, unit in enumerate(units):
                if unit.pk in conflicts:
                    data[f"{formset.prefix}-{index}-version"] = (
                        conflicts[unit.pk].version if conflicts[unit.pk] else 0
                    )
            stored = grid.stored(units)
            formset = grid.formset(units, stored, data=data)
            formset.is_valid()
            return self.render(request, grid, units, stored, formset, status=409, conflicts=conflicts)
        except RowErrors as errors:
            messages.error(request, _("Some rows were refused; nothing was saved."))
            for form, unit in zip(formset.forms, units, strict=True):
                if unit in errors.by_unit:
                    form.add_error(None, errors.by_unit[unit])
            return self.render(request, grid, units, stored, formset, status=400)
        except EditRefused as refused:
            messages.error(request, str(refused))
            return self.render(request, grid, units, stored, formset, status=400)
        except (OperationalError, InterfaceError):
            # The connection died mid-save: the server rolls the transaction back, nothing was
            # written. Drop the broken connection (this page and the next requests reconnect) and
            # show the user's entries again, to be saved again (a save that did land would show as
            # a conflict: the versions changed).
            logger.warning("%s: database error during the save", request.path, exc_info=True)
            connection.close()
            messages.error(
                request,
                _("The database connection was lost while saving; nothing was written. Please try again."),
            )
            return self.render(request, grid, units, stored, formset, status=503)
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

    def render(self, request, grid, units, stored, formset, status=200, conflicts=None):
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
            "stored": stored,
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
            "warnings": grid.warnings(stored),
        }
        return render(request, self.template_name, context, status=status)


class RatingGridView(GridView):
    pass


class MemberGridView(GridView):
    grid_class = MemberGrid
    template_name = "assessments/member_grid.html"
