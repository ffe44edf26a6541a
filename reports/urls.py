from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard_latest, name="dashboard-latest"),
    path("dashboard/<int:year>/", views.dashboard, name="dashboard"),
    path("dashboard/<int:year>/print/", views.dashboard_print, name="dashboard-print"),
    path("dashboard/<int:year>/units/", views.drilldown, name="drilldown"),
    path("dashboard/<int:year>/report.xlsx", views.report_xlsx, name="report-xlsx"),
    path("api/reports/<int:year>/", views.api_report, name="api-report"),
]
