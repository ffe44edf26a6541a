"""How the shared writer (`assessments.services.save_ratings` / `save_member_stats`) checks and
writes many rows of one committee-year: a fixed number of statements whatever the number of rows,
and little Python per row, so that a 100,000-row file commits in seconds.

- Checked once per distinct set of values. The field validators and the model's rules that do
  not concern the unit itself (`clean_fields`, `validate_for` without a unit) depend only on the
  values written and the row's tier and type of place: they run on one unsaved prototype per
  distinct set. The rules about the unit (`check_unit`: its tier, that it existed that year) run
  for every row. A row refused either way is checked again in full on its own object, so that
  its messages are exactly the model's.
- Audited as the model says (`audit_values`), also once per distinct set for the new values.
- Written by COPY on PostgreSQL (the rows and their audit entries), by the ORM's `bulk_create`
  elsewhere (SQLite); changed rows by one UPDATE per distinct set of new values (beyond
  MAX_UPDATE_GROUPS of them, one UPDATE … FROM unnest(arrays) on PostgreSQL). The caller marks
  the year's rating tally stale (`RatingTally.mark_stale`): no signal runs here.
"""

from __future__ import annotations

import functools
import io
import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.utils import timezone

from assessments.models import AuditEntry, Rating

# Changed rows with the same new values are written by one UPDATE … WHERE id IN (…); beyond this
# many distinct value sets (a grid where every note differs), one UPDATE from arrays on PostgreSQL,
# bulk_update elsewhere.
MAX_UPDATE_GROUPS = 20
EXCLUDED = ["unit", "committee", "level", "changed_by"]  # checked by the writer, not by the field


@dataclass(slots=True)
class Checked:
    """What one distinct set of new values gives: its columns (and as COPY text), its audit
    values, what a new row with them is audited with, and the model's refusal if any."""

    columns: dict
    copy_text: str
    audit: dict
    new_changes: dict
    error: ValidationError | None


@dataclass(slots=True)
class NewRow:
    """A row to insert: its own columns, then the columns of its values (shared with every row of
    the same values, already encoded once)."""

    own: dict
    tail: Checked | None = None


@dataclass
class Pending:
    """What one committee-year's save writes."""

    new: list = field(default_factory=list)  # NewRow
    changed: list = field(default_factory=list)  # (locked object, Checked)
    audit: list = field(default_factory=list)  # NewRow of AuditEntry: action, unit, changes


class Checker:
    """The checks of one model for one year (its committees alike: no rule reads the committee),
    each distinct set of values checked once."""

    def __init__(self, model, *, year: int, validate, committee=None):
        self.model, self.year, self.committee, self.validate = model, year, committee, validate
        self.blank_audit = model().audit_values()  # what a new row is audited from
        self._seen: dict[tuple, Checked] = {}

    def values(self, values: dict, tier: str = "", place_type: str = "") -> Checked:
        # Levels compare by their pk; 72.5 and 72.50 are one key (the same number stored).
        key = (tier, place_type, *values.values())
        found = self._seen.get(key)
        if found is None:
            proto = self.model(year=self.year, committee=self.committee, version=1)
            if self.model is Rating:
                proto.tier, proto.place_type = tier, place_type
            for name, value in values.items():
                setattr(proto, name, value)
            error = None
            try:
                proto.clean_fields(exclude=EXCLUDED)
                self.validate(proto)
            except ValidationError as refused:
                error = refused
            meta = self.model._meta
            columns = {meta.get_field(name).attname: None for name in values}
            columns = {attname: getattr(proto, attname) for attname in columns}
            text = "\t".join(copy_text(v) for v in columns.values())
            audit = proto.audit_values()
            new_changes = audit_changes(self.blank_audit, audit)
            found = self._seen[key] = Checked(columns, text, audit, new_changes, error)
        return found

    def unit_error(self, unit) -> ValidationError | None:
        try:
            self.model.check_unit(unit, self.year)
        except ValidationError as refused:
            return refused
        return None

    def full_error(self, obj, values: dict) -> ValidationError:
        """A refused row checked again on its own object: the model's own messages."""
        for name, value in values.items():
            setattr(obj, name, value)
        try:
            obj.clean_fields(exclude=EXCLUDED)
            self.validate(obj)
        except ValidationError as refused:
            return refused
        return ValidationError("?")  # not reached: the prototype or the unit was refused


