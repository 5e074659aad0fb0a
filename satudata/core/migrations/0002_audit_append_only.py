"""Make the audit log append-only in the database itself, beneath the ORM.

SQLite: updates are refused (deletes stay possible only because Django's test flush empties
tables with DELETE). PostgreSQL: updates and row deletes are refused; TRUNCATE, which only an
operator runs, still works.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_UP = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"
POSTGRES_UP = """
CREATE FUNCTION core_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$;
CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse();
"""


def _run(schema_editor: BaseDatabaseSchemaEditor, sqlite: str, postgres: str) -> None:
    vendor = schema_editor.connection.vendor
    sql = {"sqlite": sqlite, "postgresql": postgres}.get(vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            if vendor == "sqlite":
                for statement in filter(str.strip, sql.split(";\n")):
                    cursor.execute(statement)
            else:
                cursor.execute(sql)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, SQLITE_UP, POSTGRES_UP)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, SQLITE_DOWN, POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
