"""Submit → approve / return, and locking years. (Being written.)"""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


season_status = submit_view = approve_view = return_view = years = lock_view = unlock_view = _todo
