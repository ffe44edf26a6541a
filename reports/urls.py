from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard_latest, name="dashboard-latest"),
    path("dashboard/<year:year>/", views.dashboard, name="dashboard"),
    path("dashboard/<year:year>/print/", views.dashboard_print, name="dashboard-print"),
    path("dashboard/<year:year>/units/", views.drilldown, name="drilldown"),
    path("dashboard/<year:year>/report.xlsx", views.report_xlsx, name="report-xlsx"),
    path("api/reports/", views.api_report_latest, name="api-report-latest"),
    path("api/reports/<year:year>/", views.api_report, name="api-report"),
]
