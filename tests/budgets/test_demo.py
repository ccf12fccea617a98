from decimal import Decimal

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from budgets.models import BudgetLine, UnitKind
from programs.models import Intervention
from roadmap.models import Meeting, Obstacle, RoadmapAction

pytestmark = pytest.mark.django_db


def province(year):
    return BudgetLine.objects.filter(region_id="36", fiscal_year=year)


def test_2023_is_rp2_2_triliun_over_16_opd(demo_data):
    lines = province(2023)
    assert lines.aggregate(s=Sum("pagu"))["s"] == Decimal("2200000000000")
    assert lines.values("unit").distinct().count() == 16


def test_2024_is_rp1_7_triliun_over_9_opd_and_9_uptd(demo_data):
    lines = province(2024)
    assert lines.aggregate(s=Sum("pagu"))["s"] == Decimal("1700000000000")
    assert lines.values("unit").distinct().count() == 9
    uptd = lines.filter(sub_unit__kind=UnitKind.UPTD).values("sub_unit").distinct()
    assert uptd.count() == 9


def test_every_demo_line_is_tagged_and_marked(demo_data):
    lines = BudgetLine.objects.all()
    assert not lines.filter(is_demo=False).exists()
    assert not lines.filter(pillar__isnull=True).exists()
    assert not lines.filter(strategy__isnull=True).exists()
    assert all(line.tags.exists() for line in lines[:20])


def test_it_creates_coordination_examples(demo_data):
    assert Intervention.objects.filter(is_demo=True).count() >= 3
    assert RoadmapAction.objects.filter(is_demo=True).exists()
    assert Obstacle.objects.filter(is_demo=True).exists()
    assert Meeting.objects.filter(is_demo=True).count() == 1


def test_running_it_twice_changes_nothing(demo_data, capsys):
    counts = (BudgetLine.objects.count(), Intervention.objects.count(), Meeting.objects.count())
    call_command("seed_demo", force=True)
    assert "0 baris anggaran baru" in capsys.readouterr().out
    assert counts == (
        BudgetLine.objects.count(), Intervention.objects.count(), Meeting.objects.count()
    )


def test_demo_users_can_log_in(demo_data, client):
    assert client.login(username="pejabat", password="tkpkd-demo")


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG mati"):
        call_command("seed_demo")
