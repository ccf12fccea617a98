import os
import zipfile

import pytest

from budgets.importers import FileRejected, Limits, parse_file

from .workbooks import (
    BILLION_LAUGHS,
    REKAP_HEADERS,
    Sheet,
    encrypted_ole_bytes,
    many_entries_zip_bytes,
    rekap_rows,
    rekap_sheet,
    write_rekap,
    write_xlsx,
    xlsx_bytes,
    zip_bomb_bytes,
)

PID = os.getpid()


def refused(path, code, *, in_child=True, limits=None):
    with pytest.raises(FileRejected) as info:
        parse_file(path, in_child=in_child, limits=limits or Limits())
    e = info.value
    assert e.code == code, (e.code, e.message_en)
    assert e.message and e.message_en
    assert "Traceback" not in e.message and "Traceback" not in e.message_en
    assert os.getpid() == PID  # the test process is alive and is still itself
    return e


def test_it_refuses_an_empty_file(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"")
    refused(p, "empty_file")


def test_it_refuses_a_pdf(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert "PDF" in refused(p, "pdf_file").message


def test_it_refuses_plain_csv_text(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_text("TAHUN;KODE SKPD;PAGU\n2024;1.06.0.00.0.00.01.0000;1000\n")
    assert ".xlsx" in refused(p, "text_file").message


def test_it_refuses_an_image(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    refused(p, "image_file")


def test_it_refuses_random_bytes(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(bytes(range(256)) * 8)
    refused(p, "not_spreadsheet")


def test_it_recognises_an_html_table_named_xls(tmp_path):
    p = tmp_path / "rekap.xls"
    p.write_bytes(b"\xef\xbb\xbf\r\n  <table border=1><tr><td>TAHUN</td></tr></table>")
    e = refused(p, "html_table")
    assert "HTML" in e.message and "Save As" in e.message


def test_it_refuses_a_truncated_zip(tmp_path):
    data = xlsx_bytes([rekap_sheet(3)])
    p = tmp_path / "a.xlsx"
    p.write_bytes(data[: len(data) // 2])
    refused(p, "corrupt_file")


def test_it_refuses_an_encrypted_workbook_and_says_remove_the_password(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(encrypted_ole_bytes())
    assert "kata sandi" in refused(p, "encrypted_file").message


def test_it_refuses_a_macro_workbook(tmp_path):
    p = tmp_path / "a.xlsm"
    p.write_bytes(xlsx_bytes([rekap_sheet(2)], macro=True))
    assert ".xlsx" in refused(p, "macro_workbook").message


def test_it_refuses_a_zip_bomb(tmp_path):
    p = tmp_path / "bomb.xlsx"
    p.write_bytes(zip_bomb_bytes(600))
    assert p.stat().st_size < 2_000_000
    refused(p, "zip_bomb", in_child=False)  # refused before any inflation


def test_it_refuses_a_zip_with_a_high_compression_ratio(tmp_path):
    p = tmp_path / "ratio.xlsx"
    p.write_bytes(zip_bomb_bytes(5))
    assert "rasio" in refused(p, "zip_bomb").message


def test_it_refuses_a_zip_with_too_many_entries(tmp_path):
    p = tmp_path / "many.xlsx"
    p.write_bytes(many_entries_zip_bytes(60))
    refused(p, "zip_bomb", limits=Limits(max_zip_entries=50))


def test_it_refuses_billion_laughs_in_workbook_xml(tmp_path):
    p = tmp_path / "lol.xlsx"
    p.write_bytes(xlsx_bytes([rekap_sheet(2)], workbook_doctype=BILLION_LAUGHS))
    assert "xl/workbook.xml" in refused(p, "xml_entities").message


def test_it_refuses_billion_laughs_in_a_sheet(tmp_path):
    p = write_xlsx(tmp_path / "lol2.xlsx", rekap_sheet(2, doctype=BILLION_LAUGHS))
    assert "sheet1.xml" in refused(p, "xml_entities").message


def test_a_real_cell_at_xfd1048576_is_refused_cleanly(tmp_path):
    sh = rekap_sheet(3, extra_cells=[("XFD1048576", 1048576, "boom")])
    p = write_xlsx(tmp_path / "far.xlsx", sh)
    refused(p, "sheet_too_large")
    refused(p, "sheet_too_large", in_child=False)  # prescan stops it in-process too


def test_a_far_cell_that_passes_the_prescan_crashes_only_the_child(tmp_path):
    # A crafted cell XFD1048576 inside <row r="5">: calamine asks for ~550 GB and
    # aborts the process it runs in.
    sh = rekap_sheet(3, extra_cells=[("XFD1048576", 5, "boom")])
    p = write_xlsx(tmp_path / "far2.xlsx", sh)
    # Disable the column check so calamine really sees the cell: the child dies.
    import budgets.importers.prescan as prescan

    old = prescan._FAR_COL
    prescan._FAR_COL = __import__("re").compile(rb"(?!)")
    try:
        e = refused(p, "reader_crashed", limits=Limits(max_columns=20000))
    finally:
        prescan._FAR_COL = old
    assert ".xlsx" in e.message


def test_a_child_that_runs_too_long_is_killed_and_reported(tmp_path):
    p = write_rekap(tmp_path / "a.xlsx", 2)
    refused(p, "reader_crashed", limits=Limits(timeout_seconds=0.0001))


def test_it_says_which_columns_were_expected_when_no_header_is_found(tmp_path):
    p = write_xlsx(tmp_path / "x.xlsx", Sheet("S", [["A", "B"], [1, 2]]))
    e = refused(p, "no_header")
    assert "KODE SUB KEGIATAN" in e.message and "'S'" in e.message


def test_a_header_without_data_rows_is_refused(tmp_path):
    p = write_xlsx(tmp_path / "h.xlsx", Sheet("S", [REKAP_HEADERS]))
    refused(p, "no_data")


def test_a_missing_required_column_is_named(tmp_path):
    headers = [h for h in REKAP_HEADERS if h not in ("KODE SUMBER DANA", "PAGU")]
    p = write_rekap(
        tmp_path / "m.xlsx", 2, headers=headers, rows=rekap_rows(2, headers=headers)
    )
    e = refused(p, "required_column_missing")
    assert "KODE SUMBER DANA" in e.message and "PAGU" in e.message


def test_a_docx_is_not_a_spreadsheet(tmp_path):
    p = tmp_path / "a.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    refused(p, "not_spreadsheet")


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    p = write_rekap(tmp_path / "a.xlsx", 3)
    refused(p, "file_too_large", limits=Limits(max_file_bytes=100))
