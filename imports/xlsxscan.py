"""What calamine would build from each sheet of an xlsx, counted from its XML as calamine reads it
(never less) before anything is read densely: the workbook's sheets and relationships, the
shared strings' lengths, then each sheet's cells (`check_xlsx`)."""

from __future__ import annotations

import array
import zipfile

from django.utils.translation import gettext as _

from imports import limits
from imports.limits import FileRefused
from imports.zipscan import (
    ASCII_LOWER,
    DIGITS,
    SEEN_COLUMNS,
    Budget,
    Damaged,
    Extent,
    Feed,
    cell_position,
    column_index,
    normalized_path,
    row_position,
    stream_part,
    tag_name,
    xml_parser,
)

# xlsx ----------------------------------------------------------------------------------------


def check_xlsx(archive: zipfile.ZipFile, holding: set[str], budget: Budget) -> None:
    """Find the sheets as calamine does, stream each and sum what a dense reader builds."""
    infos = archive.infolist()
    members = {normalized_path(m.filename): m for m in infos}
    by_name = {m.filename: m for m in infos}

    def member(path: str) -> zipfile.ZipInfo | None:  # calamine's case-insensitive look-up
        return members.get(path.translate(ASCII_LOWER)) or by_name.get(path)

    try:
        office = member("_rels/.rels")
        targets = _relationships(archive, office, budget) if office else {None: []}
        document = [t for typ, t in targets[None] if typ.endswith("/relationships/officeDocument")]
        base = "xl/"
        if document:
            target = document[-1]
            base = target[: target.rfind("/") + 1].removeprefix("/") if "/" in target else ""
        strings = member(base + "sharedStrings.xml")
        lengths = _shared_string_lengths(archive, strings, budget) if strings else array.array("Q")
        rels = member(base + "_rels/workbook.xml.rels")
        book = member(base + "workbook.xml")
        relationships = _relationships(archive, rels, budget) if rels else {None: []}
        entries = _sheet_entries(archive, book, budget) if book else []
    except Damaged:
        raise budget.damaged() from None
    # calamine reads a sheet by its name, from the first <sheet> of that name.
    sheets: dict[str, list[zipfile.ZipInfo]] = {}
    for sheet_name, rel_id in entries:
        if sheet_name not in sheets:
            paths = [t[1:] if t.startswith("/") else base + t for _type, t in relationships.get(rel_id, [])]
            sheets[sheet_name] = [part for path in paths if (part := member(path)) is not None]
    if len(sheets) > limits.MAX_SHEETS:
        raise FileRefused(
            _("“%(name)s” has more than %(limit)s sheets; split it into smaller files.")
            % {"name": budget.name, "limit": limits.MAX_SHEETS}
        )
    times: dict[str, int] = {}  # member → how many sheets read it (each is streamed once)
    labels: dict[str, str] = {}
    for sheet_name, parts in sheets.items():
        for part in parts:
            times[part.filename] = times.get(part.filename, 0) + 1
            labels.setdefault(part.filename, sheet_name)
    # Any other part holding a sheet (a reader that finds parts otherwise, as openpyxl does
    # through [Content_Types].xml) is bounded too; one that is not even well-formed, no XML
    # reader takes.
    for filename in sorted(holding - times.keys()):
        times[filename], labels[filename] = 0, filename
    for filename, count in times.items():
        try:
            extent = _scan_xlsx_sheet(archive, by_name[filename], labels[filename], lengths, budget)
        except Damaged:
            if count == 0:
                continue
            raise budget.damaged() from None
        budget.add(extent, max(count, 1))


def _relationships(archive, info, budget: Budget) -> dict:
    """Id → [(Type, Target)] of a .rels part, as calamine reads it (the Relationship elements
    inside the first Relationships); key None: every relationship, in order."""
    found: dict = {None: []}
    inside = 0  # 0 before <Relationships>, 1 inside, 2 after

    def start(name, attrs):
        nonlocal inside
        local = tag_name(name)
        if inside == 0 and local == "Relationships":
            inside = 1
        elif inside == 1 and local == "Relationship":
            pair = (attrs.get("Type", ""), attrs.get("Target", ""))
            found[None].append(pair)
            if "Id" in attrs:
                found.setdefault(attrs["Id"], []).append(pair)

    def end(name):
        nonlocal inside
        if inside == 1 and tag_name(name) == "Relationships":
            inside = 2

    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    feed = stream_part(archive, info, parser, budget)
    budget.commit(feed.tags, feed.size)
    return found


def _sheet_entries(archive, info, budget: Budget) -> list[tuple[str, str]]:
    """(name, relationship id) of every <sheet> of workbook.xml, in order."""
    entries = []

    def start(name, attrs):
        if tag_name(name) == "sheet":
            rel_id = ""
            for key, value in attrs.items():
                if tag_name(key) == "id":
                    rel_id = value
            entries.append((attrs.get("name", ""), rel_id))
            if len(entries) > 10 * limits.MAX_SHEETS:
                raise Damaged("sheets")

    parser = xml_parser()
    parser.StartElementHandler = start
    feed = stream_part(archive, info, parser, budget)
    budget.commit(feed.tags, feed.size)
    return entries


