"""A sheet of inline text (SheetJS, SIPD's realisation report) is read from its XML
with only the columns the header names: the parse equals calamine's."""

import shutil
import zipfile
from pathlib import Path

import pytest

from budgets.importers import parse_file
from budgets.importers import reader as reader_module
from budgets.importers.textsheet import is_text_sheet

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures_files" / "real" / (
    "sipd_realisasi_per_dokumen_contoh.xlsx")
SHEET = "xl/worksheets/sheet1.xml"


def _parse_with_calamine(path, monkeypatch):
    monkeypatch.setattr(reader_module, "is_text_sheet", lambda *a: False)
    return parse_file(path, in_child=False)


def _same(a, b):
    assert a.kind == b.kind and a.header_row == b.header_row
    assert a.rows == b.rows
    assert [e.as_dict() for e in a.errors] == [e.as_dict() for e in b.errors]
    assert a.fiscal_years == b.fiscal_years and a.file_total == b.file_total


def test_the_sheetjs_sample_is_read_from_its_xml_and_equals_calamines_parse(monkeypatch):
    assert is_text_sheet(str(SAMPLE), SHEET)
    fast = parse_file(SAMPLE, in_child=False)
    assert len(fast.rows) == 38 and not fast.errors
    _same(fast, _parse_with_calamine(SAMPLE, monkeypatch))


def _rewrite(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == SHEET:
                data = edit(data.decode()).encode()
            out.writestr(info, data)
    return dst


def test_a_number_cell_further_down_makes_the_reader_use_calamine(tmp_path, monkeypatch):
    # Row 30's Nilai Realisasi as a number cell, as another writer might store it.
    path = _rewrite(SAMPLE, tmp_path / "mixed.xlsx", lambda x: x.replace(
        '<c r="AB30" t="str"><v>', '<c r="AB30"><v>', 1).replace(
        '<c r="AB30"><v>' + x.split('<c r="AB30" t="str"><v>')[1].split("<")[0],
        '<c r="AB30"><v>' + x.split('<c r="AB30" t="str"><v>')[1].split("<")[0]
        .replace(".", "").replace(",", "."), 1))
    result = parse_file(path, in_child=False)
    _same(result, _parse_with_calamine(path, monkeypatch))


def test_entities_and_a_sparse_row_read_as_calamine_reads_them(tmp_path, monkeypatch):
    def edit(x):
        x = x.replace("PEMBAYARAN CONTOH 000001", "PEMBAYARAN &amp; &lt;CONTOH&gt; 000001", 1)
        # an empty cell written as <c .../> in the middle of a row
        return x.replace('<c r="Y2" t="str"><v></v></c>', '<c r="Y2" t="str"/>', 1)

    path = _rewrite(SAMPLE, tmp_path / "entities.xlsx", edit)
    _same(parse_file(path, in_child=False), _parse_with_calamine(path, monkeypatch))


@pytest.mark.parametrize("name", ["shared"])
def test_a_workbook_with_shared_strings_is_not_a_text_sheet(tmp_path, name):
    from tests.importers.workbooks import rekap_sheet, write_xlsx

    path = write_xlsx(tmp_path / f"{name}.xlsx", rekap_sheet(3))
    with zipfile.ZipFile(path) as z:
        part = next(n for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert not is_text_sheet(str(path), part)
    shutil.rmtree(tmp_path, ignore_errors=True)
