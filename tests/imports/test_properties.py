"""Property-based tests (hypothesis) of the level parser and the import's row checks.

- Any value, any year: a level of that year's scheme, "not rated", or a LevelError naming the
  value — never another exception. Every known spelling, however it is cased, spaced,
  accented or normalised, is read as its own level.
- Any row (text, numbers, empty cells, under any known header): checked into a status, with
  errors that say sheet, row, column and message — or the whole file refused with FileRefused;
  never another exception, and a check never writes. Committing such a file writes every row it
  reported as new or changed, or nothing at all (ImportRefused) — never a part.
"""

import datetime
import string
import unicodedata

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assessments.models import MAX_YEAR, MEMBER_FIELDS, MIN_YEAR, AuditEntry, MemberStats, Rating, RatingYear
from imports import columns as C
from imports import rows as R
from imports import services
from imports.cells import cell_text, clean_text, strip_diacritics
from imports.kinds import KINDS, RATINGS
from imports.levels import EXTRA_ALIASES, LevelError, LevelParser
from imports.limits import FileRefused, Sheet
from tests import builders as b
from tests.imports.conftest import db_state
from tests.imports.files import csv_text, xlsx

pytestmark = pytest.mark.django_db

# The fixtures (the tree, the users, the parsers) are made once per test and shared by its
# examples; each example that writes rolls its writes back.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NOT_RATED_TEXTS = [
    "Không xếp loại",
    "Chưa xếp loại",
    "Không đánh giá",
    "Chưa đánh giá, xếp loại",
    "KXL",
    "Not rated",
]
# Letters and marks the real spellings are made of, so that random text comes near them.
LEVEL_ALPHABET = "".join(
    sorted(
        set("".join(t for texts in EXTRA_ALIASES.values() for t in texts) + "_-.() \u00a0\t" + string.digits)
    )
)
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u2003", " - ", ".", "\n", "_", "(", ")"])


@pytest.fixture
def parsers(db):
    cache = {}

    def parser(year: int) -> LevelParser:
        if year not in cache:
            cache[year] = LevelParser.build(year)
        return cache[year]

    return parser


# Levels ------------------------------------------------------------------------------------------


def any_value():
    return st.one_of(
        st.text(),
        st.text(alphabet=LEVEL_ALPHABET, max_size=40),
        st.sampled_from([t for texts in EXTRA_ALIASES.values() for t in texts] + NOT_RATED_TEXTS),
        st.integers(),
        st.floats(),
        st.none(),
    )


@PROPERTY
@given(value=any_value(), year=st.integers(MIN_YEAR - 20, MAX_YEAR + 20))
def test_any_value_in_any_year_is_a_level_of_that_year_or_a_level_error(parsers, value, year):
    parser = parsers(year)
    try:
        parsed = parser.parse(value)
    except LevelError as error:
        message = str(error)
        assert f"“{clean_text(value)}”" in message  # names the value as written
        assert str(year) in message
        return
    if parsed.not_rated:
        assert parsed.level is None
    else:
        assert parsed.level in parser.levels and parsed.level.scheme_id == parser.scheme.pk


def spellings(level) -> list[str]:
    return [level.code, level.name, level.abbreviation, *EXTRA_ALIASES.get(level.code, [])]


@st.composite
def written_as(draw, text: str) -> str:
    """`text` as somebody may type it: any case, with or without diacritics, odd spaces and marks."""
    if draw(st.booleans()):
        text = strip_diacritics(text)
    cases = draw(
        st.lists(st.sampled_from([str, str.upper, str.lower]), min_size=len(text), max_size=len(text))
    )
    text = "".join(case(char) for case, char in zip(cases, text, strict=True))
    pieces = []
    for char in text:
        if char.isspace():
            pieces.append(draw(st.lists(SEPARATORS, min_size=1, max_size=3).map("".join)))
        else:
            if pieces and draw(st.integers(0, 9)) == 0:  # now and then a separator inside a word
                pieces.append(draw(SEPARATORS))
            pieces.append(char)
    text = (
        draw(st.sampled_from(["", " ", "\u00a0", "\t "]))
        + "".join(pieces)
        + draw(st.sampled_from(["", " ", "\n"]))
    )
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"])), text)


@PROPERTY
@given(data=st.data(), year=st.integers(2014, MAX_YEAR))
def test_every_known_spelling_reads_as_its_level(parsers, data, year):
    parser = parsers(year)
    level = data.draw(st.sampled_from(parser.levels), label="level")
    text = data.draw(st.sampled_from(spellings(level)).flatmap(written_as), label="text")
    assert parser.parse(text).level == level


