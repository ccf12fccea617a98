import datetime as dt
import os
import time
from decimal import Decimal
from pathlib import Path

from budgets.importers import FileRejected, parse_file

from .workbooks import (
    REALISASI_HEADERS,
    REKAP_HEADERS,
    Formula,
    Rich,
    Sheet,
    ods_bytes,
    realisasi_row,
    rekap_row,
    rekap_rows,
    rekap_sheet,
    write_rekap,
    write_xlsx,
)

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures_files" / "sipd_rekap_pagu_sample.xlsx"


def parse(path, **kw):
    return parse_file(path, in_child=kw.pop("in_child", False), **kw)


def test_it_reads_the_synthetic_sample_of_60_lines_summing_to_25_miliar():
    r = parse_file(SAMPLE)  # through the child process
    assert r.kind == "rekap" and r.header_row == 1 and not r.errors
    assert len(r.rows) == 60
    assert sum(x.pagu for x in r.rows) == Decimal("25000000000")
    assert r.fiscal_years == {2024}
    assert all(isinstance(x.kode_bidang, str) for x in r.rows)


def test_it_reads_a_clean_recap_in_the_child_and_in_process(tmp_path):
    p = write_rekap(tmp_path / "a.xlsx", 3)
    for in_child in (True, False):
        r = parse(p, in_child=in_child)
        assert not r.errors and len(r.rows) == 3 and all(x.ok for x in r.rows)
        row = r.rows[0]
        assert row.row_number == 2 and row.tahun == 2024
        assert row.kode_sub_kegiatan == "1.06.05.2.02.0001"
        assert row.kode_kegiatan == "1.06.05.2.02" and row.paket == "1"
        assert row.pagu == Decimal(1_250_000_000)
        assert r.ignored_columns == ["NO"]


def test_it_finds_the_header_on_row_7_after_titles_merged_cells_and_blanks(tmp_path):
    rows = [
        ["PEMERINTAH KABUPATEN LEBAK"],
        ["REKAP PAGU SUB KEGIATAN"],
        ["TAHUN ANGGARAN 2024"],
        [],
        [],
        REKAP_HEADERS,
        *rekap_rows(4),
    ]
    sh = Sheet("Rekap", rows, first_row=2, first_col=2, merged=["B2:X2", "B3:X3"])
    r = parse(write_xlsx(tmp_path / "t.xlsx", sh))
    assert r.header_row == 7
    assert [x.row_number for x in r.rows] == [8, 9, 10, 11]
    assert r.title_lines[0] == "PEMERINTAH KABUPATEN LEBAK"
    assert "TAHUN ANGGARAN 2024" in r.title_lines
    assert r.pemda_name == "KABUPATEN LEBAK"
    assert not r.errors


def test_it_matches_title_case_line_breaks_extra_spaces_and_punctuation(tmp_path):
    headers = [h.title() for h in REKAP_HEADERS]
    headers[14] = "Kode\nSub  Kegiatan"
    headers[4] = "  kode_skpd. "
    headers[20] = "Paket - Kelompok"
    rows = rekap_rows(2, headers=REKAP_HEADERS)
    r = parse(write_xlsx(tmp_path / "h.xlsx", Sheet("S", [headers, *rows])))
    assert not r.errors and len(r.rows) == 2
    assert "kode_sub_kegiatan" in r.columns and "paket" in r.columns
    assert r.raw_headers[14] == "Kode Sub Kegiatan"


def test_it_matches_shuffled_columns_by_name_not_position(tmp_path):
    headers = list(reversed(REKAP_HEADERS))
    r = parse(
        write_rekap(
            tmp_path / "s.xlsx", 2, headers=headers, rows=rekap_rows(2, headers=headers)
        )
    )
    assert not r.errors
    assert r.rows[1].kode_rekening == "5.1.06.01.01.0002"
    assert r.rows[1].pagu == Decimal(1_250_000_000)


def test_it_ignores_unknown_columns_and_lists_them(tmp_path):
    headers = REKAP_HEADERS + ["CATATAN OPERATOR", "LABEL GIAT", "PILAR", "STRATEGI"]
    rows = [
        r + ["cek lagi", "Kemiskinan", "Pilar 1", "Strategi A"] for r in rekap_rows(2)
    ]
    r = parse(write_xlsx(tmp_path / "u.xlsx", Sheet("S", [headers, *rows])))
    assert not r.errors
    assert "CATATAN OPERATOR" in r.ignored_columns
    assert r.rows[0].labels == (("LABEL GIAT", "Kemiskinan"),)
    assert r.rows[0].pilar == "Pilar 1" and r.rows[0].strategi == "Strategi A"


