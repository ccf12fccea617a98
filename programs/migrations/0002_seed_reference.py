"""Seed the three pillars, the two strategy focuses and the Inpres 4/2022 strategies.

They are data, editable by an admin; this migration only creates them once.
"""

from django.db import migrations

from programs.reference import reference_ensure


def seed(apps, schema_editor):
    reference_ensure(
        pillar_model=apps.get_model("programs", "Pillar"),
        focus_model=apps.get_model("programs", "StrategyFocus"),
        strategy_model=apps.get_model("programs", "Strategy"),
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
