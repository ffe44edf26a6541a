"""Applying a mapping file (old code → new code, operation, date, decision) to the tree:
`reorganize PATH` and the mapping page. The 2025 merger was decided as one such list.

`plan` reads the rows, groups them into operations (`organizations.mapping_steps`) and runs every
operation, in the file's order, inside one transaction that is rolled back: what each would do
(the consequences lines of `organizations.reorganize`) and every refusal, with the sheet, row,
column and value it is about. Later rows see what earlier ones did (a merger into the commune an
earlier row founded). `apply` runs the same operations for good in ONE transaction: any refusal
rolls the whole file back, nothing half-written. Audited with channel "import" and the file name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from imports.rows import CellError
from organizations import registry_columns as C
from organizations.bulk_files import BulkRefused, FileRow, read_rows, source_name
from organizations.mapping_steps import Step, StepError, read_steps, run
from organizations.registry import check_user


@dataclass
class MappingPlan:
    file_name: str
    rows: list[FileRow]
    steps: list[Step]

    @property
    def errors(self) -> list[CellError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def writes(self) -> int:
        return 0 if self.has_errors else len(self.steps)

    def digest(self) -> str:
        """What the plan showed, to tell at confirmation whether the tree changed meanwhile."""
        state = [(s.kind, [r.number for r in s.rows], s.lines) for s in self.steps]
        state.append([str(e) for e in self.errors])
        return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def plan(data: bytes, name: str, *, user) -> MappingPlan:
    """Read, check and try every operation of a mapping file; nothing is written."""
    check_user(user)
    rows = read_rows(data, name, C.MAPPING_COLUMNS, (C.OPERATION, C.EFFECTIVE))
    steps = read_steps(rows)
    prepared = MappingPlan(file_name=source_name(name), rows=rows, steps=steps)
    with transaction.atomic():
        _run(prepared, user=user, stop=False)
        transaction.set_rollback(True)
    return prepared


def apply(prepared: MappingPlan, *, user) -> int:
    """Carry out every operation of `prepared` in one transaction, or nothing (BulkRefused).
    Returns the number of operations carried out."""
    check_user(user)
    if prepared.has_errors:
        raise BulkRefused(
            _("%(count)s problem(s) in the file; nothing was written.") % {"count": len(prepared.errors)},
            [str(e) for e in prepared.errors],
        )
    with transaction.atomic():
        _run(prepared, user=user, stop=True)
    return len(prepared.steps)


def _run(prepared: MappingPlan, *, user, stop: bool) -> None:
    """Each step in a savepoint of its own, so that one refusal does not hide the next ones."""
    for step in prepared.steps:
        step.lines = []
        try:
            with transaction.atomic():
                run(step, user=user, source=prepared.file_name)
        except StepError as error:
            error.row.error(error.column, error.message)
        except ValidationError as error:
            for message in error.messages:
                step.first.error("operation", message)
        else:
            continue
        if stop:
            raise BulkRefused(
                _("An operation was refused; nothing was written."), [str(e) for e in prepared.errors]
            )
