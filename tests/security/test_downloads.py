"""No download carries a formula or a control character, and none echoes an
unknown query parameter: every panel, list, summary and report, both formats.

The data is hostile (``hostile_world``: formulas and control characters in
every text field), and every URL carries a crafted parameter whose name and
value hold a newline, a vertical tab and a formula.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from core.text import FORMULA_START, has_control
from dashboards.exports import PANELS

pytestmark = pytest.mark.django_db

CRAFTED = "&evil%0A%3DHYPERLINK(%22x%22)=1&%0Bname%01=%3D1%2B1%0A%3DSUM(A1)"
API_LISTS = [
    "regions", "units", "nomenclature", "funding-sources", "accounts", "budget-lines",
    "tags", "pillars", "strategies", "strategy-focuses", "interventions", "roadmaps",
    "roadmap-actions", "obstacles", "meetings", "decisions",
]


def assert_safe_xlsx(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not has_control(cell.value.replace("\t", "").replace("\n", "")
                                           .replace("\r", "")), cell.value
    stamp = {}
    if "Keterangan" in book.sheetnames:
        stamp = {r[0]: r[1] for r in book["Keterangan"].iter_rows(values_only=True)}
    else:  # the quarterly report stamps the top of every sheet
        stamp = {r[0]: r[1] for r in book.worksheets[0].iter_rows(max_row=5, values_only=True)}
    return stamp


def assert_safe_csv(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    lines = text.split("\n")
    stamp = []
    while lines and lines[0].startswith("#"):
        stamp.append(lines.pop(0))
    assert stamp, "the CSV has its stamp lines"
    for line in lines:
        assert not line.startswith(FORMULA_START[:4]), line
    for row in csv.reader(io.StringIO("\n".join(lines))):
        for value in row:
            assert not value.startswith(FORMULA_START), value
            assert not has_control(value.replace("\t", "").replace("\n", "")
                                   .replace("\r", "")), value
    return stamp


def assert_nothing_echoed(stamp_text: str):
    assert "HYPERLINK" not in stamp_text and "evil" not in stamp_text
    assert "SUM(A1)" not in stamp_text and "name" not in stamp_text


@pytest.fixture
def api(hostile_world, province_coordinator, api_client_for):
    return api_client_for(province_coordinator)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("resource", API_LISTS)
def test_api_list_download_is_safe_and_echoes_no_unknown_parameter(api, resource, fmt):
    response = api.get(f"/api/v1/{resource}/?format={fmt}{CRAFTED}")
    assert response.status_code == 200, response.content[:500]
    if fmt == "xlsx":
        stamp = assert_safe_xlsx(response.content)
        assert_nothing_echoed(str(stamp.get("Filter")))
    else:
        assert_nothing_echoed("\n".join(assert_safe_csv(response.content)))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_api_summary_download_is_safe_and_stamps_known_filters_only(api, fmt):
    response = api.get(
        f"/api/v1/budget-lines/summary/?group_by=pillar&region=36.02&format={fmt}{CRAFTED}"
    )
    assert response.status_code == 200, response.content[:500]
    if fmt == "xlsx":
        stamp = str(assert_safe_xlsx(response.content).get("Filter"))
    else:
        stamp = "\n".join(assert_safe_csv(response.content))
    assert_nothing_echoed(stamp)
    assert "region=36.02" in stamp and "group_by=pillar" in stamp


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("panel", sorted(PANELS))
def test_dashboard_panel_download_is_safe(hostile_world, official, client_for, panel, fmt):
    response = client_for(official).get(
        f"/dasbor/unduh/{panel}/?format={fmt}&fiscal_year=2024{CRAFTED}"
    )
    assert response.status_code == 200
    if fmt == "xlsx":
        stamp = str(assert_safe_xlsx(response.content).get("Filter"))
    else:
        stamp = "\n".join(assert_safe_csv(response.content))
    assert_nothing_echoed(stamp)


def test_quarterly_report_xlsx_is_safe(hostile_world, province_coordinator, client_for):
    url = reverse("roadmap:report")
    response = client_for(province_coordinator).get(
        f"{url}?region=36.02&fiscal_year=2024&quarter=4&format=xlsx{CRAFTED}"
    )
    assert response.status_code == 200
    stamp = assert_safe_xlsx(response.content)
    assert_nothing_echoed(str(stamp))


def test_csv_filter_stamp_is_one_line_whatever_the_filter_holds():
    from budgets.exports import Column, write_csv

    body = write_csv(
        title="t\n=1", columns=[Column("a", "A")], rows=[{"a": "=2"}],
        filters={"x": 'y\r\n=HYPERLINK("z")', "k\n=1": "v"},
    )
    lines = body.splitlines()
    header_at = lines.index("A")
    assert all(line.startswith("# ") for line in lines[:header_at])
    assert lines[header_at + 1] == "'=2"


def test_every_file_writer_goes_through_the_one_guard():
    """A module that builds a workbook or a CSV imports ``core.text.export_text``
    (or the portal's writer, which does), so writers added later are guarded too."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    writers = []
    for path in root.glob("*/**/*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/", "var/")) or "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        if "Workbook(" in text or "csv.writer(" in text or "csv.DictWriter(" in text:
            writers.append(rel)
    assert "budgets/exports.py" in writers and "roadmap/report.py" in writers
    # Not the portal's own downloads: the COPY staging text of the import commit,
    # the kept copy of an uploaded realisation report (its cells as uploaded, the
    # personal columns emptied), and the developer's script that rebuilds the
    # demo's shipped reference CSV.
    pending = {"budgets/line_bulk.py", "budgets/importers/redact.py",
               "budgets/demo_data/build_nomenclature_real.py"}
    for rel in writers:
        if rel in pending:
            continue
        assert "export_text" in (root / rel).read_text(encoding="utf-8"), rel