def _shared_string_lengths(archive, info, budget: Budget) -> array.array:
    """The length of each shared string, as calamine lists them (every <si> after the <sst>
    start). calamine also reserves room for as many strings as the uniqueCount says."""
    lengths = array.array("Q")
    inside = 0  # 0 before <sst>, 1 inside, 2 after
    depth = 0  # > 0 inside an <si>
    length = 0

    def start(name, attrs):
        nonlocal inside, depth, length
        if depth:
            depth += 1
            if tag_name(name) == "si":
                raise Damaged("si")  # calamine would read it as part of the outer one
            return
        local = tag_name(name)
        if inside == 0 and local == "sst":
            inside = 1
            count = attrs.get("uniqueCount", "").removeprefix("+")
            if count.isascii() and count.isdigit() and (len(count) > 12 or int(count) > limits.MAX_CELLS):
                raise Damaged("uniqueCount")
        elif inside == 1 and local == "si":
            depth, length = 1, 0

    def end(name):
        nonlocal inside, depth
        if depth:
            depth -= 1
            if depth == 0:
                lengths.append(length)
                if len(lengths) > limits.MAX_CELLS:
                    raise Damaged("si")
        elif inside == 1 and tag_name(name) == "sst":
            inside = 2

    def text(data):
        nonlocal length
        if depth:
            length += len(data)

    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    feed = stream_part(archive, info, parser, budget)
    budget.commit(feed.tags, feed.size)
    return lengths


def _scan_xlsx_sheet(archive, info, sheet: str, lengths: array.array, budget: Budget) -> Extent:
    """Stream one worksheet part, following calamine's cell reader: cells are read between the
    first <sheetData> and its end; a <row r> sets the row, the end of a row moves to the next
    one and back to column A; a <c r> sets the column, a cell without r takes the next one;
    what a <c> holds is its value, read whole. Every cell and row counts, with a value or not
    (openpyxl makes a cell of each, and pads every row to the <dimension>'s last column: that
    one is bounded by limits.MAX_COLUMNS). The text counted is the cells' own, and the shared string
    each cell shows (each gets a copy)."""
    extent = Extent(sheet=sheet)
    phase = 0  # 0 before <sheetData>, 1 inside, 2 after
    depth = 0  # > 0 inside a <c>
    row = column = 0  # calamine's position (0-based)
    top_row = top_column = -1  # the farthest reached (0-based)
    dimension_columns = filled_in = text = 0
    shared = False  # in a cell showing a shared string
    value_at = 0  # where its <v>'s content begins (-1: not known)
    longest = max(lengths, default=0)
    columns = SEEN_COLUMNS
    feed = Feed()
    parser = xml_parser()

    def start(name, attrs):
        nonlocal phase, depth, row, column, top_row, top_column, dimension_columns
        nonlocal filled_in, shared, value_at
        if depth:
            depth += 1
            if shared and depth == 2 and (name == "v" or tag_name(name) == "v"):
                # calamine reads the string's index from the raw bytes of the <v>
                value_at = -1 if attrs else parser.CurrentByteIndex + len(name) + 2
            return
        if phase == 1:
            local = name if ":" not in name else tag_name(name)
            if local == "c":
                ref = attrs.get("r")
                if ref is None:
                    cell_row, cell_column = row, column
                else:  # cell_position, inlined: this runs for every cell
                    letters = ref.rstrip(DIGITS)
                    cell_column = columns.get(letters)
                    if cell_column is None:
                        cell_column = column_index(letters)
                    digits = ref[len(letters) :]
                    cell_row = int(digits) - 1 if 0 < len(digits) <= 12 else -1
                    if cell_row < 0:
                        raise Damaged(ref)
                    column = cell_column
                if cell_row > top_row:
                    top_row = cell_row
                if cell_column > top_column:
                    top_column = cell_column
                filled_in += 1
                depth = 1
                shared = attrs.get("t") == "s"
            elif local == "row":
                ref = attrs.get("r")
                if ref is not None:
                    row = row_position(ref)
                if row > top_row:
                    top_row = row
        elif phase == 0:
            local = tag_name(name)
            if local == "dimension":
                ref = attrs.get("ref")
                corners = ref.split(":") if ref is not None else []
                if not 1 <= len(corners) <= 2:
                    raise Damaged("dimension")  # calamine refuses it
                dimension_columns = max(dimension_columns, *(cell_position(c)[1] + 1 for c in corners))
            elif local == "sheetData":
                phase = 1

    def end(name):
        nonlocal phase, depth, row, column, text, value_at
        if depth:
            depth -= 1
            if depth == 0:
                column += 1
            elif depth == 1 and value_at:
                raw = feed.raw(value_at - 1, parser.CurrentByteIndex) if value_at > 0 else None
                value_at = 0
                if raw is None or raw[:1] != b">" or not (raw[1:].isdigit() or raw == b">"):
                    text += longest  # not plain digits: whichever string calamine takes, at most
                elif len(raw) > 1 and (position := int(raw[1:])) < len(lengths):
                    text += lengths[position]
            return
        if phase == 1:
            local = name if ":" not in name else tag_name(name)
            if local == "row":
                row += 1
                column = 0
            elif local == "sheetData":
                phase = 2

    def characters(data):
        nonlocal text
        if depth:
            text += len(data)

    def check():
        extent.rows, extent.columns = top_row + 1, top_column + 1
        extent.filled_in, extent.text, extent.tags = filled_in, text, feed.tags
        if dimension_columns > limits.MAX_COLUMNS:  # what openpyxl pads every row to
            budget.check(Extent(sheet=sheet, columns=dimension_columns))
        budget.check(extent)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    stream_part(archive, info, parser, budget, check, feed)
    extent.bytes = feed.size
    check()
    return extent
