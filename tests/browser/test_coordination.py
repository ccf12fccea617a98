"""Headless Chromium walk of the quarterly coordination cycle.

koordinator.lebak records an intervention with linked lines, adds a roadmap
action and an obstacle, submits the quarter; koordinator.provinsi returns it
with a comment; Lebak corrects and resubmits; the province verifies; the
report downloads. Screenshots go to var/artifacts/screenshots/.
"""

import io
import re
from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOT_DIR, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO_PASSWORD = "tkpkd-demo"


def _shot(page, name):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"coordination-{name}.png"), full_page=True)


def _login(page, base, username):
    page.context.clear_cookies()
    login(page, base, username, DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/masuk/" not in url)


def test_quarter_cycle_from_lebak_to_province_and_back(page, portal):
    base = portal
    try:
        _walk(page, base)
    except Exception:
        _shot(page, "failure")
        raise


def _walk(page, base):
    from openpyxl import load_workbook

    from programs.models import Intervention
    from roadmap.models import (
        Obstacle,
        QuarterSubmission,
        RoadmapAction,
        VerificationEvent,
    )

    _login(page, base, "koordinator.lebak")

    # 1. an intervention, then two of Lebak's 2024 lines linked to it
    page.goto(f"{base}/intervensi/tambah/")
    page.select_option("#id_region", "36.02")
    page.fill("#id_fiscal_year", "2024")
    page.fill("#id_name", "Bedah Rumah Desil 1 Malingping")
    page.select_option("#id_pillar", index=1)
    page.fill("#id_target_group", "Rumah tangga desil 1")
    page.fill("#id_beneficiaries_target", "150")
    page.select_option("#id_status", "berjalan")
    _shot(page, "01-intervention-form")
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/intervensi/\d+/$"))
    page.click(".actions a:has-text('Tautkan baris anggaran')")
    page.wait_for_url("**/baris/")
    boxes = page.locator("input[name=add]")
    assert boxes.count() > 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    _shot(page, "02-link-lines")
    page.click("text=Simpan tautan")
    page.wait_for_url(re.compile(r"/intervensi/\d+/$"))
    intervention = Intervention.objects.get(name="Bedah Rumah Desil 1 Malingping")
    assert intervention.budget_lines.count() == 2
    _shot(page, "03-intervention-detail")

    # 2. a roadmap action on Lebak's 2024 roadmap
    page.goto(f"{base}/peta-jalan/?region=36.02&fiscal_year=2024")
    page.click("table.table >> text=Peta Jalan Intervensi Kabupaten Lebak 2024")
    page.click(".actions a:has-text('Tambah aksi')")
    page.fill("#id_title", "Pemadanan P3KE dan DTKS 12 desa")
    page.select_option("#id_owner_unit", index=1)
    page.select_option("#id_target_quarter", "1")
    page.select_option("#id_status", "berjalan")
    page.fill("#id_progress", "40")
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/peta-jalan/\d+/$"))
    assert RoadmapAction.objects.filter(title="Pemadanan P3KE dan DTKS 12 desa").exists()
    _shot(page, "04-roadmap-detail")

    # 3. an obstacle blocking the intervention
    page.goto(f"{base}/hambatan/tambah/")
    page.select_option("#id_region", "36.02")
    page.fill("#id_fiscal_year", "2024")
    page.fill("#id_title", "Tukang bangunan desa belum tersedia")
    page.select_option("#id_category", "sdm")
    page.select_option("#id_intervention", str(intervention.pk))
    page.fill("#id_responsible", "DPMD Kabupaten Lebak")
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/hambatan/\d+/$"))
    assert Obstacle.objects.filter(title="Tukang bangunan desa belum tersedia").exists()

    # 4. open and submit quarter 1
    page.goto(f"{base}/verifikasi/?fiscal_year=2024")
    page.select_option("#id_region", "36.02")
    page.fill("#id_fiscal_year", "2024")
    page.select_option("#id_quarter", "1")
    page.click("text=Buka triwulan >> nth=-1")
    page.wait_for_url(re.compile(r"/verifikasi/\d+/$"))
    page.fill("#id_comment", "Data triwulan I Lebak")
    page.click("text=Ajukan ke provinsi")
    page.wait_for_url(re.compile(r"/verifikasi/\d+/$"))
    submission = QuarterSubmission.objects.get(region_id="36.02", fiscal_year=2024, quarter=1)
    assert submission.status == "submitted"
    _shot(page, "05-submitted")

    # 5. the province returns it with a comment
    _login(page, base, "koordinator.provinsi")
    page.goto(f"{base}/verifikasi/?fiscal_year=2024")
    _shot(page, "06-province-board")
    page.goto(f"{base}/verifikasi/{submission.pk}/")
    page.click("text=Kembalikan")  # without a comment: refused with a message
    assert page.locator(".alert-error").count() >= 1
    page.fill("#id_comment", "Capaian triwulan I intervensi bedah rumah belum diisi.")
    page.click("text=Kembalikan")
    page.wait_for_url(f"**/verifikasi/{submission.pk}/")
    submission.refresh_from_db()
    assert submission.status == "returned"
    _shot(page, "07-returned")

    # 6. Lebak corrects (quarter progress) and resubmits
    _login(page, base, "koordinator.lebak")
    page.goto(f"{base}/verifikasi/{submission.pk}/")
    assert "belum diisi" in page.content()
    page.goto(f"{base}/intervensi/{intervention.pk}/")
    page.select_option("#id_quarter", "1")
    page.fill("#id_reached", "35")
    page.click("text=Simpan capaian")
    page.wait_for_url(f"**/intervensi/{intervention.pk}/")
    intervention.refresh_from_db()
    assert intervention.beneficiaries_reached == 35
    page.goto(f"{base}/verifikasi/{submission.pk}/")
    page.fill("#id_comment", "Capaian sudah diisi")
    page.click("text=Ajukan ke provinsi")
    page.wait_for_url(f"**/verifikasi/{submission.pk}/")

    # 7. the province verifies; the quarter is locked
    _login(page, base, "koordinator.provinsi")
    page.goto(f"{base}/verifikasi/{submission.pk}/")
    page.click("button:has-text('Verifikasi')")
    page.wait_for_url(f"**/verifikasi/{submission.pk}/")
    submission.refresh_from_db()
    assert submission.status == "verified"
    assert list(VerificationEvent.objects.filter(submission=submission).order_by("id")
                .values_list("action", flat=True)) == [
        "open", "submit", "return", "submit", "verify"]
    _shot(page, "08-verified")
    page.goto(f"{base}/intervensi/{intervention.pk}/")
    assert "Terkunci" in page.content()

    # 8. the report: printable page and XLSX download
    page.goto(f"{base}/laporan/triwulan/?region=36.02&fiscal_year=2024&quarter=1")
    assert "Pagu dan realisasi menurut pilar" in page.content()
    _shot(page, "09-report")
    with page.expect_download() as info:
        page.click("text=Unduh (XLSX)")
    download = info.value
    assert download.suggested_filename == "laporan-triwulan-36.02-2024-T1.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames == ["Ringkasan", "Intervensi", "Aksi Peta Jalan", "Hambatan",
                                   "Verifikasi"]
    verification = list(workbook["Verifikasi"].iter_rows(values_only=True))
    assert any(row[1] == "Diverifikasi" for row in verification if len(row) > 1)
