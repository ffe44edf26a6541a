"""A unit's audit history. (Being written.)"""

from django.http import HttpResponse


def unit_history(request, code):
    return HttpResponse(status=501)