@PROPERTY
@given(data=st.data(), year=st.integers(MIN_YEAR, MAX_YEAR))
def test_every_not_rated_spelling_reads_as_not_rated(parsers, data, year):
    text = data.draw(st.sampled_from(NOT_RATED_TEXTS).flatmap(written_as), label="text")
    parsed = parsers(year).parse(text)
    assert parsed.level is None and parsed.not_rated


# Rows --------------------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)  # what a spreadsheet cell holds


def column(valid, odd):
    """A column's cells: `valid` values (in rows otherwise clean), or anything at all."""
    anything = st.one_of(
        st.sampled_from([*valid, *odd]),
        TEXT,
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False),
        st.none(),
    )
    return st.sampled_from(valid), anything


RATING_COLUMNS = {
    C.CODE.header: column(
        ["A-001", "A-001-01", "A-001-02", "A-002", " a-002 "], ["B-001", "A", "TINH", "X-9"]
    ),
    C.YEAR.header: column([2015, 2016, "2015"], [2018, "2.016", "2015.0", 1999, 2101]),
    C.LEVEL.header: column(
        ["TSVM", "tsvm tiêu biểu", "Hoàn thành tốt nhiệm vụ", "HTNV", "Yếu kém"],
        ["HTXSNV", "KHTNV", "Không xếp loại"],
    ),
    C.REASON.header: column(["", "Mới thành lập"], []),
    C.DECISION_NUMBER.header: column(["", "12-QĐ/HU"], ["x" * 70]),
    C.DECISION_DATE.header: column(
        ["31/12/2015", "2016-01-15", datetime.date(2015, 12, 31), None], ["31/02/2015", "1/1/16"]
    ),
    # NUL cannot be stored (PostgreSQL refuses it): a CSV past its first bytes or an xlsx cell
    # written "_x0000_" can still carry one.
    C.NOTE.header: column(["", "ghi chú", "=1+1", "'=A1", "a\x00b", "c_x0000_d"], ["y" * 300, "e\x85\r\nf"]),
}
MEMBER_COLUMNS = {
    C.CODE.header: column(["A-001", "A-002"], ["A-001-01", "B-001", "TINH"]),
    C.YEAR.header: column([2015, 2016, "2015"], [2017, 1999]),
    C.MEMBER_COUNT.header: column([40, "40", "1.234"], [-3, 2**40, "12,5"]),
    C.EXCELLENT.header: column([0, 2, "3"], [30]),
    C.GOOD.header: column([10, "12"], [10**10]),
    C.COMPLETED.header: column([5, None], []),
    C.NOT_COMPLETED.header: column([0, 1], []),
    C.MEMBERS_NOT_RATED.header: column([0], [41]),
    C.ADMITTED.header: column([0, 2], [-1]),
}


@st.composite
def tables(draw, kind: str):
    """A header row of known columns (the key ones mostly present), then up to 8 rows, each either
    of plausible values or of anything at all."""
    columns = RATING_COLUMNS if kind == RATINGS else MEMBER_COLUMNS
    key_columns = (C.CODE.header, C.YEAR.header, C.LEVEL.header, C.MEMBER_COUNT.header)
    headers = [h for h in columns if draw(st.integers(0, 9)) > (0 if h in key_columns else 3)]
    headers = draw(st.permutations(headers))
    valid = st.tuples(*(columns[h][0] for h in headers))
    anything = st.tuples(*(columns[h][1] for h in headers))
    rows = draw(st.lists(st.one_of(valid, anything), max_size=8))
    return [list(headers), *map(list, rows)]


def as_text(value) -> str:
    return "" if value is None else cell_text(value)


def check_outcome(prev_or_error, sheet_name):
    """The statuses and errors of a preview are complete and say where and why."""
    if isinstance(prev_or_error, FileRefused):
        assert str(prev_or_error)
        return
    prev = prev_or_error
    counts = prev.counts
    assert sum(counts.values()) == len(prev.rows)
    for row in prev.rows:
        assert row.status in (R.NEW, R.CHANGED, R.UNCHANGED, R.SKIPPED, R.ERROR)
        assert (row.status == R.ERROR) == bool(row.errors)
        for error in row.errors:
            assert error.sheet == sheet_name and error.row == row.number and error.column and error.message
            assert str(error)
        if row.writes:
            assert row.unit is not None and MIN_YEAR <= row.year <= MAX_YEAR and row.values is not None


@pytest.fixture
def stored(tree, staff):
    b.rate(tree["base"], 2015, "TSVM")
    b.rate(tree["other"], 2016, "HTNV", note="cũ")
    b.member_stats(tree["base"], 2015, members=20, good=10)