def audit_changes(before: dict, after: dict) -> dict:
    """The audited {field: [old, new]} of what really changed."""
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}


def among(queryset, column: str, ids):
    """`queryset.filter(<column>__in=ids)` for thousands of ids: on PostgreSQL one array parameter
    (`column = ANY(%s)`), not an IN list that Django prepares value by value (0.1–0.3 s for 10,000
    units, each time)."""
    ids = list(ids)
    if connection.vendor != "postgresql" or not ids:
        return queryset.filter(**{f"{column}__in": ids})
    quote = connection.ops.quote_name
    where = f"{quote(queryset.model._meta.db_table)}.{quote(column)} = ANY(%s)"
    return queryset.filter(RawSQL(where, (ids,), output_field=BooleanField()))


# Writing ----------------------------------------------------------------------------------------


def write(model, pending: Pending, *, user, channel: str, source: str, conflict):
    """Insert the new rows, update the changed ones, insert the audit entries (in the caller's
    transaction), of one or many committee-years: one COPY per table. `conflict(stored)` builds
    the error raised when a new row was inserted meanwhile by another save, `stored` the rows now
    stored by (unit pk, year)."""
    now = timezone.now()
    user_pk = user.pk if user else None
    if pending.new:
        same = {"changed_by_id": user_pk, "changed_at": now, "version": 1}
        try:
            with transaction.atomic():  # a savepoint: a failed insert must not poison the transaction
                insert(model, pending.new, same=same)
        except IntegrityError:
            # Two first entries of one unit-year can both find no row; the unique constraint lets
            # only one through (the other waits for it, then fails): that one is told of the
            # conflict and shown the row now stored, as for any other concurrent change.
            keys = {(row.own["unit_id"], row.own["year"]) for row in pending.new}
            years = {year for _unit, year in keys}
            found = among(model.objects.filter(year__in=years), "unit_id", {unit for unit, _year in keys})
            stored = {(r.unit_id, r.year): r for r in found if (r.unit_id, r.year) in keys}
            if not stored:
                raise
            raise conflict(stored) from None
    _update(model, pending.changed, changed_by=user, changed_at=now)
    same = {"at": now, "user_id": user_pk, "channel": channel, "source": source, "reason": ""}
    insert(AuditEntry, pending.audit, same=same)


def _update(model, changed: list, *, changed_by, changed_at) -> None:
    """Write changed rows, already locked FOR UPDATE, with few statements.

    Django's bulk_update builds a CASE per row and column in Python (3 s for 2,500 ratings);
    most imports and grids set a few distinct values, so group the rows by them instead.
    """
    if not changed:
        return
    groups: dict[tuple, list[int]] = {}
    for obj, checked in changed:
        groups.setdefault(tuple(checked.columns.items()), []).append(obj.pk)
    if len(groups) > MAX_UPDATE_GROUPS and connection.vendor == "postgresql":
        _update_from_arrays(model, changed, changed_by=changed_by, changed_at=changed_at)
        return
    if len(groups) > MAX_UPDATE_GROUPS:
        objects = []
        for obj, checked in changed:
            for attname, value in checked.columns.items():
                setattr(obj, attname, value)
            obj.changed_by, obj.changed_at, obj.version = changed_by, changed_at, obj.version + 1
            objects.append(obj)
        fields = [model._meta.get_field(a).name for a in changed[0][1].columns]
        model.objects.bulk_update(objects, [*fields, "changed_by", "changed_at", "version"], batch_size=500)
        return
    for items, pks in groups.items():
        for start in range(0, len(pks), 500):
            model.objects.filter(pk__in=pks[start : start + 500]).update(
                **dict(items), changed_by=changed_by, changed_at=changed_at, version=F("version") + 1
            )


