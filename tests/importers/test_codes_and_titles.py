"""Canonical account / funding codes across years, and what title lines say."""

import pytest

from budgets.importers import canonical_account_code, canonical_funding_code, parse_file
from budgets.importers.parser import pemda_from_titles, year_from_titles

from .workbooks import REKAP_HEADERS, Sheet, rekap_rows, write_xlsx


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("5.1.02.03.03.0001", "5.1.02.03.003.00001"),
        ("5.1.02.01.01.0024", "5.1.02.01.001.00024"),
        ("5.2.03.01.01.0010", "5.2.3.1.1.10"),
        (" 5.1.02.03.03.0001 ", "5.1.02.03.003.00001"),
    ],
)
def test_one_account_written_with_other_widths_has_one_canonical_code(a, b):
    assert canonical_account_code(a) == canonical_account_code(b)


def test_the_canonical_account_code_is_the_parts_as_integers():
    assert canonical_account_code("5.1.02.03.003.00001") == "5.1.2.3.3.1"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("5.1.02.03.03.0001", "5.1.02.03.03.0002"),
        ("5.1.02.03.03.0001", "5.1.02.03.03"),
        ("5.1.02.03.03.0010", "5.1.02.03.03.0100"),
    ],
)
def test_different_accounts_keep_different_canonical_codes(a, b):
    assert canonical_account_code(a) != canonical_account_code(b)


def test_canonical_funding_codes_compare_part_widths_too():
    assert canonical_funding_code("2.2.01.08.002.00004") == canonical_funding_code(
        "2.2.1.8.2.4"
    )
    assert canonical_funding_code("1.1") == "1.1"
    assert canonical_funding_code("1.2.01.01.02") != canonical_funding_code("1.2.01.01")


def test_a_code_that_is_not_dotted_digits_is_returned_trimmed():
    assert canonical_account_code(" X.XX ") == "X.XX"
    assert canonical_account_code("") == ""


# ---- titles ----


@pytest.mark.parametrize(
    ("line", "pemda"),
    [
        ("PEMERINTAH PROVINSI BANTEN TAHUN ANGGARAN 2024", "PROVINSI BANTEN"),
        ("PEMERINTAH PROVINSI BANTEN", "PROVINSI BANTEN"),
        ("Pemerintah Provinsi Banten Tahun Anggaran 2024", "PROVINSI BANTEN"),
        ("PEMERINTAH PROVINSI BANTEN - TAHUN ANGGARAN 2024", "PROVINSI BANTEN"),
        ("PEMERINTAH PROVINSI BANTEN, TA 2024", "PROVINSI BANTEN"),
        ("PEMERINTAH PROVINSI BANTEN T.A. 2024", "PROVINSI BANTEN"),
        ("PEMERINTAH PROVINSI BANTEN 2024", "PROVINSI BANTEN"),
        ("PEMERINTAH PROVINSI BANTEN (MURNI)", "PROVINSI BANTEN"),
        ("PEMERINTAH DAERAH PROVINSI BANTEN", "PROVINSI BANTEN"),
        ("PEMERINTAH PROV. BANTEN TAHUN 2024", "PROVINSI BANTEN"),
        ("PEMERINTAH KABUPATEN LEBAK", "KABUPATEN LEBAK"),
        ("PEMERINTAH KAB. LEBAK TAHUN ANGGARAN 2025", "KABUPATEN LEBAK"),
        (
            "PEMERINTAH KOTA TANGERANG SELATAN TAHUN ANGGARAN 2024",
            "KOTA TANGERANG SELATAN",
        ),
        ("PEMERINTAH KOTA SERANG APBD 2024", "KOTA SERANG"),
        (
            "PEMERINTAH KABUPATEN PANGKAJENE DAN KEPULAUAN TAHUN 2024",
            "KABUPATEN PANGKAJENE DAN KEPULAUAN",
        ),
        ("PEMERINTAH KABUPATEN TOLI-TOLI TAHUN 2024", "KABUPATEN TOLI-TOLI"),
        ("PEMERINTAH PROVINSI DKI JAKARTA TAHUN ANGGARAN 2024", "PROVINSI DKI JAKARTA"),
        (
            "REKAP PAGU PEMERINTAH KABUPATEN PANDEGLANG TAHUN 2024",
            "KABUPATEN PANDEGLANG",
        ),
        ("PEMERINTAH KABUPATEN SERANG REKAPITULASI PAGU", "KABUPATEN SERANG"),
        ("PEMERINTAH KOTA CILEGON DINAS SOSIAL", "KOTA CILEGON"),
        ("PEMERINTAH KOTA CILEGON PERIODE JANUARI 2024", "KOTA CILEGON"),
        ("PEMKAB LEBAK TAHUN 2024", "KABUPATEN LEBAK"),
        ("PROVINSI BANTEN TAHUN ANGGARAN 2024", "PROVINSI BANTEN"),
        ("KABUPATEN TANGERANG", "KABUPATEN TANGERANG"),
    ],
)
def test_the_pemda_name_stops_where_the_words_after_it_begin(line, pemda):
    assert pemda_from_titles([line]) == pemda


def test_no_title_naming_a_pemda_gives_none():
    assert pemda_from_titles(["REKAP PAGU SUB KEGIATAN", "TAHUN ANGGARAN 2024"]) is None
    assert pemda_from_titles([]) is None


@pytest.mark.parametrize(
    ("line", "year"),
    [
        ("PEMERINTAH PROVINSI BANTEN TAHUN ANGGARAN 2024", 2024),
        ("TAHUN ANGGARAN: 2025", 2025),
        ("TAHUN 2026", 2026),
        ("Rekap Pagu TA 2024", 2024),
        ("Rekap Pagu TA. 2024", 2024),
        ("Rekap Pagu T.A. 2024", 2024),
        ("APBD 2024", 2024),
        ("REKAP PAGU SUB KEGIATAN", None),
        ("NOMOR 2024/123", None),
    ],
)
def test_the_fiscal_year_of_a_title(line, year):
    assert year_from_titles([line]) == year


def test_a_titled_recap_gives_its_pemda_and_year(tmp_path):
    rows = [
        ["PEMERINTAH PROVINSI BANTEN TAHUN ANGGARAN 2024"],
        ["REKAP PAGU PER SUB KEGIATAN"],
        [],
        REKAP_HEADERS,
        *rekap_rows(2),
    ]
    r = parse_file(write_xlsx(tmp_path / "t.xlsx", Sheet("S", rows)), in_child=False)
    assert r.errors == [] and r.header_row == 4
    assert r.pemda_name == "PROVINSI BANTEN"
    assert r.title_year == 2024 and r.fiscal_years == {2024}
