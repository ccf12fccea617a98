"""The real SIPD exports (tests/fixtures_files/real, see its README) parse in
strict mode with no error, and add up to their PAGU column to the sen."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from budgets.importers import ParseResult, parse_file, redact_personal_columns

REAL = Path(__file__).resolve().parents[1] / "fixtures_files" / "real"
RECAPS = {
    # file: (rows, rows without budget, total, fiscal year, columns)
    "buru_2024_rekap_murni.xlsx": (5473, 884, Decimal("866035384427"), 2024, 21),
    "buru_2024_rekap_perubahan_1.xlsx": (5474, 881, Decimal("866035384427"), 2024, 21),
    "buru_2025_rekap5_murni.xlsx": (7153, 830, Decimal("1078983576660"), 2025, 23),
    "buru_2025_rekap5_pergeseran_1.xlsx": (
        7160,
        830,
        Decimal("1078983576660"),
        2025,
        23,
    ),
}
REALISASI = REAL / "sipd_realisasi_per_dokumen_contoh.xlsx"


def _pagu_column_sum(path: Path) -> Decimal:
    """The PAGU column added up straight from calamine, independently."""
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    j = rows[0].index("PAGU")
    return sum((Decimal(repr(r[j])) for r in rows[1:] if r[j] != ""), Decimal(0))


@pytest.fixture(scope="module", params=sorted(RECAPS))
def recap(request):
    return request.param, parse_file(REAL / request.param)


def test_every_real_recap_parses_with_no_error_and_no_warning(recap):
    name, r = recap
    rows, no_budget, _total, year, width = RECAPS[name]
    assert r.kind == "rekap" and r.header_row == 1 and r.sheet_name == "Sheet 1"
    assert r.errors == [] and r.warnings == []
    assert len(r.rows) == rows and all(x.ok for x in r.rows)
    assert r.fiscal_years == {year}
    assert len(r.raw_headers) == width


def test_every_real_recap_adds_up_to_its_pagu_column_to_the_sen(recap):
    name, r = recap
    total = RECAPS[name][2]
    got = sum(x.pagu for x in r.rows if x.has_budget)
    assert got == total == _pagu_column_sum(REAL / name)


def test_rows_without_budget_are_counted_and_carry_no_money_or_codes(recap):
    name, r = recap
    no_budget = [x for x in r.rows if not x.has_budget]
    assert r.no_budget_rows == len(no_budget) == RECAPS[name][1]
    for x in no_budget:
        assert x.ok and x.pagu is None
        assert x.kode_sumber_dana == x.kode_rekening == ""
        assert x.kode_sub_kegiatan and x.nama_sub_kegiatan and x.kode_sub_unit
    assert all(x.pagu is not None and x.kode_rekening for x in r.rows if x.has_budget)


def test_rows_that_repeat_a_key_are_all_kept(recap):
    name, r = recap
    repeats = Counter(x.natural_key() for x in r.rows if x.has_budget)
    assert sum(repeats.values()) == RECAPS[name][0] - RECAPS[name][1]
    if RECAPS[name][4] == 23:  # one row per paket/kelompok: keys repeat
        assert sum(n for n in repeats.values() if n > 1) > 1000


def test_the_paket_column_holds_the_word_and_the_name_holds_the_identity():
    r = parse_file(REAL / "buru_2025_rekap5_murni.xlsx", in_child=False)
    assert {x.paket for x in r.rows if x.has_budget} == {"Kelompok", "Paket"}
    assert all(x.nama_paket for x in r.rows if x.has_budget)
    assert {x.kode_standar_harga for x in r.rows} == {""} and r.rows[0].tahapan == ""


def test_real_codes_keep_their_shapes():
    r = parse_file(REAL / "buru_2024_rekap_murni.xlsx", in_child=False)
    skpd = {x.kode_skpd for x in r.rows}
    assert "1.01.2.22.0.00.01.0000" in skpd  # combined OPD with a second bidang
    funding_parts = {len(x.kode_sumber_dana.split(".")) for x in r.rows if x.has_budget}
    assert funding_parts <= {2, 3, 4, 5, 6} and len(funding_parts) > 1
    non_urusan = [x for x in r.rows if x.kode_urusan == "X"]
    assert non_urusan and all(x.kode_bidang == "X.XX" for x in non_urusan)
    assert all(x.kode_sub_kegiatan.startswith("X.XX.01.") for x in non_urusan)


def test_the_23_and_21_column_recaps_of_one_year_have_the_same_line_shape():
    a = parse_file(REAL / "buru_2024_rekap_murni.xlsx", in_child=False)
    assert {x.paket for x in a.rows} == {""} and {x.nama_paket for x in a.rows} == {""}


def test_a_real_recap_survives_the_kept_json_unchanged(tmp_path):
    from budgets.importers import load_parsed

    key = b"k" * 32
    r = parse_file(REAL / "buru_2025_rekap5_murni.xlsx", keep=(tmp_path / "p", key))
    back = load_parsed(tmp_path / "p", key)
    assert back.rows == r.rows and back.no_budget_rows == r.no_budget_rows
    assert ParseResult.from_json(r.to_json()).rows == r.rows


# ---- the realisation report (SheetJS) ----


@pytest.fixture(scope="module")
def realisasi():
    return parse_file(REALISASI)


def test_the_sheetjs_realisation_report_parses_with_no_error(realisasi):
    r = realisasi
    assert r.kind == "realisasi" and r.sheet_name == "Data Realisasi"
    assert r.header_row == 1 and r.errors == [] and r.warnings == []
    assert len(r.rows) == 38 and all(x.ok for x in r.rows)
    assert sum(x.nilai_realisasi for x in r.rows) == Decimal("3676209587.00")
    assert sum(x.nilai_setoran for x in r.rows) == Decimal("204945.00")
    assert r.file_total == Decimal("3676209587.00")
    assert (40, "total") in r.skipped  # the Total row merged over A:W
    assert r.fiscal_years == {2024}  # from the document dates


def test_the_realisation_keeps_documents_dates_and_the_sub_unit(realisasi):
    rows = realisasi.rows
    assert all(x.tanggal_dokumen is not None for x in rows)
    assert {x.jenis_dokumen for x in rows} <= {"SPP", "TBP"}
    assert {x.jenis_transaksi for x in rows} <= {"LS", "UP", "GU"}
    assert {x.tahapan_apbd for x in rows} == {"Murni"}
    assert len({x.nomor_dokumen for x in rows}) == 30
    uptd = [x for x in rows if x.kode_sub_skpd != x.kode_skpd]
    assert uptd and all(x.nama_sub_skpd for x in uptd)
    assert any(
        x.kode_sub_kegiatan == "1.01.02.2.02.0038"
        and x.kode_rekening == "5.2.03.01.01.0010"
        for x in rows
    )


def test_the_realisation_rows_carry_no_personal_data_and_no_spd_or_sp2d(realisasi):
    fields = realisasi.rows[0]._fields
    assert not {f for f in fields if "nip" in f or "pegawai" in f or "sp2d" in f}
    assert not {f for f in fields if "spd" in f}
    values = {v for x in realisasi.rows for v in x if isinstance(v, str)}
    assert "PEGAWAI CONTOH" not in values
    assert "NIP Pegawai" in realisasi.ignored_columns


def test_the_kept_copy_of_the_realisation_report_has_no_nip_or_name(tmp_path):
    out = tmp_path / "kept.xlsx"
    redact_personal_columns(REALISASI, out)
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert not any(b"PEGAWAI CONTOH" in z.read(n) for n in z.namelist())
    before = CalamineWorkbook.from_path(REALISASI).get_sheet_by_index(0).to_python()
    after = CalamineWorkbook.from_path(out).get_sheet_by_index(0).to_python()
    assert after[0] == before[0]  # the headers stay
    for a, b in zip(before[1:], after[1:], strict=True):
        assert b[29] == b[30] == ""
        assert a[:29] == b[:29] and a[31:] == b[31:]
    assert parse_file(out).rows == parse_file(REALISASI).rows