@PROPERTY
@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_any_rows_are_checked_into_statuses_or_refused_and_nothing_is_written(stored, staff, data, kind):
    table = data.draw(tables(kind), label="table")
    sheet = Sheet(name="Trang 1", rows=[[as_text(v) for v in row] for row in table])
    before = db_state()
    try:
        outcome = R.check(
            [sheet], user=staff, kind=kind, default_year=data.draw(st.sampled_from([None, 2015]))
        )
        check_outcome(outcome, "Trang 1")
    except FileRefused as refused:
        check_outcome(refused, "Trang 1")
    assert db_state() == before


def stored_rows(kind):
    if kind == RATINGS:
        return {
            (r["unit__code"], r["year"]): r
            for r in Rating.objects.values("unit__code", "year", "level_id", "not_rated", "note", "version")
        }
    return {
        (r["unit__code"], r["year"]): r
        for r in MemberStats.objects.values("unit__code", "year", *MEMBER_FIELDS, "version")
    }


@PROPERTY
@given(
    data=st.data(),
    kind=st.sampled_from(KINDS),
    file_format=st.sampled_from(["xlsx", "csv"]),
    title=st.sampled_from(["", "BẢNG TỔNG HỢP " * 400]),  # a long title above the table
    valid_only=st.booleans(),
    lock_after_preview=st.sampled_from([None, None, 2015, 2016]),
)
def test_committing_any_file_writes_every_reported_row_or_nothing(
    stored, staff, data, kind, file_format, title, valid_only, lock_after_preview
):
    table = [[title], *data.draw(tables(kind), label="table")]
    if file_format == "xlsx":  # a NUL as an xlsx file writes it
        escape = lambda v: v.replace("\x00", "_x0000_") if isinstance(v, str) else v  # noqa: E731
        content = xlsx(*[[escape(v) for v in row] for row in table], sheet="Trang 1")
    else:
        content = csv_text(*[[as_text(v) for v in row] for row in table]).encode()
    name = f"Trang 1.{file_format}"
    with transaction.atomic():  # every example starts from the same stored rows
        try:
            prev = services.preview(content, name, user=staff, kind=kind)
        except FileRefused as refused:
            event("file refused")
            check_outcome(refused, "Trang 1")
        else:
            check_outcome(prev, "Trang 1")
            if lock_after_preview:  # the year is locked between the preview and the commit
                RatingYear.objects.update_or_create(year=lock_after_preview, defaults={"is_locked": True})
            before, rows_before = db_state(), stored_rows(kind)
            try:
                result = services.commit(prev, user=staff, valid_only=valid_only)
            except services.ImportRefused as refused:
                groups = {(row.unit.committee_id, row.year) for row in prev.rows if row.writes}
                if lock_after_preview in {year for _, year in groups}:
                    # Locked meanwhile: with two groups, the other one may be written before the refusal.
                    event(f"commit refused by the lock, {len(groups)} group(s) to write")
                else:
                    event("commit refused: rows with errors")
                assert str(refused)
                assert db_state() == before and stored_rows(kind) == rows_before  # nothing
            else:
                written = {(row.unit.code, row.year) for row in prev.rows if row.writes}
                event(f"committed, {'some' if written else 'no'} rows written")
                after = stored_rows(kind)
                changed = {k for k in after if after[k] != rows_before.get(k)}
                assert changed == written  # everything reported, nothing else
                assert result.created + result.updated == len(written)
                assert AuditEntry.objects.filter(source=name).count() == len(written)
                assert all(
                    after[k]["version"] == rows_before.get(k, {"version": 0})["version"] + 1 for k in written
                )
        transaction.set_rollback(True)


# Found by the property above: a NUL character reached the database (PostgreSQL refuses it).


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_file_carrying_a_nul_character_is_refused_and_named(staff, file_format):
    table = [
        ["BẢNG TỔNG HỢP " * 400],
        ["Mã đơn vị", "Năm", "Xếp loại", "Ghi chú"],
        ["A-001", "2015", "TSVM", "a\x00b"],
    ]
    if file_format == "xlsx":
        content = xlsx(*[[v.replace("\x00", "_x0000_") for v in row] for row in table], sheet="Trang 1")
    else:
        content = csv_text(*table).encode()  # the NUL is past the first 4 KB looked at for binary content
    with pytest.raises(FileRefused) as refused:
        services.preview(content, f"Trang 1.{file_format}", user=staff)
    assert "NUL" in str(refused.value) and "“Trang 1”, row 3" in str(refused.value)
