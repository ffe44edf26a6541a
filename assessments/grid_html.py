"""The rows of a data-entry grid as HTML, written in Python once per row (issue #13.1).

A grid of 500 units rendered field by field through Django's widget templates cost over 1 ms a
row; here each column's markup is prepared once per page — a level `<select>`'s options, for each
value it may have selected, are the same for every row — and a row is one string join. What a row
carries is only what the page needs: its inputs (text inputs with `inputmode`, no browser-side
number or date checks), the three hidden fields the save reads (unit, version, the digest of what
was shown; the digest is left out for a row shown empty), and an accessible name for each input
through `aria-labelledby` (grassroots organization, unit, column) instead of a `<label>` each.

Rows come grouped: a grassroots organization's row, then its cells, in one `<tbody>` per
organization (collapsible by `static/js/grid.js`); cells whose organization is filtered out get a
heading row naming it, so that "Chi bộ thôn 5" always shows under its commune.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django import forms
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from organizations.models import Tier, Unit


@dataclass
class Line:
    """One row as the page shows it: the texts of its inputs, and what the save said about it."""

    unit: Unit
    index: int
    version: str
    shown: str  # the digest of the texts it was shown with; "" for a row shown empty
    texts: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)  # field name ("" for the row) → messages

    @property
    def has_errors(self) -> bool:
        return any(self.errors.values())


@dataclass
class Column:
    name: str
    label: str
    options: dict[str, str] | None = None  # a select: its options' HTML for each selected value
    attrs: str = ""
    checkbox: bool = False  # "TSVM tiêu biểu": on a grassroots organization's row only
    tiers: tuple[str, ...] = ()  # the rows that have it; () every row

    def control(self, name: str, text: str, labelled_by: str, extra: str) -> str:
        if self.checkbox:
            checked = " checked" if text else ""
            tag = f'<input type="checkbox" name="{name}" value="x"{checked}'
            return f'{tag} aria-labelledby="{labelled_by}"{extra}>'
        if self.options is not None:
            options = self.options.get(text) or self.options[""]
            return f'<select name="{name}" aria-labelledby="{labelled_by}"{extra}>{options}</select>'
        value = f' value="{escape(text)}"' if text else ""
        return f'<input name="{name}"{value}{self.attrs} aria-labelledby="{labelled_by}"{extra}>'


def columns(form: forms.Form) -> list[Column]:
    """The editable columns of a row form, in its field order, with their markup prepared."""
    found = []
    for name, form_field in form.fields.items():
        if isinstance(form_field.widget, forms.HiddenInput):
            continue
        label = str(form_field.label)
        if isinstance(form_field.widget, forms.CheckboxInput):
            found.append(Column(name, label, checkbox=True, tiers=(Tier.BASE,)))
        elif isinstance(form_field, forms.ChoiceField):
            choices = [(str(value), str(text)) for value, text in form_field.choices]
            found.append(Column(name, label, options=_options(choices)))
        else:
            mode = form_field.widget_attrs(form_field.widget).get("inputmode")
            found.append(Column(name, label, attrs=f' inputmode="{mode}"' if mode else ""))
    return found


def _options(choices: list[tuple[str, str]]) -> dict[str, str]:
    """For each value, the options with that one selected ("" also stands for a value not offered)."""
    # No </option>: an option ends at the next one (HTML's optional end tag), 7 × 9 bytes a row.
    tags = [(value, f'<option value="{escape(value)}">{escape(text)}') for value, text in choices]
    by_value = {}
    for value, _tag in tags:
        by_value[value] = "".join(
            tag.replace("<option ", "<option selected ", 1) if other == value and value else tag
            for other, tag in tags
        )
    by_value.setdefault("", "".join(tag for _value, tag in tags))
    return by_value


class RowWriter:
    """Writes the `<tbody>` groups of one page: the hidden fields, inputs and notes of each line.

    Every byte is repeated 500 times: no class on an ordinary row (an organization's row is the
    first of its `<tbody>`, its cells the next ones), none of the end tags HTML leaves optional
    (`</tr>`, `</th>`, `</td>`, `</option>`), the version and the digest in one hidden field, the
    show/hide buttons added by the script that works them.
    """

    def __init__(
        self,
        *,
        cols: list[Column],
        prefix: str,
        disabled: bool,
        warnings: dict,
        conflicts: dict,
        warning_class: str,
    ):
        self.cols, self.prefix, self.warnings, self.conflicts = cols, prefix, warnings, conflicts
        self.warning_class = warning_class
        self.extra = " disabled" if disabled else ""
        self.history = reverse("assessments:unit-history", args=["CODE"]).replace("CODE", "{}")
        self.warning_label = escape(_("Warning:"))

    def body(self, lines: list[Line], *, conflict_note) -> SafeString:
        """Every line, grouped by grassroots organization; `conflict_note(stored)` says what another
        editor stored meanwhile."""
        out, group = [], None
        for line in lines:
            unit = line.unit
            key = unit.parent_id if unit.tier == Tier.CELL else unit.pk
            if key != group:
                if group is not None:
                    out.append("</tbody>")
                group = key
                out.append(f'<tbody id="g{key}">')
                if unit.tier == Tier.CELL:  # its organization is not listed: name it
                    out.append(self._heading(unit.parent))
            out.append(self.row(line, conflict_note=conflict_note))
        if group is not None:
            out.append("</tbody>")
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped

    def _heading(self, organization: Unit) -> str:
        return (
            f'<tr class="gh"><th colspan="{len(self.cols) + 1}">'
            f'<span id="n{organization.pk}">{escape(organization.name)}</span> '
            f"<small>{escape(organization.code)}</small></th></tr>"
        )

    def row(self, line: Line, *, conflict_note) -> str:
        unit, prefix, pk = line.unit, f"{self.prefix}-{line.index}-", line.unit.pk
        texts, errors_of, extra = line.texts, line.errors, self.extra
        cells = []
        for k, col in enumerate(self.cols):
            name = col.name
            if col.tiers and unit.tier not in col.tiers:
                cells.append("<td>")  # a cell is never commended
                continue
            control = col.control(prefix + name, texts.get(name, ""), f"n{pk} c{k}", extra)
            if errors_of and (errors := errors_of.get(name)):
                invalid = f' aria-invalid="true" aria-describedby="e{line.index}-{name}"'
                control = col.control(prefix + name, texts.get(name, ""), f"n{pk} c{k}", extra + invalid)
                control += f'<div class="ge" id="e{line.index}-{name}">{escape(" ".join(errors))}</div>'
            cells.append(f"<td>{control}")
        state = f"{line.version}.{line.shown}" if line.shown else line.version if line.version != "0" else ""
        shown = f'<input type="hidden" name="{prefix}shown" value="{escape(state)}">' if state else ""
        notes, opening = "", "<tr>"
        conflicted = pk in self.conflicts
        if errors_of or conflicted or pk in self.warnings:  # the rare rows with more to say
            notes = self._notes(line, conflict_note)
            classes = " ".join(c for c, on in (("err", line.has_errors), ("conflict", conflicted)) if on)
            opening = f'<tr class="{classes}">' if classes else opening
        return (
            f"{opening}<th>"
            f'<a id="n{pk}" href="{self.history.format(unit.code)}">{escape(unit.name)}</a> '
            f"<small>{escape(unit.code)}</small>"
            f'<input type="hidden" name="{prefix}unit" value="{pk}">'
            f"{shown}{notes}{''.join(cells)}"
        )

    def _notes(self, line: Line, conflict_note) -> str:
        """A row's own messages: its errors not of one input, the scheme's warning, a conflict."""
        unit, notes = line.unit, []
        if errors := line.errors.get(""):
            notes.append(f'<div class="ge" id="e{line.index}-">{escape(" ".join(errors))}</div>')
        if warning := self.warnings.get(unit.pk):
            notes.append(
                f'<div class="{self.warning_class}" role="note">{self.warning_label} {escape(warning)}</div>'
            )
        if unit.pk in self.conflicts:
            note = escape(conflict_note(self.conflicts[unit.pk]))
            notes.append(f'<div class="gn conflict-note" id="conflict-{unit.pk}">{note}</div>')
        return "".join(notes)


def summary(lines: list[Line], cols: list[Column], *, unit_errors=None, conflicts=None, conflict_note=None):
    """The lists above the grid: (refused rows, rows changed meanwhile), each item the unit, its
    messages, and whether its row is on the page (a link to it) — a rule broken by an organization
    that the filter hides is still named."""
    labels = {col.name: capfirst(col.label) for col in cols}
    refused, changed = [], []
    listed = set()
    for line in lines:
        listed.add(line.unit.pk)
        if line.has_errors:
            parts = [
                f"{labels[name]}: {' '.join(messages)}" if name in labels else " ".join(messages)
                for name, messages in line.errors.items()
                if messages
            ]
            refused.append({"unit": line.unit, "listed": True, "text": "; ".join(parts)})
        if conflicts and line.unit.pk in conflicts:
            changed.append(
                {"unit": line.unit, "listed": True, "text": conflict_note(conflicts[line.unit.pk])}
            )
    for unit, error in (unit_errors or {}).items():
        if unit.pk not in listed:
            refused.append({"unit": unit, "listed": False, "text": " ".join(error.messages)})
    return refused, changed
