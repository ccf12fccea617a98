"""The DPA / RAK export (monthly cash plan) parses as kind "rak"; a kept
parse is signed JSON data, read back equal."""

import datetime as dt
import json
import zlib
from decimal import Decimal

import pytest

from budgets.importers import (
    FileRejected,
    ParseResult,
    RakRow,
    load_parsed,
    parse_file,
    store_parsed,
)

from .workbooks import (
    REKAP_HEADERS,
    Sheet,
    rekap_rows,
    sipd_realisasi_row,
    sipd_realisasi_sheet,
    write_xlsx,
)

RAK = [
    "Kode SKPD", "Nama SKPD", "Kode Sub Unit", "Nama Sub Unit", "Kode Urusan",
    "Kode Bidang Urusan", "Kode Program", "Kode Kegiatan", "Kode Sub Kegiatan",
    "Nama Sub Kegiatan", "Kode Akun", "Nama Akun", "Sumber Dana", "Nilai Rincian",
    "Total Rincian Anggaran Kegiatan", *[f"Bulan {m}" for m in range(1, 13)],
    "Tipe Dokumen",
]  # fmt: skip


def rak_row(i=1, months=None, nilai=None, **over):
    months = months if months is not None else [100_000 * i] * 12
    d = {
        "Kode SKPD": "1.02.0.00.0.00.01.0000",
        "Nama SKPD": "Dinas Kesehatan",
        "Kode Sub Unit": "1.02.0.00.0.00.01.0010",
        "Nama Sub Unit": "UPTD Puskesmas Contoh",
        "Kode Urusan": "1",
        "Kode Bidang Urusan": "1.02",
        "Kode Program": "1.02.02",
        "Kode Kegiatan": "1.02.02.2.01",
        "Kode Sub Kegiatan": "1.02.02.2.01.0020",
        "Nama Sub Kegiatan": "Penyediaan Fasilitas Pelayanan Kesehatan",
        "Kode Akun": f"5.1.02.01.01.{i:04d}",
        "Nama Akun": "Belanja Alat Tulis Kantor",
        "Sumber Dana": "DAU yang Ditentukan Penggunaannya Bidang Kesehatan",
        "Nilai Rincian": sum(months) if nilai is None else nilai,
        "Total Rincian Anggaran Kegiatan": 9_999_999,
        "Tipe Dokumen": "DPA",
    }
    d.update({f"Bulan {m}": v for m, v in enumerate(months, 1)})
    d.update(over)
    return d


def write_rak(tmp_path, rows, headers=RAK, titles=()):
    body = [[d.get(h) for h in headers] for d in rows]
    return write_xlsx(tmp_path / "rak.xlsx", Sheet("RAK", [*titles, headers, *body]))


def test_a_rak_export_parses_into_monthly_plan_rows(tmp_path):
    months = [0, 0, 1_500_000, 0, 0, 2_000_000, 0, 0, 0, 0, 0, 500_000]
    r = parse_file(write_rak(tmp_path, [rak_row(1, months), rak_row(2)]))
    assert r.kind == "rak" and r.errors == [] and r.warnings == []
    a, b = r.rows
    assert isinstance(a, RakRow) and a.ok
    assert a.months == tuple(Decimal(m) for m in months)
    assert a.nilai_rincian == Decimal(4_000_000)
    assert (a.kode_skpd, a.kode_sub_unit) == (
        "1.02.0.00.0.00.01.0000",
        "1.02.0.00.0.00.01.0010",
    )
    assert (
        a.kode_sub_kegiatan == "1.02.02.2.01.0020" and a.kode_kegiatan == "1.02.02.2.01"
    )
    assert a.kode_rekening == "5.1.02.01.01.0001" and a.nama_rekening
    assert a.sumber_dana.startswith("DAU") and a.tipe_dokumen == "DPA"
    assert b.months == (Decimal(200_000),) * 12
    assert "Total Rincian Anggaran Kegiatan" in r.ignored_columns


def test_rak_amounts_as_indonesian_text_and_empty_months_as_zero(tmp_path):
    row = rak_row(1, months=["1.000.000,00"] + [""] * 11, nilai="1.000.000,00")
    r = parse_file(write_rak(tmp_path, [row]), in_child=False)
    assert r.errors == [] and r.rows[0].months == (Decimal("1000000.00"),) + (0,) * 11


def test_months_that_do_not_add_up_to_nilai_rincian_are_a_warning(tmp_path):
    r = parse_file(write_rak(tmp_path, [rak_row(1, nilai=1)]), in_child=False)
    assert r.errors == [] and r.rows[0].ok
    [w] = r.warnings
    assert w.code == "rak_months_mismatch" and w.row == 2
    assert "Rp1.200.000" in w.message and "Rp1" in w.message


def test_without_a_sub_unit_column_the_sub_unit_is_the_skpd(tmp_path):
    headers = [h for h in RAK if "Sub Unit" not in h]
    r = parse_file(write_rak(tmp_path, [rak_row(1)], headers=headers), in_child=False)
    x = r.rows[0]
    assert x.kode_sub_unit == x.kode_skpd and x.nama_sub_unit == x.nama_skpd