def test_it_accepts_the_synonyms_kode_sub_skpd_and_nilai(tmp_path):
    headers = ["KODE SUB SKPD" if h == "KODE SUB UNIT" else h for h in REKAP_HEADERS]
    headers = ["NILAI" if h == "PAGU" else h for h in headers]
    r = parse(write_xlsx(tmp_path / "y.xlsx", Sheet("S", [headers, *rekap_rows(2)])))
    assert not r.errors and r.rows[0].kode_sub_unit == "1.06.0.00.0.00.01.0000"
    assert r.rows[0].pagu == Decimal(1_250_000_000)


def test_it_derives_missing_parent_codes_from_the_sub_kegiatan(tmp_path):
    drop = {"KODE URUSAN", "KODE BIDANG URUSAN", "KODE PROGRAM", "KODE KEGIATAN"}
    headers = [h for h in REKAP_HEADERS if h not in drop]
    r = parse(
        write_rekap(
            tmp_path / "d.xlsx", 1, headers=headers, rows=rekap_rows(1, headers=headers)
        )
    )
    row = r.rows[0]
    assert (row.kode_urusan, row.kode_bidang, row.kode_program, row.kode_kegiatan) == (
        "1",
        "1.06",
        "1.06.05",
        "1.06.05.2.02",
    )


def test_a_matching_totals_row_is_skipped_and_kept_as_file_total(tmp_path):
    rows = rekap_rows(3) + [["JUMLAH"] + [None] * 21 + [3_750_000_000]]
    r = parse(write_rekap(tmp_path / "tot.xlsx", rows=rows))
    assert not r.errors and len(r.rows) == 3
    assert r.file_total == Decimal(3_750_000_000)
    assert (5, "total") in r.skipped


def test_a_totals_row_that_does_not_match_is_a_file_level_error(tmp_path):
    rows = rekap_rows(3) + [[None, "GRAND TOTAL"] + [None] * 20 + [4_000_000_000]]
    r = parse(write_rekap(tmp_path / "tot.xlsx", rows=rows))
    [e] = [e for e in r.errors if e.code == "total_mismatch"]
    assert "Rp4.000.000.000" in e.message and "Rp3.750.000.000" in e.message
    assert e.row is None


def test_it_picks_the_data_on_the_third_sheet(tmp_path):
    sheets = [
        Sheet("Cover", [["LAPORAN"], ["isi"]]),
        Sheet("Catatan", [["x", 1]]),
        rekap_sheet(2, name="Data"),
    ]
    r = parse(write_xlsx(tmp_path / "3.xlsx", sheets))
    assert r.sheet_name == "Data" and len(r.rows) == 2


def test_a_hidden_decoy_sheet_before_the_data_is_not_read(tmp_path):
    decoy = rekap_sheet(5, name="Lama", state="hidden")
    real = rekap_sheet(2, name="Baru")
    r = parse(write_xlsx(tmp_path / "decoy.xlsx", [decoy, real]))
    assert r.sheet_name == "Baru" and len(r.rows) == 2


def test_hidden_subtotal_rows_are_skipped_not_counted(tmp_path):
    rows = rekap_rows(3)
    rows.insert(2, [None, "SUBTOTAL SKPD"] + [None] * 20 + [2_500_000_000])
    rows.insert(1, rekap_rows(1)[0])  # a hidden row with real-looking data
    sh = rekap_sheet(rows=rows, hidden_rows={3, 5})
    r = parse(write_xlsx(tmp_path / "hid.xlsx", sh))
    assert [x.row_number for x in r.rows] == [2, 4, 6]
    assert {(3, "hidden"), (5, "hidden")} <= set(r.skipped)
    assert not r.errors


def test_amounts_as_numbers_and_every_text_form_are_read(tmp_path):
    forms = [
        1250000000,
        1250000000.5,
        "1250000000",
        "1.250.000.000",
        "1.250.000.000,00",
        "Rp 1.250.000.000",
        "Rp1.250.000.000,50",
        "\u00a01.250.000.000\u00a0",
    ]
    rows = [
        [rekap_row(i + 1, pagu=v)[h] for h in REKAP_HEADERS]
        for i, v in enumerate(forms)
    ]
    r = parse(write_rekap(tmp_path / "am.xlsx", rows=rows))
    assert not r.errors
    assert [x.pagu for x in r.rows] == [
        Decimal("1250000000"),
        Decimal("1250000000.5"),
        *[Decimal("1250000000")] * 4,
        Decimal("1250000000.50"),
        Decimal("1250000000"),
    ]


