"""Dashboard figures equal plain sums over the lines, and the summary table
agrees with the lines to the rupiah."""

from decimal import Decimal

import pytest

from django.db.models import Q, Sum

from budgets import selectors as budget_selectors
from budgets.models import BudgetLine, BudgetSummary, SummaryDirty
from budgets.summary import budget_summary_refresh
from dashboards.selectors import dashboard_data, dashboard_filters
from tests.dashboards.util import make_unit
from tests.factories import AccountFactory, BudgetLineFactory, pillar

pytestmark = pytest.mark.django_db

COMBINATIONS = [
    {},
    {"fiscal_year": "2024"},
    {"fiscal_year": "2023", "pemda": "36"},
    {"fiscal_year": "2024", "region": "36.02"},
    {"fiscal_year": "2024", "pillar": "jaminan_sosial"},
    {"fiscal_year": "2024", "strategy": "peningkatan_pendapatan"},
    {"fiscal_year": "2024", "stage": "murni", "region": "36"},
]


def _line_sums(params: dict) -> tuple[Decimal, Decimal, int]:
    qs = BudgetLine.objects.all()
    if params.get("fiscal_year"):
        qs = qs.filter(fiscal_year=int(params["fiscal_year"]))
    if params.get("pemda"):
        qs = qs.filter(region_id=params["pemda"])
    if params.get("region"):
        r = params["region"]
        qs = qs.filter(Q(region__code=r) | Q(region__code__startswith=r + "."))
    if params.get("pillar"):
        qs = qs.filter(pillar__code=params["pillar"])
    if params.get("strategy"):
        qs = qs.filter(strategy__code=params["strategy"])
    if params.get("stage"):
        qs = qs.filter(stage=params["stage"])
    agg = qs.aggregate(p=Sum("pagu"), r=Sum("realisasi"))
    return agg["p"] or Decimal(0), agg["r"] or Decimal(0), qs.count()


@pytest.mark.parametrize("params", COMBINATIONS)
def test_panel_figures_equal_sums_over_lines(demo_data, params):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="pejabat")
    filters = dashboard_filters(user=user, params=params)
    dash = dashboard_data(user=user, filters=filters)
    expected = _line_sums(filters.params())
    headline = dash.headline
    assert (headline.pagu, headline.realisasi, headline.lines) == expected
    for panel in (dash.by_pillar, dash.by_strategy, dash.by_unit):
        assert sum(i.cell.pagu for i in panel) == expected[0]
        assert sum(i.cell.realisasi for i in panel) == expected[1]
    area_total = sum(i.cell.pagu for i in dash.by_region) + (
        dash.own_budget.cell.pagu if dash.own_budget else 0
    )
    assert area_total == expected[0]
    for item in dash.by_pillar:
        key = None if item.key == "none" else item.key
        qs_params = dict(filters.params(), pillar=item.key)
        assert item.cell.pagu == _line_sums(qs_params)[0], key
    # The same figures as the API's summary selector.
    api = budget_selectors.budget_line_summary(
        user=user, filters=filters.params(), group_by=["pillar"]
    )
    assert {r.key["pillar"] or "none": r.pagu for r in api.rows} == {
        i.key: i.cell.pagu for i in dash.by_pillar
    }


def test_rakor_headline_is_one_click_away(demo_data):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="pejabat")
    filters = dashboard_filters(user=user, params={"wilayah": "pemda:36", "fiscal_year": "2024"})
    h = dashboard_data(user=user, filters=filters).headline
    assert h.pagu == Decimal("1700000000000")
    assert (h.opd_count, h.uptd_count) == (9, 9)
    assert h.previous_pagu == Decimal("2200000000000")
    assert h.previous_opd_count == 16
    assert round(h.change * 1000) == -227


def test_summary_table_and_lines_agree_to_the_rupiah(banten, official, settings):
    unit = make_unit("36.02")
    for n, amount in enumerate(["1000000.01", "2500000.55", "333.33"]):
        BudgetLineFactory(
            region_id="36.02", unit=unit, sub_unit=unit, pagu=Decimal(amount),
            realisasi=(Decimal(amount) / 3).quantize(Decimal("0.01")), pillar=pillar(),
            account=AccountFactory(code=f"5.1.06.01.01.{n + 10:04d}"),
        )
    other = make_unit("36.03")
    BudgetLineFactory(region_id="36.03", unit=other, sub_unit=other, fiscal_year=2023, pagu=Decimal("7.77"))
    assert SummaryDirty.objects.exists()  # the trigger saw the factory writes
    for group_by in ([], ["region"], ["pillar", "fiscal_year"], ["program"], ["unit"]):
        via_lines = budget_selectors.budget_line_summary(
            user=official, filters={"region": "36"}, group_by=group_by
        )
        budget_summary_refresh()
        assert not SummaryDirty.objects.exists()
        assert BudgetSummary.objects.exists()
        via_summary = budget_selectors.budget_line_summary(
            user=official, filters={"region": "36"}, group_by=group_by
        )
        assert via_summary.pagu == via_lines.pagu == Decimal("3500341.66")
        assert via_summary.realisasi == via_lines.realisasi
        assert [r.as_dict() for r in via_summary.rows] == [r.as_dict() for r in via_lines.rows]


def test_a_write_outside_the_services_makes_readers_use_the_lines(banten, official):
    unit = make_unit("36.02")
    BudgetLineFactory(region_id="36.02", unit=unit, sub_unit=unit, pagu=Decimal("100"))
    budget_summary_refresh()
    BudgetLineFactory(region_id="36.02", unit=unit, sub_unit=unit, pagu=Decimal("50"),
                      account=AccountFactory(code="5.1.06.01.01.0002"))
    summary = budget_selectors.budget_line_summary(user=official, filters={"region": "36.02"})
    assert summary.pagu == Decimal("150")


def test_convergence_matrix_marks_a_region_without_a_pillar_as_empty(client_for, official):
    unit = make_unit("36.02")
    BudgetLineFactory(region_id="36.02", unit=unit, sub_unit=unit, pillar=pillar("jaminan_sosial"))
    other = make_unit("36.01")
    BudgetLineFactory(region_id="36.01", unit=other, sub_unit=other, pillar=pillar("budaya_usaha"))
    filters = dashboard_filters(user=official, params={"fiscal_year": "2024"})
    dash = dashboard_data(user=official, filters=filters)
    columns = [key for key, _label in dash.matrix_pillar.columns]
    rows = {row["key"]: row for row in dash.matrix_pillar.rows}
    lebak = rows["36.02"]["cells"]
    assert not lebak[columns.index("jaminan_sosial")][0].empty
    assert lebak[columns.index("budaya_usaha")][0].empty
    assert rows["36.03"]["total"].empty
    response = client_for(official).get("/dasbor/?fiscal_year=2024")
    html = response.content.decode()
    assert 'data-empty="1"' in html and "kosong" in html
