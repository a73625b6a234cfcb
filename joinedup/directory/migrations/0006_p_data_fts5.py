"""SQLite's full-text index over services' search text (FTS5), so that the embedded default
searches 100,000 services by index rather than LIKE over every row (see `directory.search`).

A contentless-delete table would need SQLite 3.43; this one keeps its own copy of the text,
keyed by the service's rowid, and three triggers keep it in step with every insert, update and
delete, bulk ones too. Does nothing on PostgreSQL (its GIN index is migration 0002) or where
SQLite was built without FTS5 — search then matches with LIKE, as before.
"""

from django.db import migrations

TABLE = "directory_service_fts"
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "search_text, service_id UNINDEXED, tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON directory_service BEGIN "
    f"INSERT INTO {TABLE}(rowid, search_text, service_id) "
    "VALUES (new.rowid, new.search_text, new.id); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF search_text ON directory_service BEGIN "
    f"DELETE FROM {TABLE} WHERE rowid = old.rowid; "
    f"INSERT INTO {TABLE}(rowid, search_text, service_id) "
    "VALUES (new.rowid, new.search_text, new.id); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON directory_service BEGIN "
    f"DELETE FROM {TABLE} WHERE rowid = old.rowid; END",
    f"INSERT INTO {TABLE}(rowid, search_text, service_id) "
    "SELECT rowid, search_text, id FROM directory_service",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def has_fts5(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return any(row[0] == "ENABLE_FTS5" for row in cursor.fetchall())


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite" and has_fts5(schema_editor.connection):
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_o_edits_versions")]
    operations = [migrations.RunPython(forwards, backwards)]
