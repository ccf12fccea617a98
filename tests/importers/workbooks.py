"""Builders for the small test workbooks of the SIPD importer tests.

Everything is written as raw SpreadsheetML (or ODF) XML inside a zip, so that each
test controls exactly the bytes a real export would carry: hidden rows, declared
dimensions, formulas with or without cached values, rich text, decoy sheets.
No Django, no conftest: tests import these helpers directly.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

REKAP_HEADERS = [
    "NO",
    "TAHUN",
    "KODE URUSAN",
    "NAMA URUSAN",
    "KODE SKPD",
    "NAMA SKPD",
    "KODE SUB UNIT",
    "NAMA SUB UNIT",
    "KODE BIDANG URUSAN",
    "NAMA BIDANG URUSAN",
    "KODE PROGRAM",
    "NAMA PROGRAM",
    "KODE KEGIATAN",
    "NAMA KEGIATAN",
    "KODE SUB KEGIATAN",
    "NAMA SUB KEGIATAN",
    "KODE SUMBER DANA",
    "NAMA SUMBER DANA",
    "KODE REKENING",
    "NAMA REKENING",
    "PAKET/KELOMPOK",
    "NAMA PAKET/KELOMPOK",
    "PAGU",
]

REALISASI_HEADERS = [
    "Kode SKPD",
    "Nama SKPD",
    "Kode Sub SKPD",
    "Nama Sub SKPD",
    "Kode Urusan",
    "Nama Urusan",
    "Kode Bidang Urusan",
    "Nama Bidang Urusan",
    "Kode Program",
    "Nama Program",
    "Kode Kegiatan",
    "Nama Kegiatan",
    "Kode Sub Kegiatan",
    "Nama Sub Kegiatan",
    "Kode Rekening",
    "Nama Rekening",
    "Nomor Dokumen",
    "Jenis Dokumen",
    "Jenis Transaksi",
    "Tanggal Dokumen",
    "Nilai Realisasi",
    "Nilai Setoran",
    "NIP Pegawai",
    "Nama Pegawai",
    "Tahapan APBD",
]


def rekap_row(i: int = 1, *, pagu=1_250_000_000, tahun=2024, sub="0001", **over):
    """One clean rekap line as a dict keyed by REKAP_HEADERS.

    `i` varies the rekening so that rows are distinct natural keys.
    """
    row = {
        "NO": i,
        "TAHUN": tahun,
        "KODE URUSAN": "1",
        "NAMA URUSAN": "URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR",
        "KODE SKPD": "1.06.0.00.0.00.01.0000",
        "NAMA SKPD": "DINAS SOSIAL",
        "KODE SUB UNIT": "1.06.0.00.0.00.01.0000",
        "NAMA SUB UNIT": "DINAS SOSIAL",
        "KODE BIDANG URUSAN": "1.06",
        "NAMA BIDANG URUSAN": "SOSIAL",
        "KODE PROGRAM": "1.06.05",
        "NAMA PROGRAM": "PROGRAM PERLINDUNGAN DAN JAMINAN SOSIAL",
        "KODE KEGIATAN": "1.06.05.2.02",
        "NAMA KEGIATAN": "Pengelolaan Data Fakir Miskin Cakupan Daerah Kabupaten/Kota",
        "KODE SUB KEGIATAN": f"1.06.05.2.02.{sub}",
        "NAMA SUB KEGIATAN": "Pendataan Fakir Miskin Cakupan Daerah Kabupaten/Kota",
        "KODE SUMBER DANA": "1.1",
        "NAMA SUMBER DANA": "PENDAPATAN ASLI DAERAH",
        "KODE REKENING": f"5.1.06.01.01.{i:04d}",
        "NAMA REKENING": "Belanja Bantuan Sosial Uang kepada Individu",
        "PAKET/KELOMPOK": "1",
        "NAMA PAKET/KELOMPOK": "Paket 1",
        "PAGU": pagu,
    }
    row.update(over)
    return row


def rekap_rows(n: int = 3, headers=REKAP_HEADERS, **over) -> list[list]:
    """`n` clean rekap lines as lists in the order of `headers`."""
    out = []
    for i in range(1, n + 1):
        d = rekap_row(i, **over)
        out.append([d.get(h) for h in headers])
    return out


def realisasi_row(i: int = 1, **over):
    row = {
        "Kode SKPD": "1.06.0.00.0.00.01.0000",
        "Nama SKPD": "DINAS SOSIAL",
        "Kode Sub SKPD": "1.06.0.00.0.00.01.0000",
        "Nama Sub SKPD": "DINAS SOSIAL",
        "Kode Urusan": "1",
        "Nama Urusan": "URUSAN WAJIB PELAYANAN DASAR",
        "Kode Bidang Urusan": "1.06",
        "Nama Bidang Urusan": "SOSIAL",
        "Kode Program": "1.06.05",
        "Nama Program": "PROGRAM PERLINDUNGAN DAN JAMINAN SOSIAL",
        "Kode Kegiatan": "1.06.05.2.02",
        "Nama Kegiatan": "Pengelolaan Data Fakir Miskin",
        "Kode Sub Kegiatan": "1.06.05.2.02.0001",
        "Nama Sub Kegiatan": "Pendataan Fakir Miskin",
        "Kode Rekening": "5.1.06.01.01.0001",
        "Nama Rekening": "Belanja Bantuan Sosial Uang kepada Individu",
        "Nomor Dokumen": f"00{i}/SP2D/LS/2024",
        "Jenis Dokumen": "SP2D",
        "Jenis Transaksi": "LS",
        "Tanggal Dokumen": dt.date(2024, 3, i % 28 + 1),
        "Nilai Realisasi": 1_000_000 * i,
        "Nilai Setoran": 0,
        "NIP Pegawai": "198001012005011001",
        "Nama Pegawai": "Budi Santoso",
        "Tahapan APBD": "APBD MURNI",
    }
    row.update(over)
    return row


# --------------------------------------------------------------------------
# Cell value markers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell; `cached` None means no cached value (never calculated)."""

    formula: str
    cached: object = None


