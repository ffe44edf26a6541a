"""Structured request logging: one JSON line per request, on the logger "kontum_party.requests".

Each line says who did what: time, user (id and username, or anonymous), method, path, status,
duration and the client's address. Never the query string (it may carry a search or a token), the
body, a password or an uploaded file: only what is listed in `RequestLogMiddleware.entry`.
"""

import json
import logging
import time
from datetime import UTC, datetime

from django.conf import settings

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