def test_rich_text_cells_arrive_as_plain_text(tmp_path):
    row = rekap_row(
        1,
        **{
            "NAMA SKPD": Rich(("DINAS ", "SOSIAL")),
            "KODE SUB KEGIATAN": Rich(("1.06.05.", "2.02.0001")),
        },
    )
    r = parse(
        write_rekap(tmp_path / "rich.xlsx", rows=[[row[h] for h in REKAP_HEADERS]])
    )
    assert not r.errors and r.rows[0].nama_skpd == "DINAS SOSIAL"


def test_formulas_use_the_cached_value_and_no_cached_value_is_an_error(tmp_path):
    rows = [
        [rekap_row(1, pagu=Formula("1000*2", 2000))[h] for h in REKAP_HEADERS],
        [rekap_row(2, pagu=Formula("SUM(X1:X9)"))[h] for h in REKAP_HEADERS],
    ]
    r = parse(write_rekap(tmp_path / "f.xlsx", rows=rows))
    assert r.rows[0].pagu == Decimal(2000) and r.rows[0].ok
    assert not r.rows[1].ok and r.rows[1].pagu is None
    [e] = r.errors
    assert (e.row, e.column, e.code) == (3, "PAGU", "amount_empty")


def test_codes_stored_as_numbers_are_normalised_only_when_unambiguous(tmp_path):
    row = rekap_row(
        1, **{"KODE URUSAN": 1, "KODE BIDANG URUSAN": 1.1, "PAKET/KELOMPOK": 3}
    )
    r = parse(write_rekap(tmp_path / "n.xlsx", rows=[[row[h] for h in REKAP_HEADERS]]))
    [e] = r.errors
    assert e.code == "code_stored_as_number" and e.column == "KODE BIDANG URUSAN"
    assert e.value == "1.1" and e.row == 2 and "Text" in e.message
    assert r.rows[0].kode_urusan == "1" and r.rows[0].paket == "3"
    assert not r.rows[0].ok


def test_spaces_inside_codes_are_removed(tmp_path):
    row = rekap_row(1, **{"KODE SUB KEGIATAN": " 1.06.05. 2.02.0001\u00a0"})
    r = parse(write_rekap(tmp_path / "sp.xlsx", rows=[[row[h] for h in REKAP_HEADERS]]))
    assert not r.errors and r.rows[0].kode_sub_kegiatan == "1.06.05.2.02.0001"


def test_a_short_sub_kegiatan_code_says_a_part_is_missing(tmp_path):
    row = rekap_row(1, **{"KODE SUB KEGIATAN": "1.06.02.1.01", "KODE KEGIATAN": ""})
    r = parse(write_rekap(tmp_path / "c.xlsx", rows=[[row[h] for h in REKAP_HEADERS]]))
    e = r.errors[0]
    assert e.code == "code_format" and e.column == "KODE SUB KEGIATAN"
    assert e.message.startswith(
        "Baris 2, kolom KODE SUB KEGIATAN: '1.06.02.1.01' kurang 1 bagian"
    )


def test_the_kegiatan_level_written_02_is_normalised_with_a_warning(tmp_path):
    rows = [
        [rekap_row(i, **{"KODE KEGIATAN": "1.06.05.02.02"})[h] for h in REKAP_HEADERS]
        for i in (1, 2)
    ]
    r = parse(write_rekap(tmp_path / "w.xlsx", rows=rows))
    assert not r.errors and r.rows[0].kode_kegiatan == "1.06.05.2.02"
    [w] = r.warnings
    assert w.code == "kegiatan_level_two_digits" and w.severity == "warning"
    assert w.row == 2 and "2 baris" in w.message


def test_inconsistent_program_and_sub_kegiatan_codes_are_an_error(tmp_path):
    row = rekap_row(1, **{"KODE PROGRAM": "1.06.04"})
    r = parse(write_rekap(tmp_path / "i.xlsx", rows=[[row[h] for h in REKAP_HEADERS]]))
    [e] = r.errors
    assert e.code == "code_inconsistent" and e.column == "KODE PROGRAM"


