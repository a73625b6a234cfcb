"""No two confirmed bookings may hold the same slot of an offer at overlapping times.

The database enforces it, so that two partners confirming at the same moment cannot both win:
PostgreSQL with an exclusion constraint (over ranges, so no extension is needed), SQLite with
triggers (SQLite runs one write transaction at a time, so a trigger sees every committed row).
"""

from django.db import migrations

POSTGRES = """
ALTER TABLE resources_booking ADD CONSTRAINT booking_no_double_booking EXCLUDE USING gist (
    int8range(offer_id, offer_id, '[]') WITH &&,
    int8range(slot, slot, '[]') WITH &&,
    tstzrange(starts_at, ends_at) WITH &&
) WHERE (status = 'confirmed');
"""
POSTGRES_REVERSE = "ALTER TABLE resources_booking DROP CONSTRAINT booking_no_double_booking;"
_SQLITE_CLASH = """
    SELECT RAISE(ABORT, 'booking_no_double_booking')
    WHERE EXISTS (
        SELECT 1 FROM resources_booking other
        WHERE other.offer_id = NEW.offer_id AND other.slot = NEW.slot
          AND other.status = 'confirmed' AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at
    );
"""
SQLITE = [
    "CREATE TRIGGER booking_no_double_booking_insert BEFORE INSERT ON resources_booking "
    f"WHEN NEW.status = 'confirmed' BEGIN {_SQLITE_CLASH} END;",
    "CREATE TRIGGER booking_no_double_booking_update BEFORE UPDATE ON resources_booking "
    f"WHEN NEW.status = 'confirmed' BEGIN {_SQLITE_CLASH} END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS booking_no_double_booking_insert;",
    "DROP TRIGGER IF EXISTS booking_no_double_booking_update;",
]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [POSTGRES], "sqlite": SQLITE}),
            _run({"postgresql": [POSTGRES_REVERSE], "sqlite": SQLITE_REVERSE}),
        )
    ]
