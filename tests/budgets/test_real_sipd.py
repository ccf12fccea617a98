"""The four real SIPD recaps (tests/fixtures_files/real) through the import
service, checked against their own PAGU column read independently (calamine),
and the recap layouts of SIPD_IMPORT.md 1.1 built from one of them."""

from decimal import Decimal

import pytest

from django.db.models import Sum

from budgets import imports
from budgets.models import BudgetLine, ImportStatus, Nomenclature, Unit
from budgets.stages import Stage
from tests.importers.workbooks import (
    REKAP_HEADERS,
    Sheet,
    rekap_row,
    rekap_rows,
    xlsx_bytes,
)

from .import_helpers import line_state, upload
from .real_files import (
    MURNI_2024,
    MURNI_2025,
    SHIFT_2024,
    SHIFT_2025,
    key_sums,
    no_budget_rows,
    pagu_column_sum,
    recap_copy,
    stored_lines,
)

pytestmark = pytest.mark.django_db

RECAPS = {  # file: (fiscal year, rows without budget)
    MURNI_2024: (2024, 884),
    SHIFT_2024: (2024, 881),
    MURNI_2025: (2025, 830),
    SHIFT_2025: (2025, 830),
}


def stage_total(batch) -> Decimal:
    return BudgetLine.objects.filter(
        region_id=batch.region_id, fiscal_year=batch.fiscal_year, stage=batch.stage
    ).aggregate(s=Sum("pagu"))["s"]


@pytest.mark.parametrize("path", list(RECAPS), ids=lambda p: p.stem)
def test_each_real_recap_commits_in_strict_mode_with_its_pagu_column_total_to_the_sen(
    data_staff, path
):
    year, no_budget = RECAPS[path]
    batch = upload(data_staff, path, name=path.name, commit=True)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert not batch.commit_valid_only and batch.errors == []
    assert batch.fiscal_year == year and batch.stage == Stage.MURNI
    column = pagu_column_sum(path)
    assert stage_total(batch) == column == Decimal(batch.total_pagu)
    keys = key_sums(path)
    assert BudgetLine.objects.filter(stage=batch.stage).count() == len(keys)
    assert batch.preview["lines"] == len(keys) == batch.created
    # Rows without budget: counted, never errors, their nomenclature recorded.
    assert batch.preview["no_budget_rows"] == no_budget == len(no_budget_rows(path))
    assert any(w["code"] == "no_budget" and f"{no_budget} sub kegiatan tanpa anggaran"
               in w["message"] for w in batch.warnings)
    named = {r["KODE SUB KEGIATAN"] for r in no_budget_rows(path) if r["KODE SUB KEGIATAN"]}
    stored = set(Nomenclature.objects.filter(
        fiscal_year=year, level="sub_kegiatan", code__in=named).values_list("code", flat=True))
    assert named and stored == named
    units = {r["KODE SUB UNIT"] for r in no_budget_rows(path)}
    assert set(Unit.objects.filter(region_id="36", code__in=units)
               .values_list("code", flat=True)) == units


def test_a_kegiatan_row_without_sub_kegiatan_or_budget_is_counted_and_recorded(data_staff):
    rows = rekap_rows(2)
    blank = dict.fromkeys(("KODE SUB KEGIATAN", "NAMA SUB KEGIATAN", "KODE SUMBER DANA",
                           "NAMA SUMBER DANA", "KODE REKENING", "NAMA REKENING",
                           "PAKET/KELOMPOK", "NAMA PAKET/KELOMPOK", "PAGU"))
    row = rekap_row(3, **blank, **{"KODE KEGIATAN": "1.06.05.2.03",
                                   "NAMA KEGIATAN": "Kegiatan Tanpa Anggaran"})
    rows.append([row.get(h) for h in REKAP_HEADERS])
    batch = upload(data_staff, xlsx_bytes([Sheet("Sheet1", [REKAP_HEADERS, *rows])]),
                   commit=True)
    assert batch.status == ImportStatus.COMMITTED and batch.errors == []
    assert batch.preview["no_budget_rows"] == 1 and BudgetLine.objects.count() == 2
    node = Nomenclature.objects.get(fiscal_year=2024, level="kegiatan", code="1.06.05.2.03")
    assert node.name == "Kegiatan Tanpa Anggaran"


@pytest.mark.parametrize("path", list(RECAPS), ids=lambda p: p.stem)
def test_a_second_import_of_each_real_recap_changes_nothing_and_says_so(data_staff, path):
    upload(data_staff, path, name=path.name, commit=True)
    before = line_state()
    again = upload(data_staff, path, name=path.name, commit=True)
    assert again.status == ImportStatus.COMMITTED
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == len(key_sums(path))
    assert "Tidak ada perubahan" in again.message
    assert line_state() == before


