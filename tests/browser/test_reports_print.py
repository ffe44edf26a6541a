"""The dashboard printed to A4 PDF by Chromium, as a user's "Save as PDF" does: every column of the
committee table is in the PDF, the summary with its target cards is on page 1, the wide tables are on
landscape pages, every page carries the year, the scope, the date of printing and its number, and no
page is blank. The PDF and a picture of each of its pages are written under artifacts/.

The PDF's text is read by `pdf_pages` below (no PDF library is needed for what Chromium writes).
"""

import re
import unicodedata
import warnings
import zlib

import pytest
from django.db import connection
from playwright.sync_api import Error as PlaywrightError

from demo.generator import load_demo as load_demo_data
from demo.generator import load_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def load_demo():
    """The demo, with PostgreSQL's planner statistics brought up to date: after earlier tests left
    the tables analyzed while nearly empty, the first pages would otherwise be planned for a few
    rows and take tens of seconds (the live server answers in time in production, where autovacuum
    analyzes after a bulk load)."""
    load_demo_data()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


A4_PORTRAIT = (595, 842)  # points, rounded
A4_LANDSCAPE = (842, 595)


def read_objects(data: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """The PDF's objects ({number: dictionary text}) and their streams ({number: raw bytes}), each
    stream cut by its /Length (its bytes may hold anything, "endobj" or a final carriage return)."""
    objects: dict[int, bytes] = {}
    pending: dict[int, tuple[int, bytes]] = {}  # streams whose /Length is another object
    streams: dict[int, bytes] = {}
    header = re.compile(rb"(\d+) 0 obj")
    position = 0
    while match := header.search(data, position):
        number, start = int(match.group(1)), match.end()
        stream_at, end_at = data.find(b"stream", start), data.find(b"endobj", start)
        if stream_at == -1 or stream_at > end_at:
            objects[number] = data[start:end_at].strip()
            position = end_at + 6
            continue
        objects[number] = data[start:stream_at].strip()
        begin = stream_at + 6 + (2 if data[stream_at + 6 : stream_at + 8] == b"\r\n" else 1)
        length = re.search(rb"/Length\s+(\d+)(\s+0\s+R)?", objects[number])
        if length.group(2):
            pending[number] = (begin, length.group(1))
            end_at = data.find(b"endstream", begin)
        else:
            streams[number] = data[begin : begin + int(length.group(1))]
            end_at = begin + int(length.group(1))
        position = data.find(b"endobj", end_at) + 6
    for number, (begin, ref) in pending.items():
        streams[number] = data[begin : begin + int(objects[int(ref)])]
    return objects, streams


def pdf_pages(data: bytes) -> list[dict]:
    """Each page of a PDF written by Chromium (Skia): {"size": (w, h), "text": str}.

    Skia writes plain objects with Flate streams and Type0 fonts whose ToUnicode maps give the
    characters of the glyphs shown by Tj/TJ; that is all this reads."""
    objects, streams = read_objects(data)

    def stream(number: int) -> bytes:
        raw = streams[number]
        return zlib.decompress(raw) if b"/FlateDecode" in objects[number] else raw

    def to_unicode(number: int) -> dict[int, str]:
        table, text = {}, stream(number).decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            ranges = re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[.*?\])", block, re.S
            )
            for low, high, dst in ranges:
                low, high = int(low, 16), int(high, 16)
                if dst.startswith("["):
                    for i, item in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dst)):
                        table[low + i] = bytes.fromhex(item).decode("utf-16-be")
                else:
                    first = bytes.fromhex(dst[1:-1]).decode("utf-16-be")
                    for i in range(high - low + 1):
                        table[low + i] = first[:-1] + chr(ord(first[-1]) + i)
        return table

    pages = []
    for _number, body in sorted(objects.items()):
        if not re.search(rb"/Type\s*/Page\b", body):
            continue
        box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", body).group(1).split()]
        fonts = {}
        font_dict = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict.group(1) if font_dict else b""):
            unicode_map = re.search(rb"/ToUnicode\s+(\d+) 0 R", objects[int(ref)])
            fonts[name.decode()] = to_unicode(int(unicode_map.group(1))) if unicode_map else {}
        contents = re.search(rb"/Contents\s+(?:(\d+) 0 R|\[(.*?)\])", body, re.S)
        refs = [contents.group(1)] if contents.group(1) else re.findall(rb"(\d+) 0 R", contents.group(2))
        content = b"".join(stream(int(ref)) for ref in refs).decode("latin-1")
        shown, font = [], {}
        for token in re.finditer(r"/(\w+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\b(ET)\b", content):
            if token.group(1):
                font = fonts.get(token.group(1), {})
            elif token.group(3):
                shown.append(" ")
            else:
                glyphs = token.group(2)
                shown.append(
                    "".join(font.get(int(glyphs[i : i + 4], 16), "") for i in range(0, len(glyphs), 4))
                )
        pages.append({"size": (round(box[2] - box[0]), round(box[3] - box[1])), "text": "".join(shown)})
    return pages


