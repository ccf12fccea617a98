"""Staf Data imports the SIPD sample in a real browser, sees the preview, confirms,
sees the province total change, downloads an error workbook, and rolls back."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.importers.workbooks import REKAP_HEADERS, Sheet, rekap_rows, xlsx_bytes

from .conftest import login

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "fixtures_files" / "sipd_rekap_pagu_sample.xlsx"
if not SAMPLE.exists():
    SAMPLE = ROOT.parent / "shared" / "samples" / "sipd_rekap_pagu_sample.xlsx"
SHOTS = ROOT / "var" / "artifacts" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"import_{name}.png"), full_page=True)


def total(page, base):
    page.goto(f"{base}/")
    return page.get_by_test_id("total-pagu").inner_text().strip()


def test_staff_imports_previews_confirms_and_rolls_back(page, portal, tmp_path):
    login(page, portal, "staf.data", "tkpkd-demo")
    assert total(page, portal) == "Rp1.700.000.000.000"

    page.goto(f"{portal}/anggaran/impor/unggah/")
    page.set_input_files("input[name='file']", str(SAMPLE))
    expect(page.locator("#dropzone-text")).to_contain_text("sipd_rekap_pagu_sample.xlsx")
    page.select_option("select[name='region']", "36")
    shot(page, "1_form")
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_load_state()
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#status-label")).to_have_text("Pratinjau")
    expect(page.locator("#progress-text")).to_contain_text("60 dari 60")
    expect(page.locator("#diff-new")).to_contain_text("halaman 1 dari 2")
    # The warnings are read before the decision: they stand above the button.
    if page.locator("#warnings").count():
        assert page.locator("#warnings").bounding_box()["y"] < page.locator(
            "#confirm-button").bounding_box()["y"]
    shot(page, "2_preview")
    page.get_by_role("button", name="Konfirmasi dan simpan").click()
    page.wait_for_load_state()
    expect(page.locator("#status-label")).to_have_text("Tersimpan")
    shot(page, "3_committed")
    batch_url = page.url
    assert total(page, portal) == "Rp1.725.000.000.000"
    shot(page, "4_home_after")

    # A file with errors: refused whole, grouped errors, error workbook.
    rows = rekap_rows(3)
    rows[1][REKAP_HEADERS.index("PAGU")] = "sejuta"
    bad = tmp_path / "rekap_salah.xlsx"
    bad.write_bytes(xlsx_bytes([Sheet("Sheet1", [list(REKAP_HEADERS)] + rows)]))
    page.goto(f"{portal}/anggaran/impor/unggah/")
    page.set_input_files("input[name='file']", str(bad))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_load_state()
    expect(page.locator("#status-label")).to_have_text("Ditolak")
    expect(page.locator("#errors")).to_contain_text("1 baris: Nilai tidak terbaca")
    shot(page, "5_errors")
    with page.expect_download() as info:
        page.locator("#error-workbook").click()
    data = Path(info.value.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][-1] == "KETERANGAN KESALAHAN" and "Baris 3" in cells[2][-1]

    # Roll the committed batch back: the totals return.
    page.goto(batch_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.check("#rollback-confirm")
    page.locator("#rollback-button").click()
    page.wait_for_load_state()
    expect(page.locator("#status-label")).to_have_text("Dibatalkan")
    shot(page, "6_rolled_back")
    assert total(page, portal) == "Rp1.700.000.000.000"
    page.goto(f"{portal}/anggaran/impor/")
    shot(page, "7_history")
