"""PostgreSQL's full-text index over services' search text (see `directory.search`).

SQLite has no GIN index and matches words with LIKE, so this does nothing there.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS directory_service_search_gin ON directory_service "
    "USING gin (to_tsvector('simple', search_text))"
)
DROP = "DROP INDEX IF EXISTS directory_service_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
