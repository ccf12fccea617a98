"""The map's region labels are built from text nodes: a region name holding
markup is shown as text, never parsed as HTML. (The same in a real browser:
tests/browser/test_map_label.py.)"""

from pathlib import Path

JS = Path(__file__).resolve().parents[2] / "dashboards/static/js/dashboard.js"


def test_the_map_script_builds_no_html_strings():
    source = JS.read_text(encoding="utf-8")
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert '"<br>' not in source and "<strong>" not in source
    assert "createTextNode" in source
