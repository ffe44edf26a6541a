"""Reports counted once per change of what they count (issue #13: the year-end rush, a national
installation).

A report is a function of the database alone: of a year's ratings and member statistics, of the
units, and of the rules they are counted by (schemes and levels, resolutions with their targets
and counted levels, seasons, submissions, commendations, the reorganizations). Database triggers
bump a stamp on every write to each of them, whatever writes: the services, a COPY import, the
admin, raw SQL (`reports.models.SummaryStamp`: each year's, `UNITS_STAMP`, `RULES_STAMP`;
migrations 0001, 0002 and 0004). So a result kept under the stamps it was computed at is served
again until one of them moves, and never after: nothing is invalidated by hand.

`remembered(name, years=…)` decorates such a function. Its result is kept in the server process's
memory (`kept`: the REPORTS_KEPT results used last) under the function, its arguments, the
language, the date, and the stamps of the years it reads with the units' and the rules'. The
stamps are read in one query, once per request (`StampsMiddleware`; elsewhere at each call).

The result itself is kept, not a copy: every request of the process is given the same objects
(a copy would cost more than the counting: unpickling a national report set took 56 ms, its
counting 40), so no caller ever changes what it is given — the dashboard and the API build their
own rows from it.

Nothing is read from or kept in the cache inside a transaction: a stamp bumped there is not
committed, may be rolled back, and its number then counted again by another write. (A test's own
transaction, which Django marks, does not count: the tests clear the cache between tests.)
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.db import connection, connections
from django.db.models import F, Model
from django.utils import timezone, translation

from reports.models import RULES_STAMP, UNITS_STAMP, SummaryStamp


class Kept:
    """The results this process keeps, the least recently used dropped first (a development
    server answers in threads: one lock)."""

    def __init__(self):
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, default=None):
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def set(self, key: str, value, size: int) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


kept = Kept()
# The stamps read in this request (StampsMiddleware), or None: read at each call.
_request_stamps: contextvars.ContextVar[dict | None] = contextvars.ContextVar("report_stamps", default=None)


def stamps() -> dict[int, int]:
    """{year (or UNITS_STAMP, RULES_STAMP): version} as committed now; once per request."""
    held = _request_stamps.get()
    if held is not None and "versions" in held:
        return held["versions"]
    versions = dict(SummaryStamp.objects.values_list("year", "version"))
    if held is not None:
        held["versions"] = versions
    return versions


class StampsMiddleware:
    """Reads the stamps once for a whole page read (GET, HEAD): a page asks for several reports.
    Other requests write, and then read what they wrote: their stamps are read at each call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _request_stamps.set({})
        try:
            return self.get_response(request)
        finally:
            _request_stamps.reset(token)


# How far a restore moves every stamp (`move_past_kept_reports`): more than the writes of any
# database's life, so that no number a server process has kept a report under comes back.
RESTORE_JUMP = 10**12


def move_past_kept_reports(using: str = "default") -> None:
    """After a restore: the stamps went back to the backup's, and the writes that follow would
    count the same numbers again, under which the running server processes may keep reports of
    the data before the restore. Every stamp jumps past them (the summaries are then recounted
    at their next read). A backup older than the stamps has none to move."""
    if SummaryStamp._meta.db_table in connections[using].introspection.table_names():
        SummaryStamp.objects.using(using).update(version=F("version") + RESTORE_JUMP)


def _plain(value):
    """An argument as it enters a key: a unit by its id, a date by its ISO form."""
    if isinstance(value, Model):
        return (type(value).__name__, value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_plain(v) for v in (sorted(value) if isinstance(value, (set, frozenset)) else value))
    return value


def key_of(name: str, args: tuple, kwargs: dict, years) -> str:
    versions = stamps()
    if years is None:  # every year's stamp
        counted = sorted(versions.items())
    else:
        counted = [(y, versions.get(y, 0)) for y in sorted({*years, UNITS_STAMP, RULES_STAMP})]
    parts = (
        name,
        _plain(args),
        sorted((k, _plain(v)) for k, v in kwargs.items()),
        translation.get_language(),
        timezone.localdate().isoformat(),
        counted,
    )
    return f"{name}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def in_transaction() -> bool:
    """Inside an atomic block other than a test's (Django marks those `_from_testcase`, and tells
    them apart the same way for `atomic(durable=True)`)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def remembered(name: str, *, years=None):
    """Keep `function`'s results under its stamps. `years(*args, **kwargs)`: the years it reads
    (None: every year, as a trend does)."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            size = settings.REPORTS_KEPT
            if not size or in_transaction():
                return function(*args, **kwargs)
            key = key_of(name, args, kwargs, None if years is None else years(*args, **kwargs))
            found = kept.get(key, _MISSING)
            if found is not _MISSING:
                return found
            result = function(*args, **kwargs)
            kept.set(key, result, size)
            return result

        wrapper.uncached = function
        return wrapper

    return decorate


_MISSING = object()
