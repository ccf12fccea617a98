"""Put the lines table's summary triggers back on SQLite.

Migrations 0006, 0008 and 0009 change the lines table's indexes and natural
key. SQLite cannot alter a table in place, so Django rebuilt it (new table,
copy, drop, rename), and the rebuild dropped the triggers of 0004 that mark a
changed (fiscal year, region) for the summary refresh: on SQLite the summary
then stayed stale. PostgreSQL alters in place and keeps them; nothing to do
there. The triggers are the ones of 0004 (same SQL), and every scope with lines
is marked dirty so the next refresh rebuilds it.
"""

import importlib

from django.db import migrations

_0004 = importlib.import_module("budgets.migrations.0004_budget_summary_table")


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    _0004._run(schema_editor, _0004.SQLITE_DROP + _0004.SQLITE_TRIGGERS)
    _0004._run(
        schema_editor,
        [
            "INSERT OR IGNORE INTO budgets_summarydirty (fiscal_year, region_id) "
            "SELECT DISTINCT fiscal_year, region_id FROM budgets_budgetline"
        ],
    )


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0009_natural_key_fixed_width_first"),
    ]

    operations = [migrations.RunPython(sqlite_triggers, migrations.RunPython.noop)]
