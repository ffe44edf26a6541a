"""Reading a grid page as a browser does: what its form posts back, and each input's accessible
name (through its `aria-labelledby` ids)."""

import re
from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.in_form, self.select = form_id, False, None
        self.fields: dict[str, str] = {}
        self.controls: dict[str, dict] = {}  # name -> attributes
        self.texts: dict[str, list[str]] = {}  # id -> text inside the element
        self.open_ids: list[tuple[str, str]] = []  # (tag, id) of elements whose text is collected

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.texts.setdefault(a["id"], [])
            self.open_ids.append((tag, a["id"]))
        if tag == "form":
            self.in_form = a.get("id") == self.form_id
        if not self.in_form:
            return
        name = a.get("name")
        if tag in ("input", "select") and name:
            self.controls[name] = {**a, "tag": tag}
        if "disabled" in a:
            return
        if tag == "input" and name and a.get("type") not in ("checkbox", "submit", "button"):
            self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form":
            self.in_form = False
        for i in range(len(self.open_ids) - 1, -1, -1):
            if self.open_ids[i][0] == tag:
                del self.open_ids[i]
                break

    def handle_data(self, data):
        for _tag, element_id in self.open_ids:
            self.texts[element_id].append(data)


def read(html: str, form_id: str) -> _Page:
    page = _Page(form_id)
    page.feed(html)
    return page


def posted(html: str, form_id: str) -> dict:
    """What the browser posts from the form: every enabled control's value."""
    return read(html, form_id).fields


def accessible_name(html: str, form_id: str, name: str) -> str:
    """The accessible name of control `name`: the texts of its aria-labelledby ids, joined."""
    page = read(html, form_id)
    ids = page.controls[name]["aria-labelledby"].split()
    return " ".join(re.sub(r"\s+", " ", "".join(page.texts[i])).strip() for i in ids)
