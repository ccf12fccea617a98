"""What a person sees and does around a batch: control characters cleaned before
anything is stored, every preview row through pages (page and API), a preview
discarded, and other SIPD exports refused with the parser's message."""

import io
from decimal import Decimal

import pytest

from django.urls import reverse

from budgets.importers import FileRejected, parse_file
from budgets.imports.parse import parsed_path
from budgets.imports.preview import preview_path
from budgets.models import (
    Account,
    BudgetLine,
    ImportBatch,
    ImportStatus,
    Nomenclature,
    Unit,
)
from tests.importers.workbooks import REKAP_HEADERS, Sheet, rekap_rows, xlsx_bytes

from .import_helpers import upload

pytestmark = pytest.mark.django_db

H = REKAP_HEADERS.index


def recap(rows) -> bytes:
    return xlsx_bytes([Sheet("Sheet1", [REKAP_HEADERS, *rows])])


def test_a_cell_holding_u0000_or_its_escape_is_cleaned_and_the_batch_commits(data_staff):
    rows = rekap_rows(3)
    rows[0][H("NAMA SUB KEGIATAN")] = "Pendataan\x00 Fakir Miskin"
    rows[0][H("NAMA PAKET/KELOMPOK")] = "Paket\x00 1"
    rows[1][H("NAMA REKENING")] = "Belanja_x0000_ Bansos"
    rows[2][H("NAMA SKPD")] = "DINAS\x00 SOSIAL"
    batch = upload(data_staff, recap(rows))
    assert batch.status == ImportStatus.PREVIEW and batch.errors == []
    assert any(w["code"] == "control_chars_removed" for w in batch.warnings)
    from budgets import imports

    imports.import_batch_commit(user=data_staff, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    texts = [
        *Nomenclature.objects.values_list("name", flat=True),
        *Unit.objects.values_list("name", flat=True),
        *Account.objects.values_list("name", flat=True),
        *(str(items) for items in BudgetLine.objects.values_list("items", flat=True)),
        str(batch.preview), str(batch.warnings), batch.message,
    ]
    assert not [t for t in texts if "\x00" in t or "_x0000_" in t]
    assert "Pendataan Fakir Miskin" in texts and "DINAS SOSIAL" in texts


def _many(data_staff, n=120):
    batch = upload(data_staff, recap(rekap_rows(n)))
    assert batch.status == ImportStatus.PREVIEW and batch.created == n
    return batch


def test_the_preview_page_shows_the_second_page_of_new_rows(client_for, data_staff):
    batch = _many(data_staff)
    c = client_for(data_staff)
    resp = c.get(reverse("budgets:import-detail", args=[batch.pk]) + "?baru=2")
    assert resp.status_code == 200
    page = resp.context["pages"]["new"]
    assert (page["page"], page["pages"], page["total"]) == (2, 3, 120)
    assert [r["rekening"] for r in page["rows"]] == [
        f"5.1.06.01.01.{i:04d}" for i in range(51, 101)]
    text = resp.content.decode()
    assert "5.1.06.01.01.0051" in text and "5.1.06.01.01.0101" not in text


def test_the_api_gives_every_preview_row_a_page_at_a_time(data_staff):
    from rest_framework.test import APIClient

    batch = _many(data_staff)
    api = APIClient()
    api.force_authenticate(data_staff)
    resp = api.get(f"/api/v1/imports/{batch.pk}/preview/new/?page=2")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["page"], body["pages"], body["total"], body["complete"]) == (2, 2, 120, True)
    assert [r["rekening"] for r in body["rows"]] == [
        f"5.1.06.01.01.{i:04d}" for i in range(101, 121)]
    small = api.get(f"/api/v1/imports/{batch.pk}/preview/new/?page=3&page_size=50").json()
    assert len(small["rows"]) == 20 and Decimal(small["rows"][0]["new"]) == 1_250_000_000
    assert api.get(f"/api/v1/imports/{batch.pk}/preview/new/?page=x").status_code == 400


def test_a_previewed_batch_can_be_discarded_from_the_page(client_for, data_staff):
    batch = _many(data_staff, n=3)
    assert batch.status == ImportStatus.PREVIEW
    c = client_for(data_staff)
    resp = c.post(reverse("budgets:import-discard", args=[batch.pk]))
    assert resp.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED
    assert not BudgetLine.objects.exists()
    import os

    assert not os.path.exists(parsed_path(batch)) and not os.path.exists(preview_path(batch))
    from budgets import imports

    with pytest.raises(imports.ImportRefused):
        imports.import_batch_commit(user=data_staff, batch=batch)


def test_the_api_discards_a_preview_and_refuses_to_discard_a_committed_batch(data_staff):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(data_staff)
    preview = _many(data_staff, n=3)
    resp = api.post(f"/api/v1/imports/{preview.pk}/discard/")
    assert resp.status_code == 200 and resp.json()["status"] == ImportStatus.DISCARDED
    committed = upload(data_staff, recap(rekap_rows(2, PAGU=5)), commit=True)
    assert committed.status == ImportStatus.COMMITTED
    resp = api.post(f"/api/v1/imports/{committed.pk}/discard/")
    assert resp.status_code == 409 and resp.json()["detail"]
    committed.refresh_from_db()
    assert committed.status == ImportStatus.COMMITTED and BudgetLine.objects.count() == 2


