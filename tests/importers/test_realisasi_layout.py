"""The real realisation layout (SIPD_IMPORT.md 1.2) built in the test:
header on row 1, Nomor column, every cell text, Indonesian amounts and long
dates, a Total row merged over A:W, SheetJS content types; and the variant
column names."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.importers import FileRejected, parse_date, parse_file

from .workbooks import (
    SIPD_REALISASI_HEADERS,
    sipd_realisasi_row,
    sipd_realisasi_sheet,
    write_xlsx,
)


def build(tmp_path, rows, **kw):
    sheet = sipd_realisasi_sheet(
        rows, **{k: v for k, v in kw.items() if k != "sheetjs"}
    )
    return write_xlsx(tmp_path / "r.xlsx", sheet, sheetjs=kw.get("sheetjs", True))


def test_the_sheetjs_layout_parses_every_text_cell(tmp_path):
    rows = [
        sipd_realisasi_row(1),
        sipd_realisasi_row(
            2,
            **{
                "Jenis Dokumen": "TBP",
                "Jenis Transaksi": "GU",
                "Tanggal Dokumen": "28 Februari 2025",
                "Nilai Realisasi": "1.000.000,50",
                "Nilai Setoran": "204.945,00",
            },
        ),
    ]
    r = parse_file(build(tmp_path, rows))
    assert r.kind == "realisasi" and r.header_row == 1
    assert r.errors == [] and r.warnings == []
    a, b = r.rows
    assert a.nilai_realisasi == Decimal("426264120.00") and a.nilai_setoran == 0
    assert a.tanggal_dokumen == dt.date(2025, 1, 8)
    assert (b.jenis_dokumen, b.jenis_transaksi) == ("TBP", "GU")
    assert b.nilai_realisasi == Decimal("1000000.50")
    assert b.nilai_setoran == Decimal("204945.00")
    assert r.file_total == Decimal("427264120.50")
    assert r.fiscal_years == {2025}
    assert "Nomor" in r.ignored_columns and "Nilai SPD" in r.ignored_columns


def test_the_spending_belongs_to_the_sub_unit_named_in_kode_sub_skpd(tmp_path):
    r = parse_file(build(tmp_path, [sipd_realisasi_row(1)]), in_child=False)
    x = r.rows[0]
    assert x.kode_skpd == "1.02.0.00.0.00.01.0000" and x.nama_skpd == "Dinas Kesehatan"
    assert x.kode_sub_skpd == "1.02.0.00.0.00.01.0010"
    assert x.nama_sub_skpd == "UPTD Puskesmas Contoh"
    assert x.kode_kegiatan == "1.02.02.2.01" and x.kode_program == "1.02.02"


def test_nilai_spd_and_sp2d_are_never_spending(tmp_path):
    rows = [sipd_realisasi_row(i, **{"Nilai Realisasi": "100,00"}) for i in (1, 2)]
    r = parse_file(build(tmp_path, rows, total="200,00"), in_child=False)
    assert r.errors == [] and sum(x.nilai_realisasi for x in r.rows) == 200
    assert "999999999" not in repr(r.rows) and "888888888" not in repr(r.rows)


def test_a_total_row_that_does_not_match_the_sum_is_a_file_error(tmp_path):
    rows = [sipd_realisasi_row(1), sipd_realisasi_row(2)]
    r = parse_file(build(tmp_path, rows, total="1,00"), in_child=False)
    [e] = r.errors
    assert e.code == "total_mismatch" and e.row is None
    assert "Rp1" in e.message and "Rp852.528.240" in e.message


def test_the_personal_columns_are_not_carried(tmp_path):
    r = parse_file(build(tmp_path, [sipd_realisasi_row(1)]), in_child=False)
    assert "BUDI SANTOSO" not in repr(r.rows)
    assert "198001012005011001" not in repr(r.rows)


MONTHS = [
    ("Januari", 1), ("JANUARI", 1), ("jan", 1), ("Februari", 2), ("Pebruari", 2),
    ("Feb", 2), ("Maret", 3), ("Mar", 3), ("April", 4), ("Apr", 4), ("Mei", 5),
    ("MEI", 5), ("Juni", 6), ("Jun", 6), ("Juli", 7), ("Jul", 7), ("Agustus", 8),
    ("Agt", 8), ("Agu", 8), ("Ags", 8), ("September", 9), ("Sep", 9), ("Sept", 9),
    ("Oktober", 10), ("Okt", 10), ("November", 11), ("Nopember", 11), ("Nov", 11),
    ("Desember", 12), ("Des", 12), ("desember", 12), ("January", 1), ("May", 5),
    ("August", 8), ("October", 10), ("Oct", 10), ("December", 12), ("Dec", 12),
]  # fmt: skip


@pytest.mark.parametrize(("name", "month"), MONTHS)
def test_every_month_name_any_case_and_abbreviation(name, month):
    assert parse_date(f"8 {name} 2025") == dt.date(2025, month, 8)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("08 Januari 2025", dt.date(2025, 1, 8)),
        ("8-Agt-2025", dt.date(2025, 8, 8)),
        ("8 Sept. 2025", dt.date(2025, 9, 8)),
        ("Rabu, 8 Januari 2025", dt.date(2025, 1, 8)),
        ("8 Januari 2025 10:15:00", dt.date(2025, 1, 8)),
        ("  31   Desember   2024 ", dt.date(2024, 12, 31)),
        ("January 8, 2025", dt.date(2025, 1, 8)),
        ("15/03/2024", dt.date(2024, 3, 15)),
        ("2024-03-15", dt.date(2024, 3, 15)),
        ("2024-03-15 00:00:00", dt.date(2024, 3, 15)),
        (dt.datetime(2024, 3, 15, 9, 30), dt.date(2024, 3, 15)),
        (dt.date(2024, 3, 15), dt.date(2024, 3, 15)),
    ],
)
def test_dates_in_every_form_that_occurs(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text",
    ["31 Februari 2024", "8 Janu 2025", "8 Januari", "Januari 2025", "abc", 45000],
)
def test_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_an_unreadable_date_in_the_file_is_an_error_on_its_cell(tmp_path):
    rows = [sipd_realisasi_row(1, **{"Tanggal Dokumen": "8 Janus 2025"})]
    r = parse_file(build(tmp_path, rows), in_child=False)
    [e] = r.errors
    assert (e.code, e.row, e.column) == ("date_unreadable", 2, "Tanggal Dokumen")


def test_the_fiscal_year_comes_from_the_document_dates(tmp_path):
    rows = [
        sipd_realisasi_row(1, **{"Tanggal Dokumen": "2 Januari 2024"}),
        sipd_realisasi_row(2, **{"Tanggal Dokumen": "30 Desember 2024"}),
    ]
    r = parse_file(build(tmp_path, rows), in_child=False)
    assert r.fiscal_years == {2024}


VARIANT = {
    "Kode Sub SKPD": "Kode Unit SKPD",
    "Nama Sub SKPD": "Nama Unit SKPD",
    "Kode Sub Fungsi": "Kode Subfungsi",
    "Nama Sub Fungsi": "Nama Subfungsi",
    "Kode Bidang Urusan": "Kode Bidang",
    "Kode Sub Kegiatan": "Kode Subkegiatan",
    "Nama Sub Kegiatan": "Nama Subkegiatan",
}


def test_the_variant_column_names_are_recognised(tmp_path):
    headers = [VARIANT.get(h, h) for h in SIPD_REALISASI_HEADERS] + ["Anggaran"]
    rows = [
        {VARIANT.get(k, k): v for k, v in sipd_realisasi_row(1).items()}
        | {"Anggaran": "5.000.000.000,00"}
    ]
    r = parse_file(build(tmp_path, rows, headers=headers), in_child=False)
    assert r.kind == "realisasi" and r.errors == []
    x = r.rows[0]
    assert x.kode_sub_skpd == "1.02.0.00.0.00.01.0010"
    assert x.nama_sub_skpd == "UPTD Puskesmas Contoh"
    assert x.kode_sub_kegiatan == "1.02.02.2.01.0020" and x.kode_bidang == "1.02"
    assert x.nama_sub_kegiatan == "Penyediaan Fasilitas Pelayanan Kesehatan"
    assert x.nilai_realisasi == Decimal("426264120.00")  # never the Anggaran
    assert {"Anggaran", "Kode Subfungsi"} <= set(r.ignored_columns)


def test_without_a_sub_skpd_column_the_spending_is_the_skpd_s(tmp_path):
    headers = [h for h in SIPD_REALISASI_HEADERS if "Sub SKPD" not in h]
    r = parse_file(
        build(tmp_path, [sipd_realisasi_row(1)], headers=headers), in_child=False
    )
    x = r.rows[0]
    assert x.kode_sub_skpd == x.kode_skpd and x.nama_sub_skpd == x.nama_skpd


def test_the_sheetjs_content_types_are_not_a_macro_workbook(tmp_path):
    r = parse_file(build(tmp_path, [sipd_realisasi_row(1)], sheetjs=True))
    assert r.errors == []


def test_a_realisation_without_its_required_columns_is_refused(tmp_path):
    headers = [h for h in SIPD_REALISASI_HEADERS if h != "Kode Rekening"]
    with pytest.raises(FileRejected) as e:
        parse_file(build(tmp_path, [sipd_realisasi_row(1)], headers=headers))
    assert (
        e.value.code == "required_column_missing" and "Kode Rekening" in e.value.message
    )
