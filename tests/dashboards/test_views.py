"""Dashboard pages: access per persona, drill-down scope, query bounds, downloads."""

import io

import pytest
from openpyxl import load_workbook

from tests.dashboards.util import make_unit
from tests.factories import BudgetLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_regions(banten):
    lebak = make_unit("36.02", "Dinas Sosial Lebak")
    tangerang = make_unit("36.03", "Dinkes Tangerang")
    BudgetLineFactory(region_id="36.02", unit=lebak, sub_unit=lebak)
    BudgetLineFactory(region_id="36.03", unit=tangerang, sub_unit=tangerang)
    BudgetLineFactory(region_id="36.03", unit=tangerang, sub_unit=tangerang, fiscal_year=2023)


def test_official_sees_the_province_dashboard(client_for, official, two_regions):
    response = client_for(official).get("/dasbor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dinkes Tangerang" in html and "Dinas Sosial Lebak" in html
    assert 'id="dashboard-data"' in html
    assert "<script>" not in html.replace('<script id="dashboard-data" type="application/json">', "")


def test_lebak_coordinator_gets_404_for_another_region(client_for, lebak_coordinator, two_regions):
    assert client_for(lebak_coordinator).get("/dasbor/36.03/").status_code == 404
    assert client_for(lebak_coordinator).get("/dasbor/36.02/").status_code == 200


def test_lebak_coordinator_province_dashboard_shows_only_lebak(
    client_for, lebak_coordinator, two_regions
):
    response = client_for(lebak_coordinator).get("/dasbor/?wilayah=36.03")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dinkes Tangerang" not in html
    assert "Dinas Sosial Lebak" in html
    assert "tidak berwenang" in html


def test_drill_down_never_shows_another_regions_lines(client_for, lebak_coordinator, two_regions):
    response = client_for(lebak_coordinator).get("/anggaran/baris/?region=36.03")
    assert "Dinkes Tangerang" not in response.content.decode()


def test_unscoped_user_sees_nothing(client_for, unscoped_user, two_regions):
    assert client_for(unscoped_user).get("/dasbor/").status_code == 403


def test_figures_link_to_the_line_list_with_the_same_filters(client_for, official, two_regions):
    html = client_for(official).get("/dasbor/?fiscal_year=2024&pillar=none").content.decode()
    assert "/anggaran/baris/?fiscal_year=2024&amp;region=36&amp;pillar=none" in html


@pytest.mark.parametrize("url", ["/dasbor/", "/dasbor/36.02/", "/dasbor/?wilayah=pemda:36"])
def test_query_count_is_bounded(client_for, official, two_regions, django_assert_max_num_queries, url):
    client = client_for(official)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "panel",
    ["ringkasan", "pilar", "strategi", "wilayah", "opd", "tahunan", "konvergensi-pilar",
     "konvergensi-bidang", "peta-jalan", "hambatan", "kesegaran"],
)
def test_each_panel_downloads_as_xlsx_with_filters_stamped(client_for, official, two_regions, panel):
    response = client_for(official).get(f"/dasbor/unduh/{panel}/?fiscal_year=2024&region=36.02")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    stamp = {row[0]: row[1] for row in book["Keterangan"].iter_rows(values_only=True)}
    assert "region=36.02" in stamp["Filter"] and "fiscal_year=2024" in stamp["Filter"]


def test_bad_filters_get_a_message_not_an_error(client_for, official, two_regions):
    response = client_for(official).get("/dasbor/?fiscal_year=abc&stage=zzz&unit=x&ukuran=<b>")
    assert response.status_code == 200
    assert "tidak dikenal" in response.content.decode()
