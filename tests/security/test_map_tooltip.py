"""The map's region labels are built from text nodes: a region name holding
markup is shown as text, never parsed as HTML."""

from pathlib import Path

import pytest

from regions.models import Region
from tests.browser.conftest import login

JS = Path(__file__).resolve().parents[2] / "dashboards/static/js/dashboard.js"


def test_the_map_script_builds_no_html_strings():
    source = JS.read_text(encoding="utf-8")
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert '"<br>' not in source and "<strong>" not in source
    assert "createTextNode" in source


@pytest.mark.browser
@pytest.mark.slow
def test_a_region_name_with_markup_is_shown_as_text(page, portal):
    Region.objects.filter(code="36.02").update(
        name='Kabupaten Lebak<img id="disusupkan" src="x">'
    )
    login(page, portal, "pejabat", "tkpkd-demo")
    page.goto(portal + "/dasbor/?fiscal_year=2024")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert page.locator("#disusupkan").count() == 0
    labels = page.locator(".map-label").all_inner_texts()
    assert any('Lebak<img id="disusupkan" src="x">' in text for text in labels), labels
