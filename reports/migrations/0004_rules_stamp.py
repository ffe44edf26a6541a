"""The rules the reports are counted by stamp them too (`reports.models.RULES_STAMP`, read by
`reports.cache`): every statement writing a scheme or its levels, a resolution, its targets or
counted levels, a cross-unit rule, a season, a submission, a commendation or a reorganization bumps
stamp 1, whatever wrote it (the services, the admin, raw SQL). PostgreSQL: statement-level
triggers (one bump per statement); SQLite: row-level triggers. Reversible: the triggers go."""

from django.db import migrations

TABLES = (
    "assessments_ratingscheme",
    "assessments_ratinglevel",
    "assessments_resolution",
    "assessments_target",
    "assessments_countedlevel",
    "assessments_subordinaterule",
    "assessments_ratingyear",
    "assessments_submission",
    "assessments_commendation",
    "organizations_lineage",
    "organizations_reorganization",
)
RULES_STAMP = 1  # reports.models.RULES_STAMP
BUMP = (
    f"INSERT INTO reports_summarystamp (year, version) VALUES ({RULES_STAMP}, 1) "
    "ON CONFLICT (year) DO UPDATE SET version = reports_summarystamp.version + 1;"
)
FUNCTION = f"""
CREATE FUNCTION reports_rules_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP}
    RETURN NULL;
END
$$;
"""
OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER reports_rules_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reports_rules_stamp();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for op in OPERATIONS:
                schema_editor.execute(
                    f"CREATE TRIGGER reports_rules_stamp_{table}_{op.lower()} AFTER {op} ON {table} "
                    f"FOR EACH ROW BEGIN {BUMP} END;"
                )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_rules_stamp ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS reports_rules_stamp();")
    elif vendor == "sqlite":
        for table in TABLES:
            for op in OPERATIONS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_rules_stamp_{table}_{op.lower()};")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_year_reporting_rate"),
        ("assessments", "0021_reporting_committees_without_join"),
        ("organizations", "0003_places_and_lineage_data"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
