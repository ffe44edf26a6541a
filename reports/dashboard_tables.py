"""The dashboard's long tables written as HTML here rather than by template loops: at a national
installation's ~700 committees the committee table, the honesty table and the picker took ~600 ms
of template a page. Words, links and column attributes are worked out once per table, each number
formatted once, every datum escaped (the rows' data: `reports.dashboard`)."""

from __future__ import annotations

import functools
from html import escape  # (the standard library's: Django's, lazy-aware, costs twice as much a call)

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import urlencode
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from assessments.models import Status
from organizations.models import Unit
from reports.dashboard import CommitteeRow, TargetCell
from reports.templatetags.report_format import percent as percent_text


def table_numbers():
    """`intcomma` and the percent filter for the rows of one table written in Python, each value
    formatted once (Django's number_format, the locale's rules, costs ~40 µs a call: thousands of
    calls for a national installation's table)."""
    return functools.cache(intcomma), functools.cache(percent_text)


def _verdicts() -> dict[str, str]:
    """A target cell's verdict by its state, as HTML (the words looked up once per table)."""
    verdicts = {
        "met": (" text-success", gettext("Met"), "✓", gettext("Met")),
        "missed": (" text-danger", gettext("Not met"), "✗", gettext("Not met")),
        "in_progress": ("", gettext("In progress"), "…", gettext("In progress")),
        "province_only": (
            " text-body-secondary",
            gettext("Set for the whole province"),
            "–",
            gettext("not judged"),
        ),
        "no_data": (" text-body-secondary", gettext("No data"), "–", gettext("No data")),
    }
    return {
        state: f'<span class="verdict{css}" title="{escape(title)}">{sign} '
        f'<span class="verdict-text">{escape(text)}</span></span>'
        for state, (css, title, sign, text) in verdicts.items()
    }


def committee_table_rows(rows: list[CommitteeRow], year: int) -> SafeString:
    """The committee table's rows as HTML, written here rather than by a template loop: at a
    national installation's 700 committees the template took 200 ms a page. The words, the link,
    each column's attributes and each number are worked out once per table; every datum escaped."""
    link = escape(reverse("reports:dashboard", args=[year]) + "?committee=")
    below = f' <span class="visually-hidden">{escape(gettext("(below target)"))}</span>'
    units_label, season_label = escape(gettext("Units to rate")), escape(gettext("Season"))
    statuses = {Status.APPROVED: gettext("approved"), Status.SUBMITTED: gettext("submitted")}
    statuses = {key: escape(word) for key, word in statuses.items()}
    draft = escape(gettext("draft"))
    number, share = table_numbers()
    verdicts, columns = _verdicts(), {}

    def cell(cell: TargetCell) -> str:
        column = cell.column
        if column.code not in columns:
            label = f"{column.short} {column.threshold}"
            columns[column.code] = f'" data-column="{escape(column.code)}" data-label="{escape(label)}">'
        result = cell.result
        value = number(result.count) if result.denominator is None else share(result.actual)
        shortfall = f' <span class="shortfall">{escape(cell.shortfall)}</span>' if cell.shortfall else ""
        return (
            f'<td class="num target-cell state-{cell.state}{columns[column.code]}'
            f'<span class="target-value">{value}</span> {verdicts[cell.state]}{shortfall}</td>'
        )

    def row(row: CommitteeRow) -> str:
        code, units, status = escape(row.committee.code), number(row.units), statuses.get(row.status, draft)
        return (
            f'<tr class="{"table-danger below-target" if row.below_target else ""}" data-committee="{code}">'
            f'<th scope="row" class="col-committee"><a href="{link}{escape(urlencode(row.committee.code))}">'
            f"{escape(row.committee.name)}</a>{below if row.below_target else ''}</th>"
            f'<td class="num" data-label="{units_label}">{units}</td>{"".join(cell(c) for c in row.cells)}'
            f'<td class="season" data-label="{season_label}">'
            f'<span class="small">{number(row.recorded)}/{units}</span> · {status}</td></tr>\n'
        )

    return mark_safe("".join(row(r) for r in rows))


def committee_options(committees: list[Unit], selected: Unit | None) -> SafeString:
    """The committee picker's options as HTML (700 nationally: a template loop took 30 ms)."""
    chosen = selected.pk if selected is not None else None
    options = (
        f'<option value="{escape(c.code)}"{" selected" if c.pk == chosen else ""}>{escape(c.name)}</option>'
        for c in committees
    )
    return mark_safe("".join(options))