def test_rows_sharing_a_key_are_summed_exactly_and_the_line_items_hold_them(data_staff):
    batch = upload(data_staff, MURNI_2025, name=MURNI_2025.name, commit=True)
    keys = key_sums(MURNI_2025)
    repeated = {k: v for k, v in keys.items() if v[1] > 1}
    assert len(repeated) > 600  # the real file repeats keys per paket/kelompok
    assert stored_lines(Stage.MURNI, year=2025) == {k: v[0] for k, v in keys.items()}
    assert any(w["code"] == "rows_summed" for w in batch.warnings)
    lines = BudgetLine.objects.filter(fiscal_year=2025).select_related(
        "unit", "sub_unit", "sub_kegiatan", "funding_source", "account")
    for line in lines:
        key = (line.unit.code, line.sub_unit.code, line.sub_kegiatan.code,
               line.funding_source.code, line.account.code)
        total, count = keys[key]
        assert len(line.items) == count
        assert sum((Decimal(i["amount"]) for i in line.items), Decimal(0)) == line.pagu == total
        assert all(i["kind"] in ("Kelompok", "Paket") for i in line.items)
        assert all(i["name"] for i in line.items)


def _preview_lines(batch) -> dict:
    page = imports.preview_page(batch, "new", page=1, per_page=100_000)
    assert page["complete"]
    return {(r["skpd"], r["sub_unit"], r["sub_kegiatan"], r["sumber_dana"], r["rekening"]):
            Decimal(r["new"]) for r in page["rows"]}


PAKET = ("PAKET/KELOMPOK", "NAMA PAKET/KELOMPOK")
LAYOUTS = {
    "21 columns": {"drop": PAKET},
    "standar harga": {"rename": {"PAKET/KELOMPOK": "KODE STANDAR HARGA",
                                 "NAMA PAKET/KELOMPOK": "NAMA STANDAR HARGA"}},
    "without NO": {"drop": ("NO",)},
    "with TAHAPAN": {"add": ("TAHAPAN", "Murni")},
}


def test_the_21_23_and_standar_harga_layouts_of_one_budget_give_the_same_lines(data_staff):
    expected = {k: v[0] for k, v in key_sums(MURNI_2025).items()}
    total = pagu_column_sum(MURNI_2025)
    original = upload(data_staff, MURNI_2025, name=MURNI_2025.name)
    assert original.status == ImportStatus.PREVIEW and original.errors == []
    assert _preview_lines(original) == expected
    for layout, change in LAYOUTS.items():
        batch = upload(data_staff, recap_copy(MURNI_2025, **change), name=f"{layout}.xlsx")
        assert batch.status == ImportStatus.PREVIEW, (layout, batch.message)
        assert batch.errors == [], layout
        assert Decimal(batch.total_pagu) == total, layout
        assert batch.preview["no_budget_rows"] == 830, layout
        assert _preview_lines(batch) == expected, layout
        codes = {w["code"] for w in batch.warnings}
        assert ("stage_unknown" in codes) == (layout != "with TAHAPAN"), layout
        assert batch.stage == Stage.MURNI


def test_a_standar_harga_export_commits_with_its_price_items_on_the_lines(data_staff):
    change = LAYOUTS["standar harga"]
    batch = upload(data_staff, recap_copy(MURNI_2025, **change), name="sh.xlsx", commit=True)
    assert batch.status == ImportStatus.COMMITTED and batch.errors == []
    assert stage_total(batch) == pagu_column_sum(MURNI_2025)
    line = BudgetLine.objects.exclude(items=[]).first()
    assert {i["kind"] for i in line.items} == {"standar_harga"}
    assert sum((Decimal(i["amount"]) for i in line.items), Decimal(0)) == line.pagu


def test_the_line_page_and_the_api_show_the_summed_rows_of_a_line(client_for, data_staff):
    rows = [rekap_row(1, PAGU=1_000_000, **{"PAKET/KELOMPOK": "Kelompok",
                                            "NAMA PAKET/KELOMPOK": "Belanja Rapat Koordinasi"}),
            rekap_row(1, PAGU=2_500_000.5, **{"PAKET/KELOMPOK": "Paket",
                                              "NAMA PAKET/KELOMPOK": "Bantuan Langsung Tunai"})]
    data = xlsx_bytes([Sheet("Sheet1", [REKAP_HEADERS,
                                        *[[r.get(h) for h in REKAP_HEADERS] for r in rows]])])
    batch = upload(data_staff, data, commit=True)
    assert batch.status == ImportStatus.COMMITTED
    [line] = BudgetLine.objects.all()
    assert line.pagu == Decimal("3500000.50")
    assert [(i["kind"], i["name"], Decimal(i["amount"])) for i in line.items] == [
        ("Kelompok", "Belanja Rapat Koordinasi", Decimal("1000000")),
        ("Paket", "Bantuan Langsung Tunai", Decimal("2500000.5")),
    ]
    page = client_for(data_staff).get(line.get_absolute_url()).content.decode()
    assert "Belanja Rapat Koordinasi" in page and "Bantuan Langsung Tunai" in page
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(data_staff)
    body = api.get(f"/api/v1/budget-lines/{line.pk}/").json()
    assert [i["name"] for i in body["items"]] == ["Belanja Rapat Koordinasi",
                                                  "Bantuan Langsung Tunai"]