def squeeze(text: str) -> str:
    """Text compared whatever the line breaks and ligatures: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def log_in(page, base: str, username: str):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", load_spec()["demo_password"])
    page.locator('form[action="/accounts/login/"] button[type="submit"]').click()
    page.wait_for_url(f"{base}/")


def page_pictures(browser, pdf_path, pages: list[dict], prefix) -> list:
    """A picture of each page of the PDF, through Chromium's own PDF viewer, in its orientation.

    A Chromium without its PDF viewer downloads the file instead: then no picture (the PDF
    itself is in artifacts/ all the same)."""
    written = []
    for number, page in enumerate(pages, start=1):
        width, height = page["size"]
        context = browser.new_context(viewport={"width": round(width * 1.6), "height": round(height * 1.6)})
        viewer = context.new_page()
        try:
            viewer.goto(f"{pdf_path.as_uri()}#page={number}&toolbar=0&view=Fit")
        except PlaywrightError as error:  # "Download is starting"
            warnings.warn(f"No picture of the PDF's pages: {error}", stacklevel=2)
            context.close()
            return written
        picture = b""
        for _attempt in range(40):  # the viewer draws the page a moment after it opens
            viewer.wait_for_timeout(500)
            picture = viewer.screenshot()
            if len(picture) > 30_000:
                break
        path = prefix.with_name(f"{prefix.name}-page-{number}.png")
        path.write_bytes(picture)
        written.append(path)
        context.close()
    return written


def print_dashboard(browser, base: str, username: str, query: str, pdf_path):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(page, base, username)
    page.goto(f"{base}/dashboard/2015/print/{query}")
    dom = {
        "committee_headers": page.locator("#by-committee thead th").all_inner_texts(),
        "trend_headers": page.locator("#trend-table thead th").all_inner_texts(),
        "title": page.locator("body").get_attribute("data-print-title"),
        "printed": page.locator("body").get_attribute("data-print-printed"),
        "page_word": page.locator("body").get_attribute("data-print-page"),
        "cards": page.locator(".target-card .target-actual").all_inner_texts(),
    }
    page.pdf(path=str(pdf_path), prefer_css_page_size=True, print_background=True)
    context.close()
    return dom, errors


def test_the_whole_provinces_dashboard_prints_on_a4_with_every_column(live_server, chromium, artifacts_dir):
    load_demo()
    pdf_path = artifacts_dir / "dashboard-2015-print.pdf"
    with chromium() as browser:
        dom, errors = print_dashboard(browser, live_server.url, "province", "", pdf_path)
        pages = pdf_pages(pdf_path.read_bytes())
        pictures = page_pictures(browser, pdf_path, pages, artifacts_dir / "dashboard-2015-print")
    assert [e for e in errors if "Content Security Policy" in e] == []
    assert 2 <= len(pages) <= 5, len(pages)  # the summary and the honesty section, then landscape tables
    texts = [squeeze(p["text"]) for p in pages]
    whole = "".join(texts)
    assert squeeze("Xếp loại có sát thực chất không?") in whole

    # Every column of the committee table, and of the trend table, is in the PDF.
    assert len(dom["committee_headers"]) == 8
    for header in dom["committee_headers"] + dom["trend_headers"]:
        assert squeeze(header) in whole, header
    # The committee table on one landscape page, with all its headers; the trends on landscape too.
    committee_pages = [i for i, t in enumerate(texts) if squeeze(dom["committee_headers"][2]) in t]
    assert len(committee_pages) == 1 and pages[committee_pages[0]]["size"] == A4_LANDSCAPE
    assert all(squeeze(h) in texts[committee_pages[0]] for h in dom["committee_headers"])
    assert pages[-1]["size"] == A4_LANDSCAPE and squeeze(dom["trend_headers"][-1]) in texts[-1]

    # Page 1 (portrait): the summary with every target card.
    assert pages[0]["size"] == A4_PORTRAIT
    assert dom["cards"][:2] == ["56,87%", "53,54%"]
    assert all(squeeze(card) in texts[0] for card in dom["cards"])

    # Every page: the year and scope, the date of printing, its number; none blank.
    for number, text in enumerate(texts, start=1):
        assert squeeze(dom["title"]) in text and "2015" in dom["title"] and "ToànĐảngbộtỉnh" in text
        assert squeeze(dom["printed"]) in text
        assert squeeze(f"{dom['page_word']} {number} / {len(pages)}") in text
        assert len(text) > len(squeeze(dom["title"] + dom["printed"])) + 200, number
    assert len(pictures) in (0, len(pages)) and all(p.stat().st_size > 30_000 for p in pictures)


def test_a_committees_dashboard_prints_with_its_name_on_every_page(live_server, chromium, artifacts_dir):
    load_demo()
    pdf_path = artifacts_dir / "dashboard-2015-DAKHA-print.pdf"
    with chromium() as browser:
        dom, _errors = print_dashboard(browser, live_server.url, "dakha", "", pdf_path)
    pages = pdf_pages(pdf_path.read_bytes())
    assert dom["committee_headers"] == []  # a committee's dashboard has no committee table
    assert 1 <= len(pages) <= 4
    for text in (squeeze(p["text"]) for p in pages):
        assert "HuyệnủyĐắkHà" in text and squeeze(dom["printed"]) in text
