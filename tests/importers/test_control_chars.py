"""Control characters (U+0000-U+001F but tab and newline, and their _xHHHH_
escapes) never reach a row: removed at parse time, one warning per column."""

from budgets.importers import parse_file
from budgets.importers.codes import strip_controls

from .workbooks import REKAP_HEADERS, Raw, Sheet, rekap_rows, write_xlsx

NAMA = REKAP_HEADERS.index("NAMA SUB KEGIATAN")
KODE = REKAP_HEADERS.index("KODE REKENING")


def parse(tmp_path, rows):
    path = write_xlsx(tmp_path / "c.xlsx", Sheet("S", [REKAP_HEADERS, *rows]))
    return parse_file(path, in_child=False)


def test_a_cell_holding_u0000_gives_clean_text_and_a_warning(tmp_path):
    rows = rekap_rows(3)
    rows[0][NAMA] = "Pendataan\x00 Fakir Miskin"
    rows[2][NAMA] = "Pendataan\x00 Fakir Miskin"
    r = parse(tmp_path, rows)
    assert r.errors == []
    assert [x.nama_sub_kegiatan for x in r.rows][0::2] == ["Pendataan Fakir Miskin"] * 2
    [w] = r.warnings
    assert w.code == "control_chars_removed" and w.column == "NAMA SUB KEGIATAN"
    assert w.row == 2 and "2 sel" in w.message and "2 cell" in w.message_en
    assert w.severity == "warning"


def test_an_excel_x0000_escape_in_shared_strings_is_removed(tmp_path):
    rows = rekap_rows(2)
    rows[1][NAMA] = "Pendataan_x0000_ Fakir_x001F_ Miskin"  # decoded by the reader
    r = parse(tmp_path, rows)
    assert r.rows[1].nama_sub_kegiatan == "Pendataan Fakir Miskin"
    assert [w.code for w in r.warnings] == ["control_chars_removed"]


def test_an_inline_string_with_a_raw_control_char_is_cleaned(tmp_path):
    rows = rekap_rows(2)
    rows[0][NAMA] = Raw('t="inlineStr"', "<is><t>Nama\x01\x02 Bersih</t></is>")
    r = parse(tmp_path, rows)
    assert r.rows[0].nama_sub_kegiatan == "Nama Bersih"


def test_a_control_char_inside_a_code_is_removed_before_the_code_is_checked(tmp_path):
    rows = rekap_rows(2)
    rows[0][KODE] = "5.1.06.01.01.0001\x00"
    r = parse(tmp_path, rows)
    assert r.errors == [] and r.rows[0].kode_rekening == "5.1.06.01.01.0001"
    assert [w.column for w in r.warnings] == ["KODE REKENING"]


def test_each_column_gets_its_own_warning(tmp_path):
    rows = rekap_rows(2)
    rows[0][NAMA] = "A\x00"
    rows[1][REKAP_HEADERS.index("NAMA SKPD")] = "DINAS\x07 SOSIAL"
    r = parse(tmp_path, rows)
    assert sorted(w.column for w in r.warnings) == ["NAMA SKPD", "NAMA SUB KEGIATAN"]
    assert all(
        "\x00" not in v and "\x07" not in v
        for x in r.rows
        for v in x
        if isinstance(v, str)
    )


def test_tab_and_newline_are_kept_and_a_clean_file_has_no_warning(tmp_path):
    rows = rekap_rows(2)
    rows[0][NAMA] = "Baris satu\nbaris\tdua"
    r = parse(tmp_path, rows)
    assert r.warnings == [] and r.rows[0].nama_sub_kegiatan == "Baris satu\nbaris\tdua"


def test_strip_controls_removes_chars_and_their_escapes():
    assert strip_controls("a\x00b\x1fc\x0bd\re") == "abcde"
    assert strip_controls("a_x0000_b_x001F_c_x000D_d") == "abcd"
    assert strip_controls("t\tn\n_x0009_ _x000A_") == "t\tn\n_x0009_ _x000A_"


def test_no_problem_report_carries_a_control_character(tmp_path):
    rows = rekap_rows(2)
    rows[0][NAMA] = "A\x00B"
    rows[1][REKAP_HEADERS.index("PAGU")] = "12\x00"  # unreadable: an error
    r = parse(tmp_path, rows)
    assert [e.code for e in r.errors] == ["amount_unreadable"]
    for p in r.errors + r.warnings:
        for text in (p.value, p.message, p.message_en, p.column):
            assert strip_controls(text) == text
    assert r.errors[0].value == "12\ufffd"