@dataclass(frozen=True)
class Rich:
    """A rich-text (inline string with runs) cell."""

    runs: tuple

    @property
    def text(self) -> str:
        return "".join(self.runs)


@dataclass(frozen=True)
class Raw:
    """Raw <c> inner XML and attributes, for hostile files."""

    attrs: str
    inner: str


@dataclass
class Sheet:
    name: str
    rows: list  # list of rows; a row is a list of values (None = empty cell)
    first_row: int = 1  # Excel row number of rows[0]
    first_col: int = 1  # 1 = column A
    state: str = "visible"  # visible | hidden | veryHidden
    hidden_rows: set = field(default_factory=set)  # Excel row numbers
    merged: list = field(default_factory=list)  # e.g. ["A1:W1"]
    dimension: str | None = None  # override the declared <dimension ref>
    extra_cells: list = field(default_factory=list)  # [(ref, row, value)] appended
    doctype: str = ""  # text inserted before <worksheet>


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_EPOCH = dt.datetime(1899, 12, 30)


def _cell_xml(ref: str, v, shared: dict) -> str:
    if v is None:
        return ""
    if shared is None and isinstance(v, str):  # SheetJS: text written in the cell
        return f'<c r="{ref}" t="str"><v>{escape(v)}</v></c>'
    if isinstance(v, Raw):
        return f'<c r="{ref}" {v.attrs}>{v.inner}</c>'
    if isinstance(v, Formula):
        f = f"<f>{escape(v.formula)}</f>"
        if v.cached is None:
            return f'<c r="{ref}">{f}</c>'
        if isinstance(v.cached, str):
            return f'<c r="{ref}" t="str">{f}<v>{escape(v.cached)}</v></c>'
        return f'<c r="{ref}">{f}<v>{v.cached}</v></c>'
    if isinstance(v, Rich):
        runs = "".join(
            f'<r><rPr><b/></rPr><t xml:space="preserve">{escape(t)}</t></r>'
            if k % 2 == 0
            else f'<r><t xml:space="preserve">{escape(t)}</t></r>'
            for k, t in enumerate(v.runs)
        )
        return f'<c r="{ref}" t="inlineStr"><is>{runs}</is></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, dt.datetime):
        serial = (v - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="2"><v>{serial}</v></c>'
    if isinstance(v, dt.date):
        serial = (dt.datetime(v.year, v.month, v.day) - _EPOCH).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(v, (int, float, Decimal)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    s = str(v)
    idx = shared.setdefault(s, len(shared))
    return f'<c r="{ref}" t="s"><v>{idx}</v></c>'


def _sheet_xml(sh: Sheet, shared: dict | None) -> str:
    body = []
    max_c = 0
    last_r = sh.first_row
    for k, row in enumerate(sh.rows):
        r = sh.first_row + k
        cells = []
        for j, v in enumerate(row):
            c = sh.first_col + j
            x = _cell_xml(f"{col_letter(c)}{r}", v, shared)
            if x:
                cells.append(x)
                max_c = max(max_c, c)
        hid = ' hidden="1"' if r in sh.hidden_rows else ""
        if cells or hid:
            body.append(f'<row r="{r}"{hid}>{"".join(cells)}</row>')
            last_r = r
    for ref, r, v in sh.extra_cells:
        body.append(f'<row r="{r}">{_cell_xml(ref, v, shared)}</row>')
    dim = sh.dimension or (
        f"{col_letter(sh.first_col)}{sh.first_row}:{col_letter(max(max_c, 1))}{last_r}"
    )
    merged = ""
    if sh.merged:
        merged = (
            f'<mergeCells count="{len(sh.merged)}">'
            + "".join(f'<mergeCell ref="{m}"/>' for m in sh.merged)
            + "</mergeCells>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + sh.doctype
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="{dim}"/><sheetData>{"".join(body)}</sheetData>{merged}'
        "</worksheet>"
    )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)


def xlsx_bytes(
    sheets: list[Sheet],
    *,
    workbook_doctype: str = "",
    extra_entries: dict | None = None,
    macro: bool = False,
    sheetjs: bool = False,
    main_content_type: str | None = None,
) -> bytes:
    """sheetjs: written as SheetJS writes (text in the cells, no shared strings,
    its default content types, among them a macroEnabled one for .bin)."""
    shared: dict = {}
    sheet_xmls = [_sheet_xml(sh, None if sheetjs else shared) for sh in sheets]
    sst_items = "".join(
        f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in shared
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(shared)}" uniqueCount="{len(shared)}">{sst_items}</sst>'
    )
    main_ct = main_content_type or (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        if macro
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    ws_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{ws_ct}"/>'
        for i in range(len(sheets))
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + (
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            if macro
            else ""
        )
        + (
            '<Default Extension="bin" '
            'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            '<Default Extension="vml" '
            'ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            if sheetjs
            else ""
        )
        + f'<Override PartName="/xl/workbook.xml" ContentType="{main_ct}"/>'
        + overrides
        + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheets_el = "".join(
        f'<sheet name="{escape(sh.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"'
        + ("" if sh.state == "visible" else f' state="{sh.state}"')
        + "/>"
        for i, sh in enumerate(sheets)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + workbook_doctype
        + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets_el}</sheets></workbook>"
    )
    rel_t = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    n = len(sheets)
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{rel_t}worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(n)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{rel_t}sharedStrings" '
        'Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{rel_t}styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("xl/sharedStrings.xml", sst)
        for i, x in enumerate(sheet_xmls):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", x)
        if macro:
            z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 508)
        for name, data in (extra_entries or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def write_xlsx(path: Path, sheets, **kw) -> Path:
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    Path(path).write_bytes(xlsx_bytes(sheets, **kw))
    return Path(path)


def rekap_sheet(n: int = 3, *, headers=REKAP_HEADERS, name="Sheet1", rows=None, **kw):
    rows = rekap_rows(n, headers) if rows is None else rows
    return Sheet(name, [list(headers)] + rows, **kw)


def write_rekap(path: Path, n: int = 3, **kw) -> Path:
    return write_xlsx(path, rekap_sheet(n, **kw))


# --------------------------------------------------------------------------
# ODS (OpenDocument) minimal writer
# --------------------------------------------------------------------------


def ods_bytes(name: str, rows: list[list]) -> bytes:
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}'
            "</text:p></table:table-cell>"
        )

    trs = "".join(
        "<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>"
        for r in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(name)}">'
        f"{trs}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
        )
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --------------------------------------------------------------------------
# Hostile / non-spreadsheet inputs
# --------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def zip_bomb_bytes(inflated_mb: int = 600) -> bytes:
    """A small xlsx whose sheet XML inflates to `inflated_mb` MB of blanks."""
    base = xlsx_bytes([rekap_sheet(2)])
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with z.open(info.filename, "w", force_zip64=True) as w:
                    chunk = b" " * (1 << 20)
                    w.write(src.read(info.filename).replace(b"</worksheet>", b""))
                    for _ in range(inflated_mb):
                        w.write(chunk)
                    w.write(b"</worksheet>")
            else:
                z.writestr(info, src.read(info.filename))
    return buf.getvalue()


