"""Importing a spreadsheet: preview (read and check, write nothing), then commit (all or nothing).

The page, the command and the tests all come here. `commit` hands the committee-years' changes,
a year at a time, to `assessments.services.save_rating_groups` / `save_member_stat_groups` — the
writers of the web grid, for many committee-years — in ONE transaction, with channel "import"
and the file's name as the audit source (a statement per year read and one COPY per table
written, not a dozen statements per committee-year); any refusal there rolls the whole file back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import commendation_entry
from assessments.models import Channel
from assessments.policy import EditRefused
from assessments.services import ConflictError, RowErrors, save_member_stat_groups, save_rating_groups
from imports import rows as R
from imports.kinds import RATINGS, kind_for
from imports.limits import FileRefused, max_bytes
from imports.reader import read_file

__all__ = ["FileRefused", "ImportRefused", "commit", "max_bytes", "preview"]


class ImportRefused(Exception):
    """Nothing was written; `messages` say why (row errors, a conflict, a refusal)."""

    def __init__(self, message: str, messages: list[str] | None = None):
        super().__init__(message)
        self.messages = messages or []


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0  # rows left out (only when importing the valid rows alone)
    error_list: list = field(default_factory=list)
    granted: int = 0  # commendations "TSVM tiêu biểu" recorded by the file's column
    withdrawn: int = 0  # … withdrawn: by the column, or their rating no longer at the best level


def source_name(name: str) -> str:
    """The file name as recorded in the audit: no directories, at most 255 characters."""
    return os.path.basename(name.replace("\\", "/"))[:255]


def check_user(user) -> None:
    if user is None or not user.is_active or not user.can_edit_ratings:
        raise PermissionDenied(_("Your role can read the ratings but not change them."))


def preview(
    data: bytes, name: str, *, user, kind: str = RATINGS, default_year=None, progress=None
) -> R.Checked:
    """Read and check a file; nothing is written. Raises FileRefused or PermissionDenied."""
    check_user(user)
    sheets = read_file(data, name)
    return R.check(
        sheets,
        user=user,
        kind=kind,
        default_year=default_year,
        progress=progress,
        file_name=source_name(name),
    )


def commit(prev: R.Checked, *, user, valid_only: bool = False, dry_run: bool = False) -> ImportResult:
    """Write every new or changed row of a preview, in one transaction, or nothing.

    A preview with error rows writes nothing unless `valid_only`: then the valid rows are written
    and the others reported. `dry_run` goes through every check and writes nothing.
    """
    check_user(user)
    counts = prev.counts
    result = ImportResult(
        unchanged=counts[R.UNCHANGED],
        skipped=counts[R.SKIPPED],
        errors=counts[R.ERROR],
        error_list=prev.errors,
    )
    if prev.has_errors and not valid_only:
        raise ImportRefused(
            _(
                "%(count)s row(s) have errors; nothing was imported. Correct them, or choose to import "
                "the valid rows only."
            )
            % {"count": counts[R.ERROR]},
            [str(e) for e in prev.errors],
        )
    writer = save_rating_groups if prev.kind == RATINGS else save_member_stat_groups
    spec = kind_for(prev.kind)
    groups = prev.groups()
    if dry_run:
        result.created, result.updated = counts[R.NEW], counts[R.CHANGED]
        return result
    try:
        with transaction.atomic():
            # A year at a time: only that year's changes in memory (the writer reads and writes
            # year by year anyway).
            for year in sorted({year for _committee, year in groups}):
                saved = writer(
                    user=user,
                    groups=[
                        (prev.units[committee_pk], y, [spec.change(row) for row in group])
                        for (committee_pk, y), group in sorted(groups.items())
                        if y == year
                    ],
                    channel=Channel.IMPORT,
                    source=prev.file_name,
                )
                result.created += saved.created
                result.updated += saved.updated
                result.unchanged += saved.unchanged
                result.withdrawn += saved.withdrawn
                if prev.kind == RATINGS:  # the "TSVM tiêu biểu" column, after the writer
                    in_year = [row for (_c, y), rows in groups.items() if y == year for row in rows]
                    granted, withdrawn = commendation_entry.mark(
                        user=user,
                        year=year,
                        checked=[r.unit for r in in_year if r.commended and not r.was_commended],
                        unchecked=[r.unit for r in in_year if r.commended is False and r.was_commended],
                        channel=Channel.IMPORT,
                        source=prev.file_name,
                        reason=_("“Không” in the imported file"),
                    )
                    result.granted += granted
                    result.withdrawn += withdrawn
    except RowErrors as errors:
        where = {row.unit.pk: row for rows in groups.values() for row in rows}
        messages = []
        for unit, error in errors.by_unit.items():
            row = where.get(unit.pk)
            for message in error.messages:
                if row is not None:
                    messages.append(
                        str(
                            R.CellError(
                                row.sheet, row.number, row.table.label("code", ""), unit.code, message
                            )
                        )
                    )
                else:
                    messages.append(f"{unit.code}: {message}")
        raise ImportRefused(_("Some rows were refused; nothing was imported."), messages) from None
    except ConflictError as conflict:
        raise ImportRefused(
            _("Somebody changed some of these rows meanwhile; nothing was imported. Check the file again."),
            [str(conflict)],
        ) from None
    except EditRefused as refused:
        raise ImportRefused(_("Nothing was imported: %(reason)s") % {"reason": refused}) from None
    return result
