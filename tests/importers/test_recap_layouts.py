"""The recap layouts of SIPD_IMPORT.md 1.1 built in the test: 21 columns, 23
with PAKET/KELOMPOK, 23 with KODE/NAMA STANDAR HARGA, with or without NO and
TAHAPAN; rows without budget; repeated keys."""

from decimal import Decimal

import pytest

from budgets.importers import parse_file

from .workbooks import (
    RECAP_21,
    RECAP_23_PAKET,
    RECAP_23_STANDAR_HARGA,
    Sheet,
    rekap_row,
    write_xlsx,
)


def parse(path):
    return parse_file(path, in_child=False)


def build(tmp_path, headers, rows, name="r.xlsx"):
    body = [[d.get(h) for h in headers] for d in rows]
    return write_xlsx(tmp_path / name, Sheet("Sheet 1", [list(headers), *body]))


def real_like(i, **over):
    """A line as the real files have it: paket as the word, standar harga."""
    d = rekap_row(i, **over)
    d.setdefault("KODE STANDAR HARGA", f"1.1.12.01.03.0004.{i:05d}")
    d.setdefault("NAMA STANDAR HARGA", f"Kertas HVS {i}")
    d["PAKET/KELOMPOK"] = over.get("PAKET/KELOMPOK", "Kelompok")
    d["NAMA PAKET/KELOMPOK"] = over.get("NAMA PAKET/KELOMPOK", f"Belanja ATK {i}")
    d["TAHAPAN"] = over.get("TAHAPAN", "Murni")
    return d


def no_budget(i, **over):
    return real_like(
        i,
        **{"KODE SUMBER DANA": "", "NAMA SUMBER DANA": "", "KODE REKENING": ""},
        **{"NAMA REKENING": "", "PAGU": ""},
        **over,
    )


