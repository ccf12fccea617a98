"""Headless Chromium: a region name holding markup is shown as text on the map
(issue 13; the static check is tests/security/test_map_tooltip.py)."""

import pytest

from regions.models import Region
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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
