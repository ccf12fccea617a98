import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum

from budgets.codes import UNIT_CODE_RE, account_group, ancestors, level_of
from budgets.models import (
    Account,
    BudgetLine,
    FundingSource,
    Nomenclature,
    Unit,
    UnitKind,
)
from budgets.models_summary import BudgetSummary
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


# --- real codes and names (budgets/demo_data) ----------------------------------------

REAL_CSV = Path(settings.BASE_DIR) / "budgets" / "demo_data" / "nomenclature_real.csv"


def _real_table():
    with REAL_CSV.open(encoding="utf-8", newline="") as f:
        return {(int(r["year"]), r["level"], r["code"]): r["name"] for r in csv.DictReader(f)}


def _real_name(table, year, level, code):
    years = [y for (y, lv, c) in table if (lv, c) == (level, code)]
    assert years, f"{level} {code} is used by the demo but not in {REAL_CSV.name}"
    return table[(min(years, key=lambda y: (abs(y - year), -y)), level, code)]


def test_every_demo_code_carries_the_name_of_the_shipped_real_table(demo_data):
    table = _real_table()
    nodes = Nomenclature.objects.all()
    assert nodes.count() > 100
    for node in nodes:
        # 2023 has no real file: the nearest year's (2024) names.
        assert node.name == _real_name(table, node.fiscal_year, node.level, node.code), node
        assert level_of(node.code) == node.level
    for account in Account.objects.all():
        assert account.name == _real_name(table, 2024, "rekening", account.code)
        assert account.group == account_group(account.code)
    for source in FundingSource.objects.all():
        assert source.name == _real_name(table, 2024, "sumber_dana", source.code)
    assert set(Account.objects.values_list("group", flat=True)) == {"5.1.02", "5.1.06", "5.2.03"}


def test_every_demo_sub_kegiatan_hangs_from_its_real_chain(demo_data):
    for sub in Nomenclature.objects.filter(level="sub_kegiatan"):
        chain, node = [], sub
        while node.parent_id:
            node = node.parent
            chain.insert(0, (node.level, node.code))
        assert chain == ancestors(sub.code)


def test_the_real_table_says_where_it_comes_from_and_under_which_licence():
    folder = REAL_CSV.parent
    licence = (folder / "LICENSE-sipd-ri.md").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Erick Surya Dinata" in licence
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "bpkadkabburu/sipd-ri" in readme and "LICENSE-sipd-ri.md" in readme
    with REAL_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["source"] for r in rows} == {"buru_2024_rekap_murni.xlsx"}
    assert all(r["name"] == r["name"].strip() and r["name"] for r in rows)


def test_the_real_table_matches_the_real_files_when_the_project_has_them():
    """Checked against the real recaps once they are in the project's test data."""
    found = sorted(Path(settings.BASE_DIR).glob("tests/**/buru_2024_rekap_murni.xlsx"))
    if not found:
        pytest.skip("the real Buru 2024 recap is not in the project's test data")
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(found[0])).get_sheet_by_index(0).to_python()
    head = [str(h).strip() for h in rows[0]]
    columns = {
        "urusan": "URUSAN", "bidang": "BIDANG URUSAN", "program": "PROGRAM",
        "kegiatan": "KEGIATAN", "sub_kegiatan": "SUB KEGIATAN", "rekening": "REKENING",
        "sumber_dana": "SUMBER DANA",
    }
    real = {}
    for row in rows[1:]:
        cells = dict(zip(head, row, strict=False))
        for level, column in columns.items():
            code = str(cells[f"KODE {column}"]).strip()
            if code:
                real[(level, code)] = str(cells[f"NAMA {column}"]).strip()
    for (_year, level, code), name in _real_table().items():
        assert real.get((level, code)) == name, (level, code)


def test_unit_codes_are_shaped_as_sipd_writes_them(demo_data):
    units = Unit.objects.filter(is_demo=True)
    assert all(re.fullmatch(UNIT_CODE_RE, u.code) for u in units)
    province = units.filter(region_id="36")
    assert province.get(code="1.06.0.00.0.00.01.0000").short_name == "Dinsos"
    # combined OPD: a second bidang in parts 2-3, as SIPD writes 1.01.2.22.0.00.01.0000
    assert province.get(code="1.01.2.22.0.00.01.0000").short_name == "Dindikbud"
    combined = province.get(code="2.07.3.32.0.00.01.0000")
    uptd = province.get(code="2.07.3.32.0.00.01.0001")
    assert uptd.kind == UnitKind.UPTD and uptd.parent == combined
    for unit in province.filter(kind=UnitKind.UPTD):
        assert unit.code == unit.parent.code[:-4] + "0001"


# The figures the demo has always produced (before its codes and names became real):
# (year, region) -> (pagu, realisasi, lines, OPD, sub units).
DEMO_FIGURES = {
    (2023, "36"): ("2200000000000", "1877393262861", 64, 16, 16),
    (2023, "36.01"): ("87000000000", "73797485225", 24, 6, 6),
    (2023, "36.02"): ("233000000000", "197343510802", 24, 6, 6),
    (2023, "36.03"): ("74000000000", "63128564028", 24, 6, 6),
    (2023, "36.04"): ("122000000000", "102341910686", 24, 6, 6),
    (2023, "36.71"): ("118000000000", "102152411935", 24, 6, 6),
    (2023, "36.72"): ("216000000000", "186573569911", 24, 6, 6),
    (2023, "36.73"): ("105000000000", "88368299108", 24, 6, 6),
    (2023, "36.74"): ("105000000000", "91669927394", 24, 6, 6),
    (2024, "36"): ("1700000000000", "893820632781", 36, 9, 18),
    (2024, "36.01"): ("215000000000", "110767406649", 24, 6, 6),
    (2024, "36.02"): ("86000000000", "44459178019", 24, 6, 6),
    (2024, "36.03"): ("129000000000", "69495804787", 24, 6, 6),
    (2024, "36.04"): ("205000000000", "108697452856", 24, 6, 6),
    (2024, "36.71"): ("202000000000", "108131504233", 24, 6, 6),
    (2024, "36.72"): ("173000000000", "91896118511", 24, 6, 6),
    (2024, "36.73"): ("72000000000", "37523592385", 24, 6, 6),
    (2024, "36.74"): ("121000000000", "63468970667", 24, 6, 6),
}


def test_the_demo_figures_are_unchanged(demo_data):
    figures = {
        (r["fiscal_year"], r["region_id"]): (
            str(r["p"]), str(r["r"]), r["n"], r["u"], r["s"]
        )
        for r in BudgetLine.objects.values("fiscal_year", "region_id").annotate(
            p=Sum("pagu"), r=Sum("realisasi"), n=Count("id"),
            u=Count("unit", distinct=True), s=Count("sub_unit", distinct=True),
        )
    }
    normalised = {
        k: (str(Decimal(p).quantize(Decimal(1))), str(Decimal(r).quantize(Decimal(1))), *rest)
        for k, (p, r, *rest) in figures.items()
    }
    assert normalised == DEMO_FIGURES
    # one program per OPD, as always: the summary has the same 313 rows
    assert BudgetSummary.objects.count() == 313
    by_group = {
        r["account__group"]: (r["n"], str(Decimal(r["p"]).quantize(Decimal(1))))
        for r in BudgetLine.objects.values("account__group").annotate(n=Count("id"), p=Sum("pagu"))
    }
    assert by_group == {
        "5.1.06": (100, "1250788000000"),
        "5.1.02": (301, "3812598000000"),
        "5.2.03": (83, "1099614000000"),
    }