def test_bad_and_empty_amounts_and_years_are_all_reported_at_once(tmp_path):
    specs = [
        {"pagu": "1,250,000.00"},
        {"pagu": ""},
        {"pagu": -5},
        {"pagu": "12.34.5"},
        {"tahun": "dua ribu"},
        {"tahun": 1999},
    ]
    rows = [
        [rekap_row(i + 1, **kw)[h] for h in REKAP_HEADERS] for i, kw in enumerate(specs)
    ]
    rows.append([rekap_row(9)[h] for h in REKAP_HEADERS])
    r = parse(write_rekap(tmp_path / "bad.xlsx", rows=rows))
    got = [(e.row, e.code) for e in r.errors]
    assert got == [
        (2, "amount_unreadable"),
        (3, "amount_empty"),
        (4, "amount_negative"),
        (5, "amount_unreadable"),
        (6, "year_invalid"),
        (7, "year_invalid"),
    ]
    assert [x.ok for x in r.rows] == [False] * 6 + [True]
    assert len(r.valid_rows) == 1
    for e in r.errors:
        assert e.message and e.message_en and f"Baris {e.row}" in e.message


def test_rows_sharing_a_natural_key_are_all_kept_as_distinct_money(tmp_path):
    rows = rekap_rows(2) + [rekap_rows(1)[0]]
    r = parse(write_rekap(tmp_path / "dup.xlsx", rows=rows))
    assert not r.errors and len(r.rows) == 3 and all(x.ok for x in r.rows)
    assert r.rows[0].natural_key() == r.rows[2].natural_key()
    assert sum(x.pagu for x in r.rows) == 3 * Decimal(1_250_000_000)


def test_dates_real_and_text_are_read_in_the_realisasi_layout(tmp_path):
    meta = [
        ["PEMERINTAH KABUPATEN LEBAK"],
        ["Laporan Realisasi Per Dokumen"],
        ["Periode 01/01/2024 s.d. 31/03/2024 Tahun Anggaran 2024"],
        ["Dicetak 2024-04-01"],
    ]
    dates = [
        dt.date(2024, 3, 15),
        dt.datetime(2024, 3, 15, 9, 30),
        "2024-03-15",
        "15/03/2024",
        "15-03-2024",
    ]
    rows = [
        [realisasi_row(i + 1, **{"Tanggal Dokumen": d})[h] for h in REALISASI_HEADERS]
        for i, d in enumerate(dates)
    ]
    r = parse(
        write_xlsx(
            tmp_path / "real.xlsx",
            Sheet("Realisasi", [*meta, REALISASI_HEADERS, *rows]),
        )
    )
    assert r.kind == "realisasi" and r.header_row == 5 and not r.errors
    assert {x.tanggal_dokumen for x in r.rows} == {dt.date(2024, 3, 15)}
    assert r.fiscal_years == {2024} and r.pemda_name == "KABUPATEN LEBAK"
    row = r.rows[0]
    assert row.nilai_realisasi == Decimal(1_000_000) and row.kode_kegiatan
    assert not hasattr(row, "nip_pegawai") and "Budi Santoso" not in repr(row)
    assert "NIP Pegawai" in r.ignored_columns


def test_an_unreadable_date_is_an_error(tmp_path):
    rows = [
        [realisasi_row(1, **{"Tanggal Dokumen": "besok"})[h] for h in REALISASI_HEADERS]
    ]
    r = parse(write_xlsx(tmp_path / "d.xlsx", Sheet("R", [REALISASI_HEADERS, *rows])))
    assert [e.code for e in r.errors] == ["date_unreadable"]


def test_it_reads_an_ods_file(tmp_path):
    p = tmp_path / "a.ods"
    p.write_bytes(ods_bytes("Rekap", [REKAP_HEADERS, *rekap_rows(2)]))
    r = parse(p)
    assert r.file_format == "ods" and len(r.rows) == 2 and not r.errors


def test_a_declared_dimension_of_the_whole_sheet_reads_only_the_real_rows(tmp_path):
    p = write_xlsx(tmp_path / "dim.xlsx", rekap_sheet(3, dimension="A1:XFD1048576"))
    t = time.perf_counter()
    r = parse_file(p)
    assert time.perf_counter() - t < 5
    assert len(r.rows) == 3 and not r.errors


def test_it_reports_mixed_fiscal_years(tmp_path):
    rows = rekap_rows(1) + [[rekap_row(2, tahun=2025)[h] for h in REKAP_HEADERS]]
    r = parse(write_rekap(tmp_path / "y.xlsx", rows=rows))
    assert r.fiscal_years == {2024, 2025} and not r.errors


def test_the_pid_of_the_test_process_is_unchanged_after_child_runs(tmp_path):
    pid = os.getpid()
    parse_file(write_rekap(tmp_path / "a.xlsx", 1))
    assert os.getpid() == pid


def test_a_parse_result_without_errors_is_ok_and_rejection_is_an_exception(tmp_path):
    r = parse(write_rekap(tmp_path / "a.xlsx", 1))
    assert r.ok and r.errors_by_code() == {}
    assert issubclass(FileRejected, Exception)
