"""What every request goes through before the views: odd input refused at the door, one JSON
log line per request (logger "kontum_party.requests"), and the idle clock of signed-in sessions.

Each log line says who did what: time, user (id and username, or anonymous), method, path,
status, duration and the client's address. Never the query string (it may carry a search or a
token), the body, a password or an uploaded file: only what is listed in `RequestLogMiddleware.entry`.
"""

import json
import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

logger = logging.getLogger("kontum_party.requests")


def client_ip(request) -> str:
    """The client's address: the connection's, or the one the trusted proxies put in X-Forwarded-For.

    With TRUSTED_PROXY_COUNT = n, each of the n proxies appends the address it received the request
    from, so the client is the n-th entry from the right; anything left of it may be forged.
    Also django-axes' AXES_CLIENT_IP_CALLABLE, so that both agree on who is who.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return remote


def login_username(request, credentials) -> str | None:
    """The username django-axes records a login attempt under (AXES_USERNAME_CALLABLE), cut to
    the longest username there can be: its own column holds 255 characters, and a longer one
    posted to the login page must be a failed login, not a database error."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = credentials.get(field) if credentials else request.POST.get(field)
    return value[:USERNAME_MAX_LENGTH] if isinstance(value, str) else value


USERNAME_MAX_LENGTH = 150  # accounts.User.username (Django's AbstractUser)


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is refused with a 400.

    No code, name or filter can hold one, and PostgreSQL refuses any text holding one: left to
    the views, it would reach a query as a server error. (Form fields refuse it themselves.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key + value for key, value in _query_items(request)):
            return HttpResponseBadRequest(
                _("The address holds a NUL character, which no code or name can hold: check the link."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _query_items(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


def who(user) -> tuple[int | None, str]:
    if user is not None and user.is_authenticated:
        return user.pk, user.get_username()
    return None, ""


class RequestLogMiddleware:
    """Logs every request once, after its response; placed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        # The user is read before the view too: a logout ends with an anonymous request.user.
        user_id, username = who(getattr(request, "user", None))
        response = self.get_response(request)
        after_id, after_name = who(getattr(request, "user", None))
        if after_id is not None:  # a login ends with the user who logged in
            user_id, username = after_id, after_name
        logger.log(
            logging.ERROR if response.status_code >= 500 else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={"http": self.entry(request, response, user_id, username, started)},
        )
        return response

    @staticmethod
    def entry(request, response, user_id, username, started) -> dict:
        return {
            "user_id": user_id,
            "username": username or "anonymous",
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "remote_addr": client_ip(request),
        }


# The session key under which `SessionIdleMiddleware` notes when it last restarted the idle clock.
TOUCHED = "_touched"


class SessionIdleMiddleware:
    """Restarts a session's idle clock (SESSION_COOKIE_AGE) at most every SESSION_TOUCH_SECONDS.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session row and sends its cookie again on every
    request, a write and a commit in the database for each page read; at year-end every
    committee's staff read at once. Here the session is marked changed, and so saved with a new
    expiry, only when the clock was last restarted SESSION_TOUCH_SECONDS ago or more: a session
    still ends after SESSION_COOKIE_AGE without a request, up to SESSION_TOUCH_SECONDS early.
    A request without a session (anonymous, nothing stored) creates none. Placed after
    SessionMiddleware, so that it marks the session before that middleware saves it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now
        return response


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line: time, level, logger, message, and its `http` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "http", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
