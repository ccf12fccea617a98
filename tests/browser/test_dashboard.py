"""Headless Chromium: a Pejabat opens the dashboard before a Rakor."""

from pathlib import Path

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("var/artifacts/screenshots")


@pytest.fixture
def dash_page(page, portal):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, portal, "pejabat", "tkpkd-demo")
    page.errors = errors
    return page


def test_official_reads_the_dashboard_and_follows_a_figure_to_its_source(dash_page, portal):
    dash_portal = portal
    page = dash_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(dash_portal + "/dasbor/?fiscal_year=2024")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    # charts: canvases drawn with a size
    for chart in ("chart-pillar", "chart-strategy", "chart-unit", "chart-yoy", "chart-roadmap"):
        box = page.locator(f"#{chart}").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, chart
    # map: one SVG path per kab/kota, with geometry
    paths = page.locator("#map svg path.region-shape")
    assert paths.count() == 8
    assert len(paths.first.get_attribute("d")) > 50
    page.screenshot(path=str(SHOTS / "dashboard_2024.png"), full_page=True)
    pagu_2024 = page.locator("[data-testid=headline-pagu]").inner_text()

    page.select_option("#f-year", "2023")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert "fiscal_year=2023" in page.url
    assert page.locator("[data-testid=headline-pagu]").inner_text() != pagu_2024
    page.screenshot(path=str(SHOTS / "dashboard_2023.png"), full_page=True)

    # the Rakor headline, one click away
    page.click("text=APBD Pemerintah Provinsi saja")
    assert page.locator("[data-testid=headline-pagu]").inner_text() == "Rp2,2 triliun"

    # click Lebak on the map
    page.goto(dash_portal + "/dasbor/?fiscal_year=2024")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    page.locator("#map svg path[data-kode='36.02']").click(force=True)
    page.wait_for_url("**/dasbor/36.02/**")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    page.screenshot(path=str(SHOTS / "dashboard_lebak.png"), full_page=True)

    # follow a figure down to a line and its origin
    page.locator("#panel-pilar tbody a").first.click()
    page.wait_for_url("**/anggaran/baris/**")
    assert "region=36.02" in page.url
    page.locator("table tbody a").first.click()
    page.wait_for_url("**/anggaran/baris/*/")
    assert "Asal data" in page.content()
    page.screenshot(path=str(SHOTS / "dashboard_line_origin.png"), full_page=True)
    assert not page.errors, page.errors
