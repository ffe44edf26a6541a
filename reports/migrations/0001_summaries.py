"""The reports' summaries (reports.models) and the triggers that keep them from going stale silently:
every statement writing ratings or member statistics bumps the stamp of each year it touched (and,
for ratings, marks that year's trend tally stale, `assessments.RatingTally`, as the services do);
every statement writing units bumps stamp 0. PostgreSQL: statement-level triggers with transition
tables (one bump per statement, even for a COPY of 100,000 rows); SQLite: row-level triggers."""

import django.db.models.deletion
from django.db import migrations, models

STAMP = (
    "INSERT INTO reports_summarystamp (year, version) SELECT y, 1 FROM unnest(years) AS y ORDER BY y "
    "ON CONFLICT (year) DO UPDATE SET version = reports_summarystamp.version + 1;"
)
TALLY = (
    "INSERT INTO assessments_ratingtally (year, stale, version, rows, totals) "
    "SELECT y, true, 1, '[]', '[]' FROM unnest(years) AS y ORDER BY y "
    "ON CONFLICT (year) DO UPDATE SET stale = true, version = assessments_ratingtally.version + 1;"
)
POSTGRESQL = [
    f"""
CREATE FUNCTION reports_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    years integer[];
BEGIN
    IF TG_TABLE_NAME = 'organizations_unit' THEN
        years := ARRAY[0];
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT year) INTO years FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT year) INTO years FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT year) INTO years
        FROM (SELECT year FROM new_rows UNION SELECT year FROM old_rows) AS changed;
    END IF;
    IF years IS NULL THEN
        RETURN NULL;
    END IF;
    {STAMP}
    IF TG_TABLE_NAME = 'assessments_rating' THEN
        {TALLY}
    END IF;
    RETURN NULL;
END
$$;
""",
    *[
        f"CREATE TRIGGER reports_stamp_{op.lower()} AFTER {op} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION reports_stamp();"
        for table in ("assessments_rating", "assessments_memberstats", "organizations_unit")
        for op, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ],
]


def _sqlite_bump(year: str, tally: bool) -> str:
    sql = (
        f"INSERT INTO reports_summarystamp (year, version) VALUES ({year}, 1) "
        "ON CONFLICT (year) DO UPDATE SET version = version + 1;"
    )
    if tally:
        sql += (
            " INSERT INTO assessments_ratingtally (year, stale, version, rows, totals) "
            f"VALUES ({year}, 1, 1, '[]', '[]') ON CONFLICT (year) DO UPDATE SET stale = 1, version = version + 1;"
        )
    return sql


SQLITE = [
    f"CREATE TRIGGER reports_stamp_{table}_{op.lower()} AFTER {op} ON {table} FOR EACH ROW BEGIN "
    + " ".join(_sqlite_bump(year, table == "assessments_rating") for year in years)
    + " END;"
    for table in ("assessments_rating", "assessments_memberstats", "organizations_unit")
    for op, years in (
        ("INSERT", ["NEW.year"]),
        ("UPDATE", ["NEW.year", "OLD.year"]),
        ("DELETE", ["OLD.year"]),
    )
]
SQLITE = [
    sql.replace("NEW.year", "0").replace("OLD.year", "0") if "ON organizations_unit" in sql else sql
    for sql in SQLITE
]


def create_triggers(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in ("assessments_rating", "assessments_memberstats", "organizations_unit"):
        for op in ("insert", "update", "delete"):
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_stamp_{op} ON {table};")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_stamp_{table}_{op};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS reports_stamp();")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assessments", "0016_reporting_committees"),
        ("organizations", "0003_places_and_lineage_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="SummaryStamp",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="YearSummary",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("data_version", models.BigIntegerField(default=-1)),
                ("units_version", models.BigIntegerField(default=-1)),
            ],
        ),
        migrations.CreateModel(
            name="MemberCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(db_index=True)),
                ("place_type", models.CharField(blank=True, max_length=32)),
                ("member_count", models.IntegerField(default=0)),
                ("excellent", models.IntegerField(default=0)),
                ("good", models.IntegerField(default=0)),
                ("completed", models.IntegerField(default=0)),
                ("not_completed", models.IntegerField(default=0)),
                ("not_rated", models.IntegerField(default=0)),
                ("admitted", models.IntegerField(default=0)),
                (
                    "committee",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organizations.unit",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RatingCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(db_index=True)),
                ("place_type", models.CharField(blank=True, max_length=32)),
                ("tier", models.CharField(max_length=16)),
                ("not_rated", models.BooleanField(default=False)),
                ("pending", models.BooleanField(default=False)),
                ("n", models.IntegerField()),
                (
                    "committee",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organizations.unit",
                    ),
                ),
                (
                    "level",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="assessments.ratinglevel",
                    ),
                ),
                (
                    "self_level",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="assessments.ratinglevel",
                    ),
                ),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