RINCIAN = (
    ["KODE SUB KEGIATAN", "KODE UNIT SKPD", "NAMA UNIT SKPD", "KODE SKPD", "KODE AKUN",
     "NAMA AKUN", "KODE STANDAR HARGA", "NAMA STANDAR HARGA",
     "PAKET/KELOMPOK BELANJA/TAGGING (#)", "KETERANGAN BELANJA/AKTIVITAS (-)",
     "SUMBER DANA", "SPESIFIKASI", "KOEFISIEN", "SATUAN", "HARGA SATUAN", "TOTAL HARGA",
     "UNIT KERJA"],
    ["1.06.05.2.02.0001", "1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "1.06.0.00.0.00.01.0000",
     "5.1.02.01.01.0024", "Belanja ATK", "1.1.12.01.03.0004.00001", "Kertas HVS",
     "#Paket ATK", "-Rapat", "PAD", "A4 80gr", "10 Rim", "Rim", 65000, 650000, "Sekretariat"],
)
KUA = (["KODE URUSAN", "KODE PROGRAM", "NAMA PROGRAM", "KODE SKPD", "PAGU INDIKATIF"],
       ["1", "1.06.05", "PROGRAM PERLINDUNGAN", "1.06.0.00.0.00.01.0000", 5e9])
SSH = (["KODE STANDAR HARGA", "NAMA STANDAR HARGA", "SPESIFIKASI", "SATUAN", "HARGA SATUAN"],
       ["1.1.12.01.03.0004.00001", "Kertas HVS", "A4 80gr", "Rim", 65000])


@pytest.mark.parametrize(("export", "code"), [
    (RINCIAN, "rincian_belanja_export"), (KUA, "kua_ppas_export"), (SSH, "ssh_export"),
], ids=["rincian belanja", "KUA-PPAS", "SSH"])
def test_other_sipd_exports_are_refused_with_the_parsers_message(
    data_staff, tmp_path, export, code
):
    data = xlsx_bytes([Sheet("Data", [["PEMERINTAH PROVINSI BANTEN TAHUN ANGGARAN 2024"],
                                      *export])])
    path = tmp_path / "o.xlsx"
    path.write_bytes(data)
    with pytest.raises(FileRejected) as parsed:
        parse_file(path, in_child=False)
    batch = upload(data_staff, io.BytesIO(data).getvalue(), name="o.xlsx")
    assert batch.status == ImportStatus.REJECTED
    assert batch.message == parsed.value.message and "SIPD RI" in batch.message
    assert [e["code"] for e in batch.errors] == [code]
    assert batch.errors[0]["message_en"] == parsed.value.message_en
    assert not BudgetLine.objects.exists()
    assert ImportBatch.objects.get().status == ImportStatus.REJECTED


def test_the_preview_pages_of_a_realisation_and_a_cash_plan_batch_render(client_for, data_staff):
    from .real_files import REALISASI
    from .test_cash_plan import rak_bytes

    c = client_for(data_staff)
    realisation = upload(data_staff, REALISASI, name="realisasi.xlsx")
    assert realisation.status == ImportStatus.PREVIEW
    resp = c.get(reverse("budgets:import-detail", args=[realisation.pk]))
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "81.05/02.0/000001/LS/1.01.2.22.0.00.01.0000/M/2/2024" in text
    assert "PEGAWAI CONTOH" not in text and "000000000000000000" not in text
    rak = upload(data_staff, rak_bytes(), name="rak.xlsx", fiscal_year=2024)
    assert rak.status == ImportStatus.PREVIEW
    resp = c.get(reverse("budgets:import-detail", args=[rak.pk]) + "?baru=1")
    assert resp.status_code == 200 and "5.1.02.01.01.0002" in resp.content.decode()


@pytest.mark.parametrize(("title", "region"), [
    ("PEMERINTAH PROVINSI BANTEN TAHUN ANGGARAN 2024", "36"),
    ("PEMERINTAH KABUPATEN LEBAK TAHUN ANGGARAN 2024", "36.02"),
    ("Pemerintah Kabupaten Lebak", "36.02"),
])
def test_a_title_naming_the_chosen_pemda_and_the_year_commits(data_staff, title, region):
    data = xlsx_bytes([Sheet("Sheet1", [[title], [], REKAP_HEADERS, *rekap_rows(2)])])
    batch = upload(data_staff, data, region=region, commit=True)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert batch.fiscal_year == 2024 and BudgetLine.objects.filter(region_id=region).count() == 2


def test_a_committed_realisation_batch_page_lists_its_realisasi_tanpa_pagu(data_staff, client):
    """Spending on a key with no line of the stage in force is shown, not dropped."""
    from tests.budgets.real_files import REAL

    upload(data_staff, REAL / "buru_2024_rekap_murni.xlsx", commit=True)
    batch = upload(data_staff, REAL / "sipd_realisasi_per_dokumen_contoh.xlsx", commit=True)
    client.force_login(data_staff)
    page = client.get(f"/anggaran/impor/{batch.pk}/").content.decode()
    assert 'id="without-pagu"' in page
    assert "5.2.03.01.01.0010" in page and "Rp3.000.000" in page
