"""The lines table keeps its summary triggers after every migration, on every
database (SQLite rebuilds a table it alters, and a rebuild drops its triggers)."""

import pytest

from django.db import connection

from budgets.models import BudgetLine
from budgets.models_summary import SummaryDirty

from .import_helpers import sample_path, upload

pytestmark = pytest.mark.django_db

TRIGGERS = {"budgets_line_summary_ins", "budgets_line_summary_upd", "budgets_line_summary_del"}


def _triggers() -> set:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal", [BudgetLine._meta.db_table],
            )
        else:
            cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [BudgetLine._meta.db_table],
            )
        return {row[0] for row in cur.fetchall()}


def test_the_lines_table_has_its_three_summary_triggers():
    assert _triggers() == TRIGGERS


def test_a_change_to_a_line_marks_its_scope_dirty(data_staff):
    upload(data_staff, sample_path(), commit=True)
    assert not SummaryDirty.objects.exists()  # the commit rebuilt its scope
    line = BudgetLine.objects.first()
    BudgetLine.objects.filter(pk=line.pk).update(pagu=line.pagu + 1)
    assert SummaryDirty.objects.filter(
        fiscal_year=line.fiscal_year, region_id=line.region_id
    ).exists()
