"""The admin's django-import-export import of ratings and member statistics, through this app.

`assessments.resources` hands `import_data` here, so the admin's upload → preview → confirm
reads the rows like the import page (headers by name, levels written any way), applies the
same scope and checks (`imports.rows.check`) and writes through the same services
(`imports.services.commit`: one transaction, channel "import", the file's name as the source).
The admin's own preview tables are filled from the result.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from import_export.results import Error, Result, RowResult

from imports import rows as R
from imports import services
from imports.levels import cell_text
from imports.reader import FileRefused, Sheet

IMPORT_TYPES = {
    R.NEW: RowResult.IMPORT_TYPE_NEW,
    R.CHANGED: RowResult.IMPORT_TYPE_UPDATE,
    R.UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
    R.SKIPPED: RowResult.IMPORT_TYPE_SKIP,
    R.ERROR: RowResult.IMPORT_TYPE_INVALID,
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return cell_text(value)


def import_dataset(
    dataset, *, kind: str, dry_run: bool, user, file_name: str | None, raise_errors=False
) -> Result:
    result = Result()
    headers = [str(h or "") for h in (dataset.headers or [])]
    result.diff_headers = headers
    result.total_rows = len(dataset)
    sheet = Sheet(
        name=dataset.title or "Sheet1",
        rows=[[cell_text(h) for h in headers], *([_text(cell) for cell in row] for row in dataset)],
    )
    try:
        services.check_user(user)
        checked = R.check([sheet], user=user, kind=kind, file_name=file_name or "")
    except (FileRefused, PermissionDenied) as refused:
        if raise_errors:
            raise
        result.append_base_error(Error(refused))
        return result
    prev = services.Preview(file_name=services.source_name(file_name or "admin"), checked=checked)
    by_number = {row.number: row for row in checked.rows}
    results: list[tuple[R.Row, RowResult]] = []
    for number, values in enumerate(sheet.rows[1:], start=2):
        row = by_number.get(number)
        if row is None:
            continue  # a blank row
        row_result = RowResult()
        row_result.import_type = IMPORT_TYPES[row.status]
        row_result.object_repr = str(row.unit) if row.unit else row.named
        row_result.diff = [
            f"{row.changes[header][0]} → {row.changes[header][1]}" if header in row.changes else value
            for header, value in zip(sheet.rows[0], values, strict=False)
        ]
        if row.errors:
            error = ValidationError([f"{e.column} “{e.value}”: {e.message}" for e in row.errors])
            row_result.validation_error = error
            result.append_invalid_row(number, dict(zip(headers, values, strict=False)), error)
        result.increment_row_result_total(row_result)
        result.append_row_result(row_result)
        results.append((row, row_result))
    if dry_run or prev.has_errors:
        return result
    try:
        services.commit(prev, user=user)
    except services.ImportRefused as refused:
        if raise_errors:
            raise
        result.append_base_error(Error(Exception("; ".join([str(refused), *refused.messages]))))
        return result
    # The admin writes a log entry for each new or changed object: give it the objects written.
    written = [(row, rr) for row, rr in results if row.writes]
    model = R.kind_for(kind).model
    stored = model.objects.filter(
        unit__in=[row.unit.pk for row, _rr in written], year__in={row.year for row, _rr in written}
    )
    by_key = {(obj.unit_id, obj.year): obj for obj in stored}
    for row, row_result in written:
        row_result.add_instance_info(by_key.get((row.unit.pk, row.year)))
        row_result.instance = by_key.get((row.unit.pk, row.year))
    return result
