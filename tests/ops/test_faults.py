"""The database connection dies in the middle of a write: nothing is kept, the user is told, a retry works.

On a real PostgreSQL server, a second connection terminates the backend of Django's connection
(`pg_terminate_backend`) while the import commit or the grid save is half done — after rows were
already written in its transaction — through Django's supported hook around the database driver,
`connection.execute_wrapper`. The application code is not patched; the pages are driven through
the test client, so the message the user reads is checked.
"""

import time
from contextlib import closing

import psycopg2
import pytest
from django.db import connection

from assessments.models import AuditEntry, Rating
from tests import builders as b
from tests.assessments.test_views_grids import grid_url, level_pk, post_data
from tests.imports.files import csv_text
from tests.imports.test_views import digest, upload

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a real PostgreSQL server (the PostgreSQL run)"
    ),
    # Transactional: the write must really reach the server before the connection is killed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOST = "Mất kết nối cơ sở dữ liệu khi ghi; không dòng nào được ghi. Hãy thử lại."


def terminate(pid: int) -> None:
    """Terminate backend `pid` from a second connection, and wait until it is gone."""
    cfg = connection.settings_dict
    other = psycopg2.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        host=cfg["HOST"],
        port=cfg["PORT"] or None,
    )
    other.autocommit = True
    with closing(other), other.cursor() as cur:
        if other.server_version >= 140000:
            cur.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])  # waits up to 10 s
            assert cur.fetchone()[0] is True
            return
        cur.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cur.fetchone()[0] is True
        for _ in range(100):
            cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cur.fetchone() is None:
                return
            time.sleep(0.1)
        raise AssertionError(f"backend {pid} still there 10 s after pg_terminate_backend")


class KillBackend:
    """On the `nth` statement starting with `prefix`, kill this connection's backend, then let the
    statement go to the dead connection. Records the statements seen before."""

    def __init__(self, prefix: str, nth: int = 1):
        self.prefix, self.nth = prefix, nth
        self.seen: list[str] = []
        self.killed_pid = None

    def __call__(self, execute, sql, params, many, context):
        if self.killed_pid is None:
            if (
                sql.startswith(self.prefix)
                and sum(s.startswith(self.prefix) for s in self.seen) + 1 == self.nth
            ):
                # The backend of the very connection running this transaction (no query needed).
                self.killed_pid = context["connection"].connection.get_backend_pid()
                terminate(self.killed_pid)
            else:
                self.seen.append(sql)
        return execute(sql, params, many, context)

    def wrote_before(self, *tables: str) -> bool:
        writes = ("INSERT INTO", "UPDATE", "COPY")

        def target(sql: str) -> str:  # the statement's own table, before SET / FROM STDIN
            return sql.split("SET")[0].split("FROM")[0]

        return all(
            any(s.startswith(writes) and f'"{table}"' in target(s) for s in self.seen) for table in tables
        )


def backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def test_an_import_whose_connection_dies_mid_commit_writes_nothing_and_succeeds_when_retried(client, staff):
    b.season(2015), b.season(2016)
    client.force_login(staff)
    codes = ["A-001", "A-001-01", "A-001-02", "A-002"]
    # Two years: two writes of ratings in the commit's one transaction (one per committee-year).
    rows = [[code, str(year), "TSVM", f"ghi chú {year}"] for year in (2015, 2016) for code in codes]
    name = "dakha-2015-2016.csv"
    url = upload(client, csv_text(["Mã đơn vị", "Năm", "Xếp loại", "Ghi chú"], *rows).encode(), name=name).url
    page = client.get(url)
    assert page.status_code == 200
    confirm = {"confirm": "1", "digest": digest(page)}

    pid = backend_pid()
    kill = KillBackend('COPY "assessments_rating" ', nth=2)
    with connection.execute_wrapper(kill):
        response = client.post(url, confirm)
    assert kill.killed_pid == pid
    assert kill.wrote_before("assessments_rating", "assessments_auditentry")  # the first year was written

    assert response.status_code == 503
    html = response.content.decode()
    assert LOST in html
    assert 'name="digest"' in html  # the preview again, to confirm once more
    assert not Rating.objects.exists()
    assert not AuditEntry.objects.filter(source=name).exists()
    assert backend_pid() != pid  # a new connection

    retried = client.post(url, confirm)
    assert retried.status_code == 302
    assert sorted(Rating.objects.values_list("unit__code", "year", "level__code", "note")) == sorted(
        (code, int(year), "TSVM", note) for code, year, _level, note in rows
    )
    assert AuditEntry.objects.filter(source=name, channel="import").count() == len(rows)
    assert client.get(url).status_code == 404  # the upload is gone once written


def test_a_grid_save_whose_connection_dies_writes_nothing_and_succeeds_when_retried(client, staff):
    b.rate(b.unit("A-001"), 2015, "TSVM")
    before = sorted(Rating.objects.values_list("unit__code", "level__code", "version"))
    audit_before = AuditEntry.objects.count()
    client.force_login(staff)
    page = client.get(grid_url())
    changes = {
        "A-001": {"level": level_pk(2015, "HTTNV")},  # an update
        "A-001-01": {"level": level_pk(2015, "TSVM")},  # new rows
        "A-001-02": {"level": level_pk(2015, "HTNV"), "note": "ghi chú"},
        "A-002": {"level": level_pk(2015, "TSVM_TB")},
    }
    data = post_data(page, **changes)

    pid = backend_pid()
    kill = KillBackend('COPY "assessments_auditentry" ')
    with connection.execute_wrapper(kill):
        response = client.post(grid_url(), data)
    assert kill.killed_pid == pid
    assert kill.wrote_before("assessments_rating")  # new rows inserted and the old one updated

    assert response.status_code == 503
    assert LOST in response.content.decode()
    assert sorted(Rating.objects.values_list("unit__code", "level__code", "version")) == before
    assert AuditEntry.objects.count() == audit_before

    retried = client.post(grid_url(), data)
    assert retried.status_code == 302
    assert sorted(Rating.objects.values_list("unit__code", "level__code", "version")) == [
        ("A-001", "HTTNV", 2),
        ("A-001-01", "TSVM", 1),
        ("A-001-02", "HTNV", 1),
        ("A-002", "TSVM_TB", 1),
    ]
    assert AuditEntry.objects.count() == audit_before + 4
