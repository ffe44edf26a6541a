"""The units' dated places (`organizations.UnitPlace`) stamp the summaries too: pending units are
grouped by where each unit sat that year, so a place written without its unit (a bulk move or
closing of places) must not leave a summary stale silently (stamp 0, as for units)."""

import importlib

from django.db import migrations

first = importlib.import_module("reports.migrations.0001_summaries")
TABLE = "organizations_unitplace"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        function = (
            first.POSTGRESQL[0]
            .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
            .replace(
                "IF TG_TABLE_NAME = 'organizations_unit' THEN",
                f"IF TG_TABLE_NAME IN ('organizations_unit', '{TABLE}') THEN",
            )
        )
        schema_editor.execute(function)
        for sql in first.POSTGRESQL[1:]:
            if " ON organizations_unit " in sql:
                schema_editor.execute(sql.replace(" ON organizations_unit ", f" ON {TABLE} "))
    elif vendor == "sqlite":
        for sql in first.SQLITE:
            if " ON organizations_unit " in sql:
                schema_editor.execute(sql.replace("organizations_unit", TABLE))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for op in ("insert", "update", "delete"):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_stamp_{op} ON {TABLE};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_stamp_{TABLE}_{op};")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_summaries")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
