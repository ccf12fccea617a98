"""A pemda's budget for a year is its latest stage, taken per pemda: no total
ever adds stages (DOMAIN.md 4: each stage is a complete snapshot)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.db.models import Sum
from django.test import override_settings

from budgets.models import BudgetLine
from budgets.summary import budget_summary_refresh
from tests.dashboards.util import make_unit
from tests.factories import AccountFactory, BudgetLineFactory, NomenclatureFactory

PEMDA = ("36", "36.02", "36.03")
YEARS = (2023, 2024)
STAGES = ("murni", "pergeseran-01", "pergeseran-02", "perubahan", "perubahan-pergeseran-01")


@pytest.fixture
def kit(banten):
    units = {code: make_unit(code) for code in PEMDA}
    subs = {year: NomenclatureFactory(code="1.06.05.2.02.0001", fiscal_year=year) for year in YEARS}
    accounts = [AccountFactory(code=f"5.1.02.01.01.{i:04d}") for i in range(1, 9)]
    return units, subs, accounts


def _line(kit, region, year, stage, pagu, account=0, realisasi="0"):
    units, subs, accounts = kit
    return BudgetLineFactory(
        region_id=region, unit=units[region], sub_unit=units[region], sub_kegiatan=subs[year],
        fiscal_year=year, stage=stage, account=accounts[account],
        pagu=Decimal(pagu), realisasi=Decimal(realisasi),
    )


def _figures(user, api_client, web_client, params):
    """The API summary total, the dashboard's headline and the line list's total."""
    api = api_client.get("/api/v1/budget-lines/summary/", params)
    assert api.status_code == 200, api.content
    dash = web_client.get("/dasbor/", dict(params, wilayah="36"))
    assert dash.status_code == 200
    listing = web_client.get("/anggaran/baris/", params)
    assert listing.status_code == 200
    list_total = listing.context["filterset"].qs.aggregate(p=Sum("pagu"))["p"] or Decimal("0")
    return (
        Decimal(api.json()["totals"]["pagu"]),
        dash.context["dash"].headline.pagu,
        list_total,
        listing.context["summary"].pagu,
    )


lines_strategy = st.lists(
    st.tuples(
        st.sampled_from(PEMDA), st.sampled_from(YEARS), st.sampled_from(STAGES),
        st.integers(min_value=0, max_value=7), st.integers(min_value=0, max_value=10**9),
    ),
    min_size=1, max_size=25,
    unique_by=lambda t: t[:4],
)


def test_every_total_is_the_sum_of_each_pemda_years_latest_stage(
    kit, province_coordinator, api_client_for, client_for
):
    api_client = api_client_for(province_coordinator)
    web_client = client_for(province_coordinator)

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(rows=lines_strategy, year=st.sampled_from(YEARS))
    def check(rows, year):
        BudgetLine.objects.all().delete()
        for region, y, stage, account, pagu in rows:
            _line(kit, region, y, stage, pagu, account=account)
        latest = {}
        for region, y, stage, _a, _p in rows:
            latest[region, y] = max(stage, latest.get((region, y), stage))
        expected = sum(
            (Decimal(p) for region, y, stage, _a, p in rows
             if y == year and stage == latest[region, y]),
            Decimal("0"),
        )
        params = {"fiscal_year": str(year)}
        # From the lines (every scope dirty), then from the summary table.
        with override_settings(BUDGET_SUMMARY_TABLE=False):
            assert _figures(province_coordinator, api_client, web_client, params) == (expected,) * 4
        budget_summary_refresh()
        assert _figures(province_coordinator, api_client, web_client, params) == (expected,) * 4
        assert _figures(
            province_coordinator, api_client, web_client, dict(params, stage="terakhir")
        ) == (expected,) * 4

    check()


def test_murni_and_pergeseran_of_the_same_total_count_once_as_the_pergeseran(
    kit, province_coordinator, api_client_for, client_for
):
    # The real Buru case: pergeseran 1 moved money between lines, same total.
    _line(kit, "36.02", 2024, "murni", "600", account=0)
    _line(kit, "36.02", 2024, "murni", "400", account=1)
    _line(kit, "36.02", 2024, "pergeseran-01", "550", account=0)
    _line(kit, "36.02", 2024, "pergeseran-01", "450", account=1)
    api, web = api_client_for(province_coordinator), client_for(province_coordinator)
    params = {"fiscal_year": "2024"}
    assert _figures(province_coordinator, api, web, params) == (Decimal("1000"),) * 4
    budget_summary_refresh()
    assert _figures(province_coordinator, api, web, params) == (Decimal("1000"),) * 4
    listing = web.get("/anggaran/baris/", params)
    assert {line.stage for line in listing.context["filterset"].qs} == {"pergeseran-01"}
    by_pemda = api.get("/api/v1/budget-lines/summary/", dict(params, group_by="stage")).json()
    assert [(r["key"]["stage"], r["pagu"]) for r in by_pemda["rows"]] == [("pergeseran-01", "1000.00")]


def test_an_explicit_stage_shows_only_that_stage_and_a_pemda_without_it_shows_nothing(
    kit, province_coordinator, api_client_for, client_for
):
    _line(kit, "36.02", 2024, "murni", "100")
    _line(kit, "36.02", 2024, "pergeseran-01", "120")
    _line(kit, "36.03", 2024, "murni", "70")
    api, web = api_client_for(province_coordinator), client_for(province_coordinator)
    for refresh in (False, True):
        if refresh:
            budget_summary_refresh()
        assert _figures(province_coordinator, api, web, {"fiscal_year": "2024", "stage": "murni"}) \
            == (Decimal("170"),) * 4
        assert _figures(
            province_coordinator, api, web, {"fiscal_year": "2024", "stage": "pergeseran-01"}
        ) == (Decimal("120"),) * 4
        tangerang = api.get("/api/v1/budget-lines/summary/",
                            {"fiscal_year": "2024", "stage": "pergeseran-01", "pemda": "36.03"})
        totals = tangerang.json()["totals"]
        assert (totals["pagu"], totals["lines"]) == ("0.00", 0)
        listed = api.get("/api/v1/budget-lines/", {"stage": "pergeseran-01", "pemda": "36.03"})
        assert listed.json()["count"] == 0


def test_each_pemda_counts_its_own_latest_stage(
    kit, province_coordinator, api_client_for, client_for
):
    _line(kit, "36.02", 2024, "murni", "100")
    _line(kit, "36.02", 2024, "pergeseran-01", "110")
    _line(kit, "36.02", 2024, "pergeseran-02", "130")
    _line(kit, "36.03", 2024, "murni", "40")
    api, web = api_client_for(province_coordinator), client_for(province_coordinator)
    for refresh in (False, True):
        if refresh:
            budget_summary_refresh()
        assert _figures(province_coordinator, api, web, {"fiscal_year": "2024"}) \
            == (Decimal("170"),) * 4
        rows = api.get("/api/v1/budget-lines/summary/",
                       {"fiscal_year": "2024", "group_by": "region,stage"}).json()["rows"]
        assert [(r["key"]["region"], r["key"]["stage"], r["pagu"]) for r in rows] == [
            ("36.02", "pergeseran-02", "130.00"), ("36.03", "murni", "40.00"),
        ]


def test_a_line_of_an_earlier_stage_is_still_found_by_its_id(
    kit, province_coordinator, api_client_for, client_for
):
    murni = _line(kit, "36.02", 2024, "murni", "100")
    _line(kit, "36.02", 2024, "pergeseran-01", "120")
    assert api_client_for(province_coordinator).get(
        f"/api/v1/budget-lines/{murni.pk}/").status_code == 200
    assert client_for(province_coordinator).get(murni.get_absolute_url()).status_code == 200


def test_the_dashboard_lists_the_latest_stage_first_and_says_which_stage_it_counts(
    kit, province_coordinator, client_for
):
    _line(kit, "36.02", 2024, "murni", "100")
    web = client_for(province_coordinator)
    html = web.get("/dasbor/").content.decode()
    assert '<option value="" selected>Tahapan terakhir per pemda</option>' in html
    assert 'value="pergeseran-02"' in html and 'value="pergeseran"' not in html
    assert "tahapan terakhir tiap pemda" in html.lower()
    chosen = web.get("/dasbor/", {"stage": "murni"}).content.decode()
    assert 'value="murni" selected' in chosen
    assert "tahapan Murni" in chosen
