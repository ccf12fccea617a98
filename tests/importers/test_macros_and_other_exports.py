"""Macro workbooks are refused by their workbook part and VBA parts, never by
SheetJS's default content types; the SIPD exports that hold no budget lines
are recognised and refused with a message naming the recap export."""

import io
import zipfile

import pytest

from budgets.importers import FileRejected, parse_file

from .workbooks import (
    REKAP_HEADERS,
    Sheet,
    rekap_rows,
    rekap_sheet,
    write_xlsx,
    xlsx_bytes,
)

MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def refused(path):
    with pytest.raises(FileRejected) as e:
        parse_file(path, in_child=False)
    return e.value


def test_a_real_macro_workbook_is_refused(tmp_path):
    # what Excel writes for .xlsm: macro-enabled main part + xl/vbaProject.bin
    p = write_xlsx(tmp_path / "m.xlsm", rekap_sheet(2), macro=True)
    e = refused(p)
    assert e.code == "macro_workbook" and "makro" in e.message


def test_a_macro_enabled_workbook_part_without_vba_is_refused(tmp_path):
    p = write_xlsx(tmp_path / "m.xlsx", rekap_sheet(2), main_content_type=MACRO_MAIN)
    assert refused(p).code == "macro_workbook"


def test_a_vba_project_hidden_under_another_name_is_refused(tmp_path):
    data = xlsx_bytes([rekap_sheet(2)])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/code.dat" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            z.writestr(info, body)
        z.writestr("xl/code.dat", b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    p = tmp_path / "hidden.xlsx"
    p.write_bytes(buf.getvalue())
    assert refused(p).code == "macro_workbook"


def test_a_workbook_part_whose_default_extension_is_macro_enabled_is_refused(tmp_path):
    data = xlsx_bytes([rekap_sheet(2)])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                start = body.index(b'<Override PartName="/xl/workbook.xml"')
                end = body.index(b"/>", start) + 2
                body = body[:start] + body[end:]
                body = body.replace(
                    b'<Default Extension="xml" ContentType="application/xml"/>',
                    b'<Default Extension="xml" ContentType="'
                    + MACRO_MAIN.encode()
                    + b'"/>',
                )
            z.writestr(info, body)
    p = tmp_path / "d.xlsx"
    p.write_bytes(buf.getvalue())
    assert refused(p).code == "macro_workbook"


def test_sheetjs_default_content_types_without_macros_are_accepted(tmp_path):
    p = write_xlsx(tmp_path / "s.xlsx", rekap_sheet(3), sheetjs=True)
    with zipfile.ZipFile(p) as z:
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    r = parse_file(p)
    assert r.errors == [] and len(r.rows) == 3


# ---- other SIPD exports ----

RINCIAN = [
    "KODE SUB KEGIATAN", "KODE UNIT SKPD", "NAMA UNIT SKPD", "KODE SKPD", "KODE AKUN",
    "NAMA AKUN", "KODE STANDAR HARGA", "NAMA STANDAR HARGA",
    "PAKET/KELOMPOK BELANJA/TAGGING (#)", "KETERANGAN BELANJA/AKTIVITAS (-)",
    "SUMBER DANA", "SPESIFIKASI", "KOEFISIEN", "SATUAN", "HARGA SATUAN",
    "TOTAL HARGA", "UNIT KERJA",
]  # fmt: skip
RINCIAN_ROW = [
    "1.06.05.2.02.0001", "1.06.0.00.0.00.01.0000", "DINAS SOSIAL",
    "1.06.0.00.0.00.01.0000", "5.1.02.01.01.0024", "Belanja ATK",
    "1.1.12.01.03.0004.00001", "Kertas HVS", "#Paket ATK", "-Rapat", "PAD",
    "A4 80gr", "10 Rim", "Rim", 65000, 650000, "Sekretariat",
]  # fmt: skip
SSH = [
    "KODE STANDAR HARGA",
    "NAMA STANDAR HARGA",
    "SPESIFIKASI",
    "SATUAN",
    "HARGA SATUAN",
]
SSH_ROW = ["1.1.12.01.03.0004.00001", "Kertas HVS", "A4 80gr", "Rim", 65000]
KUA = ["KODE URUSAN", "KODE PROGRAM", "NAMA PROGRAM", "KODE SKPD", "PAGU INDIKATIF"]
KUA_ROW = ["1", "1.06.05", "PROGRAM PERLINDUNGAN", "1.06.0.00.0.00.01.0000", 5e9]
PPAS = [
    "NO",
    "KODE SKPD",
    "NAMA SKPD",
    "KODE SUB KEGIATAN",
    "PLAFON ANGGARAN SEMENTARA",
]
PPAS_ROW = [1, "1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "1.06.05.2.02.0001", 5e9]
PAGU_SKPD = ["NO", "TAHUN", "KODE SKPD", "NAMA SKPD", "PAGU"]
PAGU_SKPD_ROW = [1, 2024, "1.06.0.00.0.00.01.0000", "DINAS SOSIAL", 25e9]


@pytest.mark.parametrize(
    ("headers", "row", "code", "said_id", "said_en"),
    [
        (
            RINCIAN,
            RINCIAN_ROW,
            "rincian_belanja_export",
            "Rincian Belanja",
            "Rincian Belanja",
        ),
        (SSH, SSH_ROW, "ssh_export", "standar harga", "price list"),
        (KUA, KUA_ROW, "kua_ppas_export", "KUA-PPAS", "KUA-PPAS"),
        (PPAS, PPAS_ROW, "kua_ppas_export", "KUA-PPAS", "KUA-PPAS"),
        (PAGU_SKPD, PAGU_SKPD_ROW, "pagu_skpd_export", "pagu per SKPD", "per SKPD"),
    ],
)
def test_other_exports_are_refused_naming_the_recap_to_download(
    tmp_path, headers, row, code, said_id, said_en
):
    title = ["PEMERINTAH PROVINSI BANTEN TAHUN ANGGARAN 2024"]
    p = write_xlsx(tmp_path / "o.xlsx", Sheet("Data", [title, headers, row]))
    e = refused(p)
    assert e.code == code
    assert said_id in e.message and said_en in e.message_en
    assert "Rekap ... per sub kegiatan / rekening" in e.message
    assert "SIPD RI" in e.message and "SIPD RI" in e.message_en
    assert "'Data'" in e.message and "baris 2" in e.message


def test_a_recap_beside_a_price_list_sheet_is_read(tmp_path):
    sheets = [
        Sheet("SSH", [SSH, SSH_ROW]),
        Sheet("Rekap", [REKAP_HEADERS, *rekap_rows(2)]),
    ]
    r = parse_file(write_xlsx(tmp_path / "two.xlsx", sheets), in_child=False)
    assert r.sheet_name == "Rekap" and r.errors == [] and len(r.rows) == 2


def test_a_recap_with_a_standar_harga_column_is_not_a_price_list(tmp_path):
    headers = [*REKAP_HEADERS[:-1], "KODE STANDAR HARGA", "NAMA STANDAR HARGA", "PAGU"]
    rows = [
        [*r[:-1], "1.1.12.01.03.0004.00001", "Kertas", r[-1]] for r in rekap_rows(2)
    ]
    r = parse_file(write_xlsx(tmp_path / "sh.xlsx", Sheet("S", [headers, *rows])))
    assert r.kind == "rekap" and r.errors == []
    assert r.rows[0].kode_standar_harga == "1.1.12.01.03.0004.00001"
