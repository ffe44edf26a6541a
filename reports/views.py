"""Pages of the reports app. The engine does the arithmetic; views only pick year and scope."""

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.shortcuts import render

from assessments.models import Rating
from reports.engine import build_report


@login_required
def home(request):
    """A summary of the latest year that has ratings, for the user's scope."""
    user = request.user
    year = Rating.objects.aggregate(year=Max("year"))["year"]
    committee = None if user.sees_whole_province else user.committee
    report = build_report(year, committee) if year else None
    return render(request, "reports/home.html", {"report": report, "scope": user.scope_label})
