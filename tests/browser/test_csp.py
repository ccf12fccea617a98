"""In a real browser, the pages work under the Content-Security-Policy: no
violation on any page a user can open, and the script-driven bits still work.

Part of the production-readiness tests (tests/production/); it lives here to
share the session's one Chromium with the other browser tests."""

import pytest

from tests.browser.conftest import login
from tests.production.urlsweep import all_routes

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _page_paths():
    """Every parameterless page (not API, not admin), plus a few more."""
    paths = {"/", "/admin/", "/tidak-ada-halaman/"}
    for route in all_routes():
        if not route.path or route.kwargs or route.is_api or route.is_admin:
            continue
        if route.name in {"logout", "set_language", "healthz"}:
            continue
        paths.add(route.path)
    return sorted(paths)


def test_no_csp_violation_on_any_page(page, portal):
    page.context.add_init_script(WATCH)
    console = []
    page.on(
        "console",
        lambda msg: console.append(msg.text)
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
        else None,
    )
    page.goto(f"{portal}/masuk/")
    assert page.evaluate("window.__csp") == []
    login(page, portal, "admin", "tkpkd-demo")
    violations = {}
    for path in _page_paths():
        # POST-only views (405) and downloads are not pages: ask first.
        probe = page.request.get(f"{portal}{path}", max_redirects=0)
        assert probe.status < 500, (path, probe.status)
        if probe.status not in (200, 404) or "text/html" not in probe.headers.get(
            "content-type", ""
        ):
            continue
        response = page.goto(f"{portal}{path}")
        assert response is not None and response.status < 500, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        found = page.evaluate("window.__csp")
        if found:
            violations[path] = found
    assert not violations, violations
    assert not console, console


def test_share_bars_and_language_switch_work_under_the_policy(page, portal):
    login(page, portal, "koordinator.provinsi", "tkpkd-demo")
    page.goto(f"{portal}/")
    bars = page.locator("meter.bar")
    assert bars.count() > 0
    assert bars.first.bounding_box()["width"] > 10
    # The language switch submits from static/js/portal.js (no inline handler).
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