def test_a_rak_without_its_months_is_refused_naming_them(tmp_path):
    headers = [h for h in RAK if h != "Bulan 12"]
    with pytest.raises(FileRejected) as e:
        parse_file(write_rak(tmp_path, [rak_row(1)], headers=headers), in_child=False)
    assert e.value.code == "required_column_missing" and "Bulan 12" in e.value.message


def test_a_rak_title_gives_the_fiscal_year(tmp_path):
    titles = [["PEMERINTAH KABUPATEN LEBAK"], ["ANGGARAN KAS TAHUN ANGGARAN 2025"]]
    r = parse_file(write_rak(tmp_path, [rak_row(1)], titles=titles), in_child=False)
    assert r.fiscal_years == {2025} and r.pemda_name == "KABUPATEN LEBAK"


# ---- the kept parse ----

KEY = b"s" * 32


@pytest.fixture
def results(tmp_path):
    rekap = rekap_rows(3)
    rekap[1][REKAP_HEADERS.index("PAGU")] = "12,50"
    heads = [*REKAP_HEADERS, "LABEL PRIORITAS"]
    rows = [[*r, "Stunting" if k == 0 else None] for k, r in enumerate(rekap)]
    rows.append(["JUMLAH"])
    out = {}
    for name, sheet in {
        "rekap": Sheet("S", [heads, *rows]),
        "realisasi": sipd_realisasi_sheet(
            [sipd_realisasi_row(1), sipd_realisasi_row(2)]
        ),
    }.items():
        out[name] = write_xlsx(tmp_path / f"{name}.xlsx", sheet)
    out["rak"] = write_rak(tmp_path, [rak_row(1), rak_row(2, nilai=5)])
    return out


@pytest.mark.parametrize("kind", ["rekap", "realisasi", "rak"])
@pytest.mark.parametrize("in_child", [True, False])
def test_a_kept_parse_reads_back_equal(tmp_path, results, kind, in_child):
    kept = tmp_path / "kept" / f"{kind}.parsed"
    r = parse_file(results[kind], keep=(kept, KEY), in_child=in_child)
    back = load_parsed(kept, KEY)
    assert back is not None and back.kind == kind
    assert back.rows == r.rows
    assert [type(x) for x in back.rows] == [type(x) for x in r.rows]
    for f in ("errors", "warnings", "skipped", "file_total", "fiscal_years", "columns"):
        assert getattr(back, f) == getattr(r, f), f
    assert back.no_budget_rows == r.no_budget_rows and back.title_year == r.title_year


def test_the_kept_parse_is_json_data_with_decimals_as_strings_and_iso_dates(
    tmp_path, results
):
    kept = tmp_path / "r.parsed"
    parse_file(results["realisasi"], keep=(kept, KEY), in_child=False)
    blob = kept.read_bytes()
    head = blob.index(b"\n") + 1
    data = json.loads(zlib.decompress(blob[head + 32 :]))
    assert data["kind"] == "realisasi"
    from budgets.importers import RealisasiRow

    fields = RealisasiRow._fields
    nilai = data["rows"][fields.index("nilai_realisasi")]
    assert nilai == ["426264120.00", "426264120.00"]
    assert data["rows"][fields.index("tanggal_dokumen")] == ["2025-01-08"] * 2


def test_a_tampered_or_foreign_kept_parse_is_not_loaded(tmp_path, results):
    kept = tmp_path / "r.parsed"
    r = parse_file(results["rekap"], in_child=False)
    store_parsed(r, kept, KEY)
    assert load_parsed(kept, b"x" * 32) is None
    blob = bytearray(kept.read_bytes())
    blob[-1] ^= 1
    kept.write_bytes(bytes(blob))
    assert load_parsed(kept, KEY) is None
    assert load_parsed(tmp_path / "missing", KEY) is None


def test_to_json_and_from_json_round_trip_rows_with_labels_and_none():
    from budgets.importers import RekapRow

    row = RekapRow(
        2, 2024, *["x"] * 18, "Kelompok", "Paket A", "", "", None, Decimal("-1.50"),
        None, "S", (("LABEL", "Stunting"),), "Murni", False, True,
    )  # fmt: skip
    r = ParseResult("rekap", "S", 1, [], [], [row], fiscal_years={2024})
    back = ParseResult.from_json(r.to_json())
    assert back.rows == [row] and back.fiscal_years == {2024}
    with pytest.raises(ValueError):
        ParseResult.from_json(json.dumps({"version": 99}))


def test_dates_and_months_survive_the_round_trip():
    from budgets.importers import RealisasiRow

    real = RealisasiRow(
        2, *["k"] * 15, dt.date(2025, 1, 8), Decimal("1.00"), None, "Murni", True
    )
    r = ParseResult("realisasi", "S", 1, [], [], [real])
    assert ParseResult.from_json(r.to_json()).rows == [real]
    rak = RakRow(2, *["k"] * 13, Decimal(12), (Decimal(1),) * 12, "DPA", True)
    r = ParseResult("rak", "S", 1, [], [], [rak])
    assert ParseResult.from_json(r.to_json()).rows == [rak]
