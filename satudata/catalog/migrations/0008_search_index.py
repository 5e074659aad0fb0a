"""The full-text index over ``Dataset.search_text``: FTS5 on SQLite, a GIN index on PostgreSQL.

Both index the same prepared words (satudata.catalog.search), so both find the same datasets.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE catalog_dataset_fts USING fts5("
    "search_text, tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "INSERT INTO catalog_dataset_fts(rowid, search_text) "
    "SELECT id, search_text FROM catalog_dataset",
]
SQLITE_REVERSE = ["DROP TABLE catalog_dataset_fts"]
POSTGRES = [
    "CREATE INDEX catalog_dataset_search ON catalog_dataset "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))"
]
POSTGRES_REVERSE = ["DROP INDEX catalog_dataset_search"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_data_server")]

    operations = [migrations.RunPython(forwards, backwards)]
