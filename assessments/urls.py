from django.urls import path

from assessments.views import decisions, grid_export, grids, history, workflow
from assessments.views.resolutions import resolution_create, resolution_edit, resolution_list
from assessments.views.schemes import scheme_list, scheme_new

app_name = "assessments"

urlpatterns = [
    path("ratings/<year:year>/", grids.GridView.as_view(), name="rating-grid"),
    path("ratings/<year:year>/members/", grids.MemberGridView.as_view(), name="member-grid"),
    path("ratings/<year:year>/xlsx/", grid_export.rating_grid_xlsx, name="grid-xlsx"),
    path("ratings/<year:year>/members/xlsx/", grid_export.member_grid_xlsx, name="member-grid-xlsx"),
    path("ratings/<year:year>/status/", workflow.season_status, name="season-status"),
    path("ratings/<year:year>/submit/", workflow.submit_view, name="submit"),
    path("ratings/<year:year>/withdraw/", workflow.withdraw_view, name="withdraw"),
    path("ratings/<year:year>/approve/", workflow.approve_view, name="approve"),
    path("ratings/<year:year>/return/", workflow.return_view, name="return"),
    path("years/", workflow.years, name="years"),
    path("years/<year:year>/open/", workflow.open_view, name="open-season"),
    path("years/<year:year>/lock/", workflow.lock_view, name="lock-year"),
    path("years/<year:year>/unlock/", workflow.unlock_view, name="unlock-year"),
    path("units/<str:code>/history/", history.unit_history, name="unit-history"),
    path(
        "ratings/<year:year>/units/<str:code>/cancel/", decisions.cancel_decision_view, name="cancel-decision"
    ),
    path("resolutions/", resolution_list, name="resolutions"),
    path("resolutions/new/", resolution_create, name="resolution-create"),
    path("resolutions/<year:year>/", resolution_edit, name="resolution-edit"),
    path("schemes/", scheme_list, name="schemes"),
    path("schemes/new/", scheme_new, name="scheme-new"),
]