def many_entries_zip_bytes(n: int) -> bytes:
    base = xlsx_bytes([rekap_sheet(2)])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        for i in range(n):
            z.writestr(f"xl/media/x{i}.txt", b"")
    return buf.getvalue()


def encrypted_ole_bytes() -> bytes:
    """An OLE compound file header carrying the EncryptedPackage stream name.

    A real password-protected xlsx is an OLE container with streams named
    'EncryptionInfo' and 'EncryptedPackage' (UTF-16LE in the directory).
    """
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[0x1A:0x1C] = (0x3E).to_bytes(2, "little")
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")
    header[0x1E:0x20] = (9).to_bytes(2, "little")
    directory = bytearray(512)
    for k, name in enumerate(["Root Entry", "EncryptionInfo", "EncryptedPackage"]):
        enc = name.encode("utf-16-le")
        directory[k * 128 : k * 128 + len(enc)] = enc
        directory[k * 128 + 64 : k * 128 + 66] = (len(enc) + 2).to_bytes(2, "little")
    return bytes(header) + bytes(directory) + b"\0" * 1024


# --------------------------------------------------------------------------
# The real layouts (SIPD_IMPORT.md 1.1 - 1.3)
# --------------------------------------------------------------------------

RECAP_21 = [h for h in REKAP_HEADERS if h not in ("PAKET/KELOMPOK", "NAMA PAKET/KELOMPOK")]
RECAP_23_PAKET = REKAP_HEADERS
RECAP_23_STANDAR_HARGA = RECAP_21[:-1] + [
    "KODE STANDAR HARGA",
    "NAMA STANDAR HARGA",
    "PAGU",
]

