import openpyxl

from budgets.importers import ERROR_COLUMN, parse_file, write_error_workbook

from .workbooks import REKAP_HEADERS, Sheet, rekap_row, rekap_rows, write_xlsx


def test_the_error_workbook_has_the_rows_the_messages_and_a_summary(tmp_path):
    rows = rekap_rows(2) + [[rekap_row(3, pagu="abc")[h] for h in REKAP_HEADERS]]
    rows[0][15] = '=HYPERLINK("http://x")'
    rows[1][15] = "@SUM(1)"
    sheet = Sheet("Rekap", [["PEMERINTAH KOTA SERANG"], [], REKAP_HEADERS, *rows])
    src = write_xlsx(tmp_path / "in.xlsx", sheet)
    result = parse_file(src)
    assert [e.row for e in result.errors] == [6]
    out = tmp_path / "out.xlsx"
    write_error_workbook(src, result, out)
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert ws.cell(1, 1).value == "PEMERINTAH KOTA SERANG"
    assert ws.cell(3, 24).value == ERROR_COLUMN
    assert ws.cell(4, 24).value is None
    assert "Baris 6, kolom PAGU" in ws.cell(6, 24).value
    formula_like = ws.cell(4, 16)
    assert formula_like.data_type == "s" and formula_like.value.startswith("=")
    assert ws.cell(5, 16).data_type == "s"
    summary = wb["Ringkasan"]
    assert summary.cell(2, 1).value == "amount_unreadable"
    assert summary.cell(2, 2).value == 1


def test_a_clean_file_gives_an_error_workbook_with_an_empty_error_column(tmp_path):
    src = write_xlsx(tmp_path / "in.xlsx", Sheet("S", [REKAP_HEADERS, *rekap_rows(2)]))
    result = parse_file(src, in_child=False)
    out = tmp_path / "out.xlsx"
    write_error_workbook(src, result, out, in_child=False)
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.cell(1, 24).value == ERROR_COLUMN and ws.cell(2, 24).value is None
