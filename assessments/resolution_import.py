"""Writing the resolutions read from a file (`assessments.resolution_files`) through the service
(`assessments.resolutions.save_resolution`): all or nothing, a dry run rolled back, each refusal
named by the file's place of the resolution."""

from __future__ import annotations

from django.db import transaction

from assessments.models import Channel, CountedAs, Resolution
from assessments.resolution_entries import (
    Entry,
    Faults,
    Outcome,
    TargetFileRefused,
)
from assessments.resolution_files import _header
from assessments.resolution_rules import ResolutionRefused, TargetSpec, counted_by
from assessments.resolutions import save_resolution
from imports.cells import key


def _existing(entry: Entry) -> Resolution | None:
    """The stored resolution the entry describes: the same number, else (no number) the same title."""
    number, title = entry.values.get("number", ""), entry.values.get("title", "")
    candidates = Resolution.objects.all()
    if number:
        return next((r for r in candidates if key(r.number) == key(number)), None)
    return next((r for r in candidates if not r.number and key(r.title) == key(title)), None)


def _refusal_messages(entry: Entry, refused: ResolutionRefused) -> list[str]:
    faults = Faults()
    for problem in refused.problems:
        if problem.target is not None and problem.target < len(entry.target_where):
            where = entry.target_where[problem.target]
        else:
            where = entry.where
        name = None
        if problem.field and problem.field not in ("clean_strong", "exemplary"):
            name = entry.names.get(problem.field) or (
                _header(problem.field) if entry.name_kind == "column" else None
            )
        faults.add(where, name, problem.message, kind=entry.name_kind)
    return faults.messages


class _DryRun(Exception):
    pass


def import_entries(
    entries: list[Entry], *, user, source: str = "", channel: str = Channel.IMPORT, dry_run: bool = False
) -> list[Outcome]:
    """Write every resolution read, in one transaction: all of them or, on any refusal (every
    one is collected first), none (TargetFileRefused). With `dry_run`, everything is checked and
    written, then rolled back."""
    outcomes: list[Outcome] = []
    messages: list[str] = []
    try:
        with transaction.atomic():
            for entry in entries:
                stored = _existing(entry)
                kept = counted_by(stored) if stored is not None and not entry.levels_given else None
                targets = entry.targets
                if stored is not None and not entry.targets_given:
                    targets = [
                        TargetSpec.of(target) for target in stored.targets.order_by("position", "code")
                    ]
                values = {
                    name: entry.values.get(name, "") for name in ("issuing_body", "number", "title", "term")
                }
                # Left out of the file, a stored resolution keeps its flag (a new one: no).
                values["exemplary_by_commendation"] = entry.values.get(
                    "exemplary_by_commendation", stored is not None and stored.exemplary_by_commendation
                )
                try:
                    result = save_resolution(
                        user=user,
                        resolution=stored,
                        **values,
                        date=entry.values.get("date"),
                        first_year=entry.values["first_year"],
                        last_year=entry.values["last_year"],
                        clean_strong=kept[CountedAs.CLEAN_STRONG] if kept else entry.clean_strong,
                        exemplary=kept[CountedAs.EXEMPLARY] if kept else entry.exemplary,
                        targets=targets,
                        channel=channel,
                        source=source,
                    )
                except ResolutionRefused as refused:
                    messages += _refusal_messages(entry, refused)
                    continue
                outcomes.append(
                    Outcome(
                        entry=entry,
                        resolution=result.resolution,
                        created=result.created,
                        changed=result.changed,
                        targets_created=result.targets_created,
                        targets_updated=result.targets_updated,
                        targets_deleted=result.targets_deleted,
                    )
                )
            if messages:
                raise TargetFileRefused(messages)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return outcomes
