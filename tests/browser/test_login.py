"""Signing in at /masuk/ in a real browser, in Bahasa Indonesia."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "tkpkd-demo"


def test_pejabat_sees_the_2024_figures_in_indonesian(page, portal):
    login(page, portal, "pejabat", DEMO_PASSWORD)

    expect(page).to_have_url(f"{portal}/")
    body = page.locator("body")
    expect(body).to_contain_text("2024")
    expect(body).to_contain_text("Rp1.700.000.000.000")
    expect(body).to_contain_text("Rp1,7 triliun")
    # "9 OPD" / "OPD: 9" / a card titled OPD showing 9: the count next to its word.
    text = body.inner_text()
    for unit in ("OPD", "UPTD"):
        assert re.search(rf"\b9\s+{unit}\b|\b{unit}\b\D{{0,40}}\b9\b", text), (
            f"expected 9 {unit} on the home page"
        )


def test_wrong_password_shows_an_indonesian_message(page, portal):
    login(page, portal, "pejabat", "bukan-kata-sandinya")

    expect(page).to_have_url(re.compile(r"/masuk/"))
    expect(page.locator("body")).to_contain_text("salah")
    expect(page.locator("input[name='password']")).to_be_visible()
