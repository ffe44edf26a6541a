from django.urls import path

from assessments.views import grids, history, workflow

urlpatterns = [
    path("ratings/<int:year>/", grids.RatingGridView.as_view(), name="rating-grid"),
    path("ratings/<int:year>/members/", grids.MemberGridView.as_view(), name="member-grid"),
    path("ratings/<int:year>/status/", workflow.season_status, name="season-status"),
    path("ratings/<int:year>/submit/", workflow.submit_view, name="submit"),
    path("ratings/<int:year>/approve/", workflow.approve_view, name="approve"),
    path("ratings/<int:year>/return/", workflow.return_view, name="return"),
    path("years/", workflow.years, name="years"),
    path("years/<int:year>/lock/", workflow.lock_view, name="lock-year"),
    path("years/<int:year>/unlock/", workflow.unlock_view, name="unlock-year"),
    path("units/<str:code>/history/", history.unit_history, name="unit-history"),
]
