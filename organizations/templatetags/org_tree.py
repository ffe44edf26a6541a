"""`{% org_tree tree prefix %}`: the tree on a date as nested lists of `<details>` (open and close
without JavaScript). Built here rather than in a template loop: a province has thousands of units,
and a template's tags per unit made the page take seconds; every value is escaped."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _label(node, prefix: str) -> str:
    match = " org-match" if node.matched else ""
    counts = node.counts
    return (
        f'<a href="{escape(prefix)}{escape(node.code)}/" class="org-name{match}">{escape(node.name)}</a> '
        f'<span class="org-code">{escape(node.code)}</span>'
        + (f' <span class="org-count">{escape(counts)}</span>' if counts else "")
    )


@register.simple_tag
def org_tree(tree, prefix: str):
    parts = ['<ul class="org-tree">']
    for row in tree.rows():
        if row.step == "close":
            parts.append("</ul></details></li>")
            continue
        node = row.node
        code = escape(node.code)
        if row.step == "open":
            opened = " open" if node.open else ""
            parts.append(
                f'<li data-unit="{code}"><details{opened}><summary>{_label(node, prefix)}</summary><ul>'
            )
        else:
            parts.append(f'<li data-unit="{code}" class="org-leaf">{_label(node, prefix)}</li>')
    parts.append("</ul>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped
