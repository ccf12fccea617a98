"""Every bad file the issue lists: a clear Indonesian message, no traceback,
nothing written (row counts before and after), and this process still alive."""

import os
from decimal import Decimal

import pytest

from budgets import imports
from budgets.models import BudgetLine, ImportStatus, Nomenclature, Unit
from tests.importers.workbooks import (
    BILLION_LAUGHS,
    REKAP_HEADERS,
    Sheet,
    encrypted_ole_bytes,
    rekap_rows,
    rekap_sheet,
    xlsx_bytes,
    zip_bomb_bytes,
)

from .import_helpers import assert_clear_message, upload

pytestmark = pytest.mark.django_db
PID = os.getpid()
PAGU = REKAP_HEADERS.index("PAGU")


def counts():
    return (BudgetLine.objects.count(), Unit.objects.count(), Nomenclature.objects.count())


def _rows(mutate):
    rows = rekap_rows(3)
    mutate(rows)
    return xlsx_bytes([Sheet("Sheet1", [list(REKAP_HEADERS)] + rows)])


def _set(col, value, row=1):
    def mutate(rows):
        rows[row][REKAP_HEADERS.index(col)] = value
    return mutate


def _truncated():
    data = xlsx_bytes([rekap_sheet(3)])
    return data[: len(data) // 2]


def _totals_mismatch():
    rows = rekap_rows(3)
    total = [None] * len(REKAP_HEADERS)
    total[0] = "JUMLAH"
    total[PAGU] = 1
    return xlsx_bytes([Sheet("Sheet1", [list(REKAP_HEADERS)] + rows + [total])])


def _duplicate():
    rows = rekap_rows(2)
    rows.append(list(rows[0]))
    return xlsx_bytes([Sheet("Sheet1", [list(REKAP_HEADERS)] + rows)])


FILE_REFUSALS = {
    "empty": (b"", "rekap.xlsx", "kosong"),
    "pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "rekap.xlsx", "PDF"),
    "csv": (b"NO;TAHUN;KODE SKPD\n1;2024;1.06\n", "rekap.csv", "CSV"),
    "html_as_xls": (b"<html><body><table><tr><td>TAHUN</td></tr></table></body></html>",
                    "rekap.xls", "HTML"),
    "truncated_zip": (_truncated(), "rekap.xlsx", "rusak"),
    "encrypted": (encrypted_ole_bytes(), "rekap.xlsx", "kata sandi"),
    "macro": (xlsx_bytes([rekap_sheet(2)], macro=True), "rekap.xlsm", "makro"),
    "zip_bomb": (zip_bomb_bytes(600), "rekap.xlsx", "terlalu besar"),
    "laughs_workbook": (xlsx_bytes([rekap_sheet(2)], workbook_doctype=BILLION_LAUGHS),
                        "rekap.xlsx", "ENTITY"),
    "laughs_sheet": (xlsx_bytes([rekap_sheet(2, doctype=BILLION_LAUGHS)]), "rekap.xlsx",
                     "ENTITY"),
    "far_cell": (xlsx_bytes([rekap_sheet(3, extra_cells=[("XFD1048576", 1048576, "x")])]),
                 "rekap.xlsx", "XFD"),
    "no_header": (xlsx_bytes([Sheet("S", [["A", "B"], [1, 2]])]), "rekap.xlsx",
                  "KODE SUB KEGIATAN"),
    "header_only": (xlsx_bytes([Sheet("S", [list(REKAP_HEADERS)])]), "rekap.xlsx",
                    "tidak ada baris data"),
    "missing_column": (
        xlsx_bytes([Sheet("S", [[h for h in REKAP_HEADERS if h != "KODE SUMBER DANA"]]
                          + [[c for h, c in zip(REKAP_HEADERS, r, strict=True)
                              if h != "KODE SUMBER DANA"] for r in rekap_rows(2)])]),
        "rekap.xlsx", "KODE SUMBER DANA"),
}


@pytest.mark.parametrize("case", sorted(FILE_REFUSALS))
def test_a_bad_file_is_refused_whole_with_a_clear_message(case, data_staff):
    data, name, expected = FILE_REFUSALS[case]
    before = counts()
    batch = upload(data_staff, data, name=name, commit=True)
    assert batch.status == ImportStatus.REJECTED
    assert_clear_message(batch.message)
    assert expected.lower() in batch.message.lower(), batch.message
    assert counts() == before
    assert os.getpid() == PID


CELL_ERRORS = {
    "code_as_number": (_set("KODE SUMBER DANA", 1.1), "KODE SUMBER DANA"),
    "bad_amount": (_set("PAGU", "12,5 juta"), "PAGU"),
    "empty_amount": (_set("PAGU", None), "PAGU"),
}


@pytest.mark.parametrize("case", sorted(CELL_ERRORS))
def test_a_bad_cell_names_row_column_and_value_and_writes_nothing(case, data_staff):
    mutate, column = CELL_ERRORS[case]
    before = counts()
    batch = upload(data_staff, _rows(mutate), commit=True)
    assert batch.status == ImportStatus.REJECTED
    errors = [e for e in batch.errors if e["column"] == column]
    assert errors and errors[0]["row"] == 3
    assert_clear_message(errors[0]["message"])
    assert "Baris 3" in errors[0]["message"]
    assert counts() == before


def test_a_totals_row_that_does_not_match_is_refused(data_staff):
    batch = upload(data_staff, _totals_mismatch(), commit=True)
    assert batch.status == ImportStatus.REJECTED
    assert any(e["code"] == "total_mismatch" for e in batch.errors)
    assert BudgetLine.objects.count() == 0


def test_rows_sharing_a_natural_key_are_summed_into_one_line(data_staff):
    """SIPD writes one row per paket/kelompok or standar harga item: distinct money
    (SIPD_IMPORT.md 1.1), summed exactly, the rows kept as the line's detail."""
    batch = upload(data_staff, _duplicate(), commit=True)
    assert batch.status == ImportStatus.COMMITTED
    assert BudgetLine.objects.count() == 2
    assert any(w["code"] == "rows_summed" for w in batch.warnings)
    summed = max(BudgetLine.objects.all(), key=lambda line: len(line.items))
    assert len(summed.items) == 2
    assert summed.pagu == sum(Decimal(i["amount"]) for i in summed.items)
    assert sorted(i["row"] for i in summed.items) == [2, 4]


def test_a_declared_huge_dimension_over_a_small_file_reads_the_real_rows(data_staff):
    data = xlsx_bytes([rekap_sheet(3, dimension="A1:XFD1048576")])
    batch = upload(data_staff, data, commit=True)
    assert batch.status == ImportStatus.COMMITTED and batch.rows == 3
    assert BudgetLine.objects.count() == 3


def test_a_hidden_decoy_sheet_before_the_data_is_not_read(data_staff):
    decoy = rekap_sheet(5, name="Lama", state="hidden")
    data = xlsx_bytes([decoy, rekap_sheet(2, name="Data")])
    batch = upload(data_staff, data, commit=True)
    assert batch.status == ImportStatus.COMMITTED and BudgetLine.objects.count() == 2


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.xlsx", "rek\x00ap.xlsx", "a" * 300 + ".xlsx", "..\\..\\win.xlsx"],
)
def test_hostile_file_names_are_kept_only_as_sanitised_metadata(name, data_staff):
    batch = upload(data_staff, xlsx_bytes([rekap_sheet(1)]), name=name, process=False)
    stored = batch.file.name
    assert ".." not in stored and "\x00" not in stored
    assert os.path.basename(stored).endswith(".xlsx") and len(os.path.basename(stored)) < 50
    assert os.path.realpath(batch.file.path).startswith(os.path.realpath(
        batch.file.storage.location))
    assert "/" not in batch.original_name and "\\" not in batch.original_name
    assert "\x00" not in batch.original_name and len(batch.original_name) <= 200
    assert batch.original_name.endswith(".xlsx")


def test_an_upload_over_the_size_limit_is_refused_before_storing(data_staff, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(imports.ImportRefused) as info:
        upload(data_staff, b"x" * 2000)
    assert info.value.status == 413 and "batas" in info.value.message
