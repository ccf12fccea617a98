"""Headless Chromium: a Pejabat opens the dashboard before a Rakor."""

import os
from pathlib import Path

import pytest

from tests.services import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("var/artifacts/screenshots")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture
def dash_portal(live_server, transactional_db):
    from django.core.management import call_command

    from budgets.demo import demo_seed

    call_command("load_regions", prefix="36", verbosity=0)
    demo_seed()
    return live_server.url


@pytest.fixture
def dash_page(dash_portal):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(dash_portal + "/masuk/")
        page.fill("input[name=username]", "pejabat")
        page.fill("input[name=password]", "tkpkd-demo")
        page.click("button[type=submit]")
        page.errors = errors
        yield page
        browser.close()


def test_official_reads_the_dashboard_and_follows_a_figure_to_its_source(dash_page, dash_portal):
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
