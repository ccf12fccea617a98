"""budgetline.import_batch without its own index: "line_batch" is the same index.

Two copies only cost every imported line one more index insertion. The index
is dropped by name rather than by AlterField: on SQLite AlterField remakes the
table, which would drop the summary triggers of 0004.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "budgets_budgetline_import_batch_id_f294a786"


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0004_budget_summary_table"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="budgetline",
                    name="import_batch",
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines", to="budgets.importbatch",
                        verbose_name="batch impor",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX IF NOT EXISTS "{INDEX}" '
                        f'ON "budgets_budgetline" ("import_batch_id")'
                    ),
                ),
            ],
        ),
    ]