def _update_from_arrays(model, changed: list, *, changed_by, changed_at, chunk: int = 5000) -> None:
    """Rows of many distinct new values (every note differs) on PostgreSQL: one UPDATE … FROM
    unnest(one array per column) per `chunk` rows, joined on the id; the values travel as
    parameters, nothing is built per row in SQL."""
    meta, quote = model._meta, connection.ops.quote_name
    attnames = list(changed[0][1].columns)
    types = [meta.get_field(a).db_type(connection) for a in attnames]
    aliases = [f"c{i}" for i in range(len(attnames))]
    sets = ", ".join(f"{quote(a)} = v.{alias}" for a, alias in zip(attnames, aliases, strict=True))
    table = quote(meta.db_table)
    arrays = ", ".join(["%s::bigint[]", *(f"%s::{t}[]" for t in types)])
    sql = (
        f"UPDATE {table} SET {sets}, {quote('changed_by_id')} = %s, {quote('changed_at')} = %s, "
        f"{quote('version')} = {table}.{quote('version')} + 1 "
        f"FROM unnest({arrays}) AS v(id, {', '.join(aliases)}) WHERE {table}.{quote(meta.pk.column)} = v.id"
    )
    user_pk = changed_by.pk if changed_by else None
    with connection.cursor() as cursor:
        for start in range(0, len(changed), chunk):
            part = changed[start : start + chunk]
            columns = [[obj.pk for obj, _checked in part]]
            columns += [[checked.columns[a] for _obj, checked in part] for a in attnames]
            cursor.execute(sql, [user_pk, changed_at, *columns])


def insert(model, rows: list[NewRow], *, same: dict) -> None:
    """Insert rows, each `same` + its own columns + its values: COPY on PostgreSQL, bulk_create
    elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = [model(**same, **row.own, **(row.tail.columns if row.tail else {})) for row in rows]
        model.objects.bulk_create(objects, batch_size=500)
        return
    first = rows[0]
    columns = [*same, *first.own, *(first.tail.columns if first.tail else ())]
    prefix = "\t".join(copy_text(v) for v in same.values())
    json_text: dict[int, str] = {}  # rows of the same values share their audit dict: encode it once
    str_text: dict[str, str] = {}  # tiers, types of place, actions: a few strings, many times

    def encode(value) -> str:
        if type(value) is int:
            return str(value)
        if type(value) is str:
            text = str_text.get(value)
            if text is None:
                text = str_text[value] = copy_text(value)
            return text
        if type(value) is dict:
            text = json_text.get(id(value))
            if text is None:
                text = json_text[id(value)] = copy_text(value)
            return text
        return copy_text(value)

    lines = []
    for row in rows:
        own = "\t".join(map(encode, row.own.values()))
        lines.append(f"{prefix}\t{own}\t{row.tail.copy_text}" if row.tail else f"{prefix}\t{own}")
    copy_in(model, columns, lines)


def copy_in(model, columns: list[str], lines: list[str]) -> None:
    """COPY … FROM STDIN of text-format lines, counted like any query (so query-count guards
    see it) and its errors Django's (IntegrityError for a unique violation)."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    data = "\n".join(lines) + "\n"
    with connection.cursor() as cursor:

        def copy(sql, params, many, context):
            debug = getattr(cursor, "debug_sql", None)
            with debug(sql) if debug else nullcontext(), connection.wrap_database_errors:
                raw = cursor.cursor
                if hasattr(raw, "copy"):  # psycopg 3
                    with raw.copy(sql) as stream:
                        stream.write(data)
                else:  # psycopg2
                    raw.copy_expert(sql, io.StringIO(data))

        # Through the connection's execute wrappers (connection.execute_wrapper), as every other
        # statement goes: whatever watches the statements sees the COPY too.
        run = copy
        for wrapper in reversed(connection.execute_wrappers):
            run = functools.partial(wrapper, run)
        run(sql, None, False, {"connection": connection, "cursor": cursor})


def copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif not isinstance(value, str):
        return str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
