"""Spreadsheet files made in memory for the import tests."""

import csv
import io
import unicodedata
import zipfile
from xml.sax.saxutils import escape as xml_escape

import pandas as pd
from openpyxl import Workbook

RATING_HEADERS = ["Mã đơn vị", "Năm", "Xếp loại"]
# Tone marks are separate characters in Windows-1258; the other marks are part of the letter.
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def xlsx(*rows, sheet="Xếp loại", sheets=None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, sheet_rows in (sheets or {sheet: rows}).items():
        ws = workbook.create_sheet(name)
        for row in sheet_rows:
            ws.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods(*rows) -> bytes:
    out = io.BytesIO()
    frame = pd.DataFrame([list(r) for r in rows])
    frame.to_excel(out, engine="odf", header=False, index=False, sheet_name="Xếp loại")
    return out.getvalue()


def csv_text(*rows, delimiter=",") -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Vietnamese text as Excel on Vietnamese Windows writes it: tone marks as combining characters."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# Hand-written workbooks: the XML as given, for files no office program writes -------------------

XLSX_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_from_xml(
    sheets: dict[str, str],
    *,
    head: str = "",
    shared_strings: list[str] | None = None,
    unique_count: str | None = None,
    aliases: dict[str, str] | None = None,
    extra: dict[str, str | bytes] | None = None,
    leave_out: tuple[str, ...] = (),
) -> bytes:
    """An xlsx as small as calamine and openpyxl read: `sheets` maps each sheet's name to the
    content of its <sheetData> (rows of cells); `head`: XML before <sheetData> (a <dimension>);
    `shared_strings`: the texts of xl/sharedStrings.xml; `aliases`: more sheet names reading the
    part of a sheet already named; `extra`: more members as they are; `leave_out`: members not
    written."""
    names = list(sheets)
    entries = [(name, names.index(name) + 1) for name in names]
    entries += [(alias, names.index(target) + 1) for alias, target in (aliases or {}).items()]
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{XLSX_NS}" xmlns:r="{DOC_RELS}"><sheets>'
            + "".join(
                f'<sheet name="{xml_escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{part}"/>'
                for i, (name, part) in enumerate(entries, 1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + (
                f'<Relationship Id="rIdS" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared_strings is not None
                else ""
            )
            + "</Relationships>"
        ),
    }
    for i, name in enumerate(names, 1):
        members[f"xl/worksheets/sheet{i}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{XLSX_NS}">{head}'
            f"<sheetData>{sheets[name]}</sheetData></worksheet>"
        )
    if shared_strings is not None:
        count = f' uniqueCount="{unique_count}"' if unique_count is not None else ""
        members["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{XLSX_NS}"{count}>'
            + "".join(f"<si><t>{xml_escape(s)}</t></si>" for s in shared_strings)
            + "</sst>"
        )
    members.update(extra or {})
    return zip_of({k: v for k, v in members.items() if k not in leave_out})


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_from_xml(tables: dict[str, str], *, extra: dict[str, str | bytes] | None = None) -> bytes:
    """An ods as LibreOffice lays it out: `tables` maps each table's name to its rows
    (<table:table-row> elements, written as given)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {ODS_NAMESPACES} office:version="1.3">'
        "<office:body><office:spreadsheet>"
        + "".join(
            f'<table:table table:name="{xml_escape(name, {chr(34): "&quot;"})}">{rows}</table:table>'
            for name, rows in tables.items()
        )
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return zip_of(
        {"mimetype": ODS_MIMETYPE, "META-INF/manifest.xml": manifest, "content.xml": content, **(extra or {})}
    )


def ods_cell(value=None, *, repeat: int | None = None, inner: str = "") -> str:
    """A <table:table-cell>: a number, a text, or empty (value None); `repeat`: its
    number-columns-repeated; `inner`: content written as given instead of the value's paragraph."""
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat is not None else ""
    if value is None and not inner:
        return f"<table:table-cell{repeated}/>"
    if isinstance(value, (int, float)):
        kind = f'office:value-type="float" office:value="{value}"'
    else:
        kind = 'office:value-type="string"'
    paragraph = inner or f"<text:p>{xml_escape(str(value))}</text:p>"
    return f"<table:table-cell {kind}{repeated}>{paragraph}</table:table-cell>"


def ods_row(*cells: str, repeat: int | None = None) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat is not None else ""
    return f"<table:table-row{repeated}>{''.join(cells)}</table:table-row>"


def zip_of(members: dict[str, str | bytes]) -> bytes:
    """A zip of the members as given (deflated, the first one stored, as ods wants its mimetype)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, content) in enumerate(members.items()):
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if i == 0 else None)
    return out.getvalue()