SIPD_REALISASI_HEADERS = (
    "Nomor|Kode SKPD|Nama SKPD|Kode Sub SKPD|Nama Sub SKPD|Kode Fungsi|Nama Fungsi|"
    "Kode Sub Fungsi|Nama Sub Fungsi|Kode Urusan|Nama Urusan|Kode Bidang Urusan|"
    "Nama Bidang Urusan|Kode Program|Nama Program|Kode Kegiatan|Nama Kegiatan|"
    "Kode Sub Kegiatan|Nama Sub Kegiatan|Kode Rekening|Nama Rekening|Nomor Dokumen|"
    "Jenis Dokumen|Jenis Transaksi|Nomor DPT|Tanggal Dokumen|Keterangan Dokumen|"
    "Nilai Realisasi|Nilai Setoran|NIP Pegawai|Nama Pegawai|Tanggal Simpan|Nomor SPD|"
    "Periode SPD|Nilai SPD|Tahapan SPD|Nama Sub Tahapan Jadwal|Tahapan APBD|Nomor SPP|"
    "Tanggal SPP|Nomor SPM|Tanggal SPM|Nomor SP2D|Tanggal SP2D|Tanggal Transfer|"
    "Nilai SP2D"
).split("|")


def sipd_realisasi_row(i: int = 1, **over) -> dict:
    """One row of the real realisation layout: every cell text."""
    row = dict.fromkeys(SIPD_REALISASI_HEADERS, "")
    row.update(
        {
            "Nomor": str(i),
            "Kode SKPD": "1.02.0.00.0.00.01.0000",
            "Nama SKPD": "Dinas Kesehatan",
            "Kode Sub SKPD": "1.02.0.00.0.00.01.0010",
            "Nama Sub SKPD": "UPTD Puskesmas Contoh",
            "Kode Fungsi": "01",
            "Kode Sub Fungsi": "04",
            "Kode Urusan": "1",
            "Kode Bidang Urusan": "1.02",
            "Kode Program": "1.02.02",
            "Kode Kegiatan": "1.02.02.2.01",
            "Kode Sub Kegiatan": "1.02.02.2.01.0020",
            "Nama Sub Kegiatan": "Penyediaan Fasilitas Pelayanan Kesehatan",
            "Kode Rekening": "5.1.02.01.01.0024",
            "Nama Rekening": "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor",
            "Nomor Dokumen": f"81.05/02.0/{i:06d}/LS/1.02.0.00.0.00.01.0010/M/2/2025",
            "Jenis Dokumen": "SPP",
            "Jenis Transaksi": "LS",
            "Tanggal Dokumen": "8 Januari 2025",
            "Nilai Realisasi": "426.264.120,00",
            "Nilai Setoran": "0,00",
            "NIP Pegawai": "198001012005011001",
            "Nama Pegawai": "BUDI SANTOSO",
            "Nilai SPD": "999.999.999,00",
            "Tahapan APBD": "Murni",
            "Nilai SP2D": "888.888.888,00",
        }
    )
    row.update(over)
    return row


def sipd_realisasi_sheet(rows: list[dict], *, total=None, headers=None, name=None):
    """The real layout: header on row 1, a `Total` row merged over A:W whose
    Nilai Realisasi is `total` (the sum when None; False: no total row)."""
    headers = headers or SIPD_REALISASI_HEADERS
    body = [[r.get(h, "") for h in headers] for r in rows]
    merged = []
    if total is not False:
        if total is None:
            from budgets.importers import parse_amount
            from budgets.importers.amounts import format_amount

            s = sum(parse_amount(r["Nilai Realisasi"]) for r in rows)
            total = format_amount(s) + ("" if s != int(s) else ",00")
        t = ["" for _ in headers]
        t[0] = "Total"
        t[headers.index("Nilai Realisasi")] = total
        body.append(t)
        n = len(body) + 1
        merged = [f"A{n}:W{n}"]
    return Sheet(name or "Data Realisasi", [list(headers)] + body, merged=merged)
