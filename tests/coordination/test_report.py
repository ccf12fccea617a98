"""The quarterly report: figures equal budget_line_summary; the XLSX is safe."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from budgets.selectors import budget_line_summary
from roadmap.report import safe_text
from tests.factories import (
    BudgetLineFactory,
    ObstacleFactory,
    RoadmapActionFactory,
    pillar,
    strategy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_data(lebak_unit, lebak_roadmap, lebak_intervention, tangerang_unit):
    BudgetLineFactory(region_id="36.02", unit=lebak_unit, sub_unit=lebak_unit,
                      pagu=Decimal("1500000000.00"), realisasi=Decimal("300000000.00"),
                      pillar=pillar("jaminan_sosial"), strategy=strategy())
    BudgetLineFactory(region_id="36.02", unit=lebak_unit, sub_unit=lebak_unit,
                      pagu=Decimal("250000000.50"), realisasi=Decimal("0"))
    BudgetLineFactory(region_id="36.03", unit=tangerang_unit, sub_unit=tangerang_unit,
                      pagu=Decimal("999"))
    RoadmapActionFactory(roadmap=lebak_roadmap, target_year=2024, target_quarter=1,
                         title="=HYPERLINK(\"http://x\")")
    RoadmapActionFactory(roadmap=lebak_roadmap, target_year=2024, target_quarter=4)
    ObstacleFactory(region_id="36.02", title="+cmd|' /C calc'!A0")
    return lebak_intervention


def test_page_figures_equal_the_summary(client_for, province_coordinator, report_data):
    client = client_for(province_coordinator)
    response = client.get(reverse("roadmap:report"), {
        "region": "36.02", "fiscal_year": "2024", "quarter": "2"})
    assert response.status_code == 200
    report = response.context["report"]
    expected = budget_line_summary(user=province_coordinator,
                                   filters={"fiscal_year": 2024, "region": "36.02"},
                                   group_by=["pillar"])
    assert report.by_pillar.pagu == expected.pagu == Decimal("1750000000.50")
    assert [(r.key, r.pagu, r.realisasi) for r in report.by_pillar.rows] == [
        (r.key, r.pagu, r.realisasi) for r in expected.rows]
    assert report.by_strategy.pagu == expected.pagu
    assert [a.target_quarter for a in report.actions] == [1]  # up to the quarter
    assert report.late_count == 1
    html = response.content.decode()
    assert "Rp1.750.000.000,50" in html
    assert "Terlambat" in html


def test_xlsx_has_the_sheets_stamps_and_guards_formulas(
    client_for, province_coordinator, report_data
):
    response = client_for(province_coordinator).get(reverse("roadmap:report"), {
        "region": "36.02", "fiscal_year": "2024", "quarter": "4", "format": "xlsx"})
    assert response.status_code == 200
    assert "laporan-triwulan-36.02-2024-T4.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Ringkasan", "Intervensi", "Aksi Peta Jalan", "Hambatan",
                             "Verifikasi"]
    ringkasan = list(wb["Ringkasan"].iter_rows(values_only=True))
    assert ringkasan[4][0] == "Diekspor"
    assert "fiscal_year=2024" in ringkasan[3][1] and "region=36.02" in ringkasan[3][1]
    total = next(row for row in ringkasan if row[0] == "Jumlah")
    assert Decimal(str(total[1])) == Decimal("1750000000.5")
    actions = [row[0] for row in wb["Aksi Peta Jalan"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in actions
    obstacles = [row[0] for row in wb["Hambatan"].iter_rows(values_only=True)]
    assert "'+cmd|' /C calc'!A0" in obstacles
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_safe_text_guards_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_text(text) == "'" + text
    # A control character is shown as U+FFFD: no longer a formula start.
    assert safe_text("\x01x") == "\ufffdx"
    assert safe_text("Biasa") == "Biasa"
    assert safe_text(5) == 5


def test_a_region_outside_the_scope_is_refused(client_for, lebak_coordinator, report_data):
    response = client_for(lebak_coordinator).get(reverse("roadmap:report"), {
        "region": "36.03", "fiscal_year": "2024", "quarter": "1", "format": "xlsx"})
    assert response.status_code == 400
    assert "region" in response.context["form"].errors


def test_bad_quarter_gets_a_message(client_for, lebak_coordinator, banten):
    response = client_for(lebak_coordinator).get(reverse("roadmap:report"), {
        "region": "36.02", "fiscal_year": "2024", "quarter": "7"})
    assert response.status_code == 400
    assert "quarter" in response.context["form"].errors
