"""python manage.py org_tree --as-of YYYY-MM-DD [--format json|table]

The tree on a date (`organizations.tree.tree_on`): the province, then each reporting committee of
that day with its code, name, kind, parent code and the grassroots organizations and subordinate
cells under it, and the totals. A date that is not one is one line on stderr.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kontum_party.converters import command_date
from organizations.models import Kind
from organizations.tree import tree_on


class Command(BaseCommand):
    help = "The organization tree on a date: committees directly under the province and what is under each."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, metavar="YYYY-MM-DD", help="the date")
        parser.add_argument("--format", default="table", help="json or table (default)")

    def handle(self, *args, as_of, format, **options):
        date = command_date(as_of)
        if format not in ("json", "table"):
            raise CommandError(_("“%(value)s” is not a format: write json or table.") % {"value": format})
        tree = tree_on(date)
        if format == "json":
            self.stdout.write(json.dumps(tree.as_document(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(self.table(tree))

    def table(self, tree) -> str:
        header = (
            _("Code"),
            _("Name"),
            _("Kind of unit"),
            _("Parent code"),
            _("Grassroots organizations"),
            _("Subordinate cells"),
        )
        header = tuple(str(h) for h in header)
        rows = [
            (c.code, c.name, str(Kind(c.kind).label) if c.kind in Kind.values else c.kind, c.parent or "",
             str(c.grassroots), str(c.cells))
            for c in tree.committees
        ]  # fmt: skip
        widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
        lines = [_("The organization tree on %(date)s") % {"date": tree.as_of.strftime("%d/%m/%Y")}]
        if tree.province:
            lines.append(f"{tree.province.name} ({tree.province.code})")
        for row in (header, *rows):
            cells = zip(row, widths, strict=True)
            line = "  ".join(v.rjust(w) if i >= 4 else v.ljust(w) for i, (v, w) in enumerate(cells))
            lines.append(line.rstrip())
        lines.append(
            _(
                "Total: %(committees)s committees directly under the province (%(under)s units directly "
                "under it), %(grassroots)s grassroots organizations, %(cells)s subordinate cells."
            )
            % {
                "committees": len(tree.committees),
                "under": tree.directly_under_province,
                "grassroots": tree.grassroots,
                "cells": tree.cells,
            }
        )
        return "\n".join(lines)
