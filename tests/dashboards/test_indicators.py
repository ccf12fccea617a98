"""Loading BPS-style poverty indicator tables."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from dashboards.models import PovertyIndicator
from dashboards.services import indicator_import

pytestmark = pytest.mark.django_db

HEADER = ["kode_wilayah", "periode", "indikator", "nilai", "satuan", "sumber"]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_staff_loads_a_table_and_the_map_gets_pagu_per_poor_person(client_for, data_staff):
    data = _xlsx([
        ["3602", "2024-03", "jumlah_miskin", 120.5, "ribu jiwa", "BPS Kabupaten Lebak"],
        ["36.02", "2024-03", "p0", "8,49", "persen", "BPS Kabupaten Lebak"],
    ])
    result = indicator_import(user=data_staff, name="bps.xlsx", data=data)
    assert result.ok, result.errors
    assert PovertyIndicator.objects.count() == 2
    row = PovertyIndicator.objects.get(indicator="jumlah_miskin")
    assert row.persons == 120500


def test_one_bad_row_saves_nothing_and_says_which(data_staff):
    data = _xlsx([
        ["36.02", "2024-03", "p0", "8,49", "persen", "BPS"],
        ["36.99", "2024-3", "p9", "=1+1", "persen", ""],
    ])
    result = indicator_import(user=data_staff, name="bps.xlsx", data=data)
    assert not result.ok
    assert PovertyIndicator.objects.count() == 0
    text = " ".join(result.errors)
    assert "Baris 3" in text and "KODE_WILAYAH" in text and "PERIODE" in text
    assert "rumus" in text and "SUMBER" in text


def test_csv_with_semicolons_is_read(data_staff):
    data = "kode_wilayah;periode;indikator;nilai;satuan;sumber\n36;2024-03;p0;5,84;persen;BPS Banten\n"
    result = indicator_import(user=data_staff, name="bps.csv", data=data.encode())
    assert result.ok, result.errors


def test_a_zip_bomb_is_refused_before_parsing(data_staff):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "0" * 5_000_000)
    result = indicator_import(user=data_staff, name="bom.xlsx", data=out.getvalue())
    assert not result.ok and "rasio kompresi" in result.errors[0]


def test_only_admin_and_staff_may_upload(client_for, official, lebak_coordinator, data_staff):
    assert client_for(official).get("/dasbor/indikator/").status_code == 403
    assert client_for(lebak_coordinator).get("/dasbor/indikator/").status_code == 403
    assert client_for(data_staff).get("/dasbor/indikator/").status_code == 200


def test_without_indicators_the_dashboard_says_so(client_for, official, banten):
    html = client_for(official).get("/dasbor/?ukuran=per_poor").content.decode()
    assert "Belum ada data kemiskinan; unggah tabel BPS." in html