LAYOUTS = {
    "21": RECAP_21,
    "23 paket": RECAP_23_PAKET,
    "23 standar harga": RECAP_23_STANDAR_HARGA,
    "21 without NO": RECAP_21[1:],
    "23 with TAHAPAN": ["TAHAPAN", *RECAP_23_PAKET],
    "23 standar harga, no NO, TAHAPAN last": [*RECAP_23_STANDAR_HARGA[1:], "TAHAPAN"],
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_parses_strictly_and_gives_the_same_lines(tmp_path, layout):
    headers = LAYOUTS[layout]
    rows = [real_like(1), real_like(1, PAGU=250), real_like(2), no_budget(3)]
    r = parse(build(tmp_path, headers, rows))
    assert r.errors == [] and r.warnings == [] and all(x.ok for x in r.rows)
    assert [x.has_budget for x in r.rows] == [True, True, True, False]
    assert r.no_budget_rows == 1
    assert sum(x.pagu for x in r.rows if x.has_budget) == 2 * 1_250_000_000 + 250
    assert r.rows[0].natural_key() == r.rows[1].natural_key()
    paket = "PAKET/KELOMPOK" in headers
    sh = "KODE STANDAR HARGA" in headers
    first = r.rows[0]
    assert first.paket == ("Kelompok" if paket else "")
    assert first.nama_paket == ("Belanja ATK 1" if paket else "")
    assert first.kode_standar_harga == ("1.1.12.01.03.0004.00001" if sh else "")
    assert first.nama_standar_harga == ("Kertas HVS 1" if sh else "")
    assert first.tahapan == ("Murni" if "TAHAPAN" in headers else "")
    assert ("NO" in r.ignored_columns) == ("NO" in headers)


def test_a_no_budget_row_is_a_sub_kegiatan_with_its_names_and_units(tmp_path):
    r = parse(build(tmp_path, RECAP_23_PAKET, [no_budget(1, sub="0007")]))
    [x] = r.rows
    assert x.ok and not x.has_budget and x.pagu is None
    assert (x.kode_sumber_dana, x.kode_rekening) == ("", "")
    assert x.kode_sub_kegiatan == "1.06.05.2.02.0007" and x.nama_sub_kegiatan
    assert x.kode_sub_unit == "1.06.0.00.0.00.01.0000" and x.nama_sub_unit
    assert x.kode_kegiatan == "1.06.05.2.02" and x.kode_program == "1.06.05"


def test_a_kegiatan_with_an_empty_sub_kegiatan_and_no_budget_is_kept(tmp_path):
    row = no_budget(1, **{"KODE SUB KEGIATAN": "", "NAMA SUB KEGIATAN": ""})
    r = parse(build(tmp_path, RECAP_21, [real_like(2), row]))
    assert r.errors == [] and r.no_budget_rows == 1
    x = r.rows[1]
    assert x.ok and not x.has_budget and x.kode_sub_kegiatan == ""
    assert x.kode_kegiatan == "1.06.05.2.02" and x.kode_program == "1.06.05"
    assert x.kode_bidang == "1.06" and x.kode_urusan == "1"


def test_an_empty_sub_kegiatan_with_a_budget_is_still_an_error(tmp_path):
    row = real_like(1, **{"KODE SUB KEGIATAN": ""})
    r = parse(build(tmp_path, RECAP_21, [row]))
    assert [(e.code, e.column) for e in r.errors] == [
        ("required_value_empty", "KODE SUB KEGIATAN")
    ]


def test_a_rekening_without_pagu_is_still_an_error(tmp_path):
    r = parse(build(tmp_path, RECAP_21, [real_like(1, PAGU="")]))
    assert [(e.code, e.column) for e in r.errors] == [("amount_empty", "PAGU")]
    assert not r.rows[0].ok and r.no_budget_rows == 0


def test_a_pagu_without_rekening_or_sumber_dana_is_an_error(tmp_path):
    rows = [
        real_like(1, **{"KODE REKENING": ""}),
        real_like(2, **{"KODE SUMBER DANA": "", "KODE REKENING": "", "PAGU": 5}),
        real_like(3, **{"KODE SUMBER DANA": "", "PAGU": ""}),
    ]
    r = parse(build(tmp_path, RECAP_21, rows))
    got = sorted((e.row, e.column) for e in r.errors)
    assert got == [
        (2, "KODE REKENING"),
        (3, "KODE REKENING"),
        (3, "KODE SUMBER DANA"),
        (4, "KODE SUMBER DANA"),
        (4, "PAGU"),
    ]
    assert r.no_budget_rows == 0


def test_spaces_only_in_a_required_code_is_an_empty_cell_not_a_code(tmp_path):
    r = parse(build(tmp_path, RECAP_21, [real_like(1, **{"KODE REKENING": "   "})]))
    assert [(e.code, e.column) for e in r.errors] == [
        ("required_value_empty", "KODE REKENING")
    ]


def test_rows_sharing_a_key_are_distinct_money_not_errors(tmp_path):
    rows = [
        real_like(1, PAGU=100 + k, **{"NAMA PAKET/KELOMPOK": "Sama"}) for k in range(4)
    ]
    r = parse(build(tmp_path, RECAP_23_PAKET, rows))
    assert r.errors == [] and len(r.rows) == 4
    assert len({x.natural_key() for x in r.rows}) == 1
    assert sum(x.pagu for x in r.rows) == Decimal(406)
    assert len(r.rows[0].natural_key()) == 6  # no package in the key


WIDE = {
    "KODE SKPD": "1.01.2.22.0.00.01.0000",
    "KODE SUB UNIT": "1.01.2.22.0.00.01.0001",
    "KODE BIDANG URUSAN": "1.01",
    "KODE PROGRAM": "1.01.02",
    "KODE KEGIATAN": "1.01.02.2.01",
    "KODE SUB KEGIATAN": "1.01.02.2.01.0001",
    "KODE URUSAN": "1",
}


@pytest.mark.parametrize(
    "funding",
    ["1.1", "1.2.01", "1.2.01.01", "1.2.01.01.02", "2.2.01.08.002.00004"],
)
@pytest.mark.parametrize("account", ["5.1.02.01.01.0024", "5.1.02.03.003.00001"])
def test_real_code_shapes_are_valid_and_kept_as_written(tmp_path, funding, account):
    row = real_like(
        1, **WIDE, **{"KODE SUMBER DANA": funding, "KODE REKENING": account}
    )
    r = parse(build(tmp_path, RECAP_21, [row]))
    assert r.errors == [] and r.warnings == []
    x = r.rows[0]
    assert (x.kode_sumber_dana, x.kode_rekening) == (funding, account)
    assert x.kode_skpd == "1.01.2.22.0.00.01.0000"
    assert x.kode_sub_unit == "1.01.2.22.0.00.01.0001"


def test_the_non_urusan_codes_x_xx_are_valid(tmp_path):
    row = real_like(
        1,
        **{
            "KODE URUSAN": "X",
            "KODE BIDANG URUSAN": "X.XX",
            "KODE PROGRAM": "X.XX.01",
            "KODE KEGIATAN": "X.XX.01.2.07",
            "KODE SUB KEGIATAN": "X.XX.01.2.07.0009",
        },
    )
    r = parse(build(tmp_path, RECAP_21, [row]))
    assert r.errors == [] and r.rows[0].kode_bidang == "X.XX"


def test_synonyms_kode_unit_skpd_and_anggaran_are_the_sub_unit_and_pagu(tmp_path):
    headers = [
        {"KODE SUB UNIT": "KODE UNIT SKPD", "NAMA SUB UNIT": "NAMA UNIT SKPD"}.get(h, h)
        for h in RECAP_21
    ]
    headers[-1] = "ANGGARAN"
    rows = [
        [real_like(1)[h] for h in RECAP_21],
    ]
    path = write_xlsx(tmp_path / "s.xlsx", Sheet("S", [headers, *rows]))
    r = parse(path)
    assert r.errors == [] and r.rows[0].kode_sub_unit == "1.06.0.00.0.00.01.0000"
    assert r.rows[0].pagu == Decimal(1_250_000_000)
