"""Fast generator of big SIPD-shaped "rekap pagu" workbooks, and a read benchmark.

    python bench/sipd_workbook.py [ROWS] [PATH]

generates a recap (default 100,000 rows) and prints the bare python-calamine read
time, the parse_file time (child process) and the peak RSS of parent and child.
The xlsx XML is written directly with zipfile (shared strings, one style), which is
much faster than openpyxl: 100k rows take a few seconds.
"""

from __future__ import annotations

import random
import resource
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

#: The real 23-column "rekap5" layout (SIPD_IMPORT.md 1.1).
HEADERS = [
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

_BIDANG = [
    ("1", "1.01", "PENDIDIKAN", "DINAS PENDIDIKAN DAN KEBUDAYAAN"),
    ("1", "1.02", "KESEHATAN", "DINAS KESEHATAN"),
    ("1", "1.03", "PEKERJAAN UMUM DAN PENATAAN RUANG", "DINAS PEKERJAAN UMUM"),
    ("1", "1.04", "PERUMAHAN DAN KAWASAN PERMUKIMAN", "DINAS PERKIM"),
    ("1", "1.05", "KETENTERAMAN DAN KETERTIBAN UMUM", "SATUAN POLISI PAMONG PRAJA"),
    ("1", "1.06", "SOSIAL", "DINAS SOSIAL"),
    ("2", "2.07", "TENAGA KERJA", "DINAS TENAGA KERJA"),
    ("2", "2.08", "PEMBERDAYAAN PEREMPUAN", "DINAS P3AP2KB"),
    ("2", "2.09", "PANGAN", "DINAS KETAHANAN PANGAN"),
    ("2", "2.13", "PEMBERDAYAAN MASYARAKAT DAN DESA", "DINAS PMD"),
    ("2", "2.17", "KOPERASI, USAHA KECIL, DAN MENENGAH", "DINAS KOPERASI DAN UKM"),
    ("3", "3.25", "KELAUTAN DAN PERIKANAN", "DINAS PERIKANAN"),
    ("3", "3.27", "PERTANIAN", "DINAS PERTANIAN"),
    ("3", "3.30", "PERDAGANGAN", "DINAS PERDAGANGAN"),
    ("2", "2.12", "ADMINISTRASI KEPENDUDUKAN", "DINAS DUKCAPIL"),
    ("2", "2.14", "PENGENDALIAN PENDUDUK DAN KB", "DINAS PPKB"),
]
_URUSAN = {
    "1": "URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR",
    "2": "URUSAN PEMERINTAHAN WAJIB YANG TIDAK BERKAITAN DENGAN PELAYANAN DASAR",
    "3": "URUSAN PEMERINTAHAN PILIHAN",
}
_SUMBER = [
    ("1.1", "PENDAPATAN ASLI DAERAH"),
    ("2.1", "DANA TRANSFER UMUM - DANA ALOKASI UMUM"),
    ("2.2", "DANA TRANSFER KHUSUS - DAK FISIK"),
    ("2.3", "DANA TRANSFER KHUSUS - DAK NON FISIK"),
    ("2.4", "DANA BAGI HASIL"),
    ("3.1", "BANTUAN KEUANGAN PROVINSI"),
]
_REK_HEAD = [
    ("5.1.01.01", "Belanja Gaji dan Tunjangan ASN"),
    ("5.1.02.01", "Belanja Barang"),
    ("5.1.02.02", "Belanja Jasa"),
    ("5.1.02.03", "Belanja Pemeliharaan"),
    ("5.1.02.04", "Belanja Perjalanan Dinas"),
    ("5.1.06.01", "Belanja Bantuan Sosial kepada Individu"),
    ("5.1.06.02", "Belanja Bantuan Sosial kepada Keluarga"),
    ("5.2.02.05", "Belanja Modal Alat Kantor"),
    ("5.2.03.01", "Belanja Modal Gedung"),
    ("5.2.04.01", "Belanja Modal Jalan"),
]


class _Master:
    def __init__(self, rnd: random.Random):
        self.skpd = []
        for k, (u, b, nb, dinas) in enumerate(_BIDANG):
            kode = f"{b}.0.00.0.00.{k + 1:02d}.0000"
            subs = [(kode, dinas)]
            for s in range(1, rnd.randint(2, 4)):
                subs.append((f"{b}.0.00.0.00.{k + 1:02d}.{s:04d}", f"UPTD {s} {dinas}"))
            self.skpd.append((u, b, nb, kode, dinas, subs))
        self.subkeg = []  # (skpd_index, prog, keg, sub) with names
        for k in range(300):
            si = k % len(self.skpd)
            b = self.skpd[si][1]
            prog = f"{b}.{rnd.randint(1, 6):02d}"
            keg = f"{prog}.{rnd.choice('12')}.{rnd.randint(1, 9):02d}"
            sub = f"{keg}.{rnd.randint(1, 30):04d}"
            self.subkeg.append(
                (
                    si,
                    prog,
                    f"PROGRAM {prog}",
                    keg,
                    f"Kegiatan Contoh {keg}",
                    sub,
                    f"Sub Kegiatan Contoh {sub} [DATA CONTOH]",
                )
            )
        self.rek = []
        for k in range(200):
            head, nm = _REK_HEAD[k % len(_REK_HEAD)]
            self.rek.append((f"{head}.{k // 10 + 1:02d}.{k + 1:04d}", f"{nm} {k + 1}"))


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_NS = "http://schemas.openxmlformats.org/"


def _write_xlsx(path, sheet_name: str, sheet_xml: str, sst: list[str] | None,
                content_types_extra: str = "") -> None:
    """A minimal xlsx: one sheet, shared strings when given."""
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="{_NS}package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + content_types_extra +
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
           'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
           if sst is not None else "")
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_NS}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    wb = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_NS}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        + (f'<Relationship Id="rId2" Type="{_NS}officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>' if sst is not None else "")
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        if sst is not None:
            z.writestr("xl/sharedStrings.xml", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<sst xmlns="{_NS}spreadsheetml/2006/main" '
                f'count="{len(sst)}" uniqueCount="{len(sst)}">'
                + "".join(f"<si><t>{escape(t)}</t></si>" for t in sst)
                + "</sst>"
            ))
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)


def _draw_key(rnd, m: _Master, seen: set):
    """A new line key (sub unit, sub kegiatan, sumber dana, rekening) and its parts."""
    sk = m.subkeg
    while True:
        si, prog, nprog, keg, nkeg, sub, nsub = sk[rnd.randrange(len(sk))]
        u, b, nb, kskpd, nskpd, subs = m.skpd[si]
        ks, ns = subs[rnd.randrange(len(subs))]
        sd, nsd = _SUMBER[rnd.randrange(len(_SUMBER))]
        rek, nrek = m.rek[rnd.randrange(len(m.rek))]
        key = (ks, sub, sd, rek)
        if key not in seen:
            seen.add(key)
            return (u, b, nb, kskpd, nskpd, ks, ns, prog, nprog, keg, nkeg, sub, nsub,
                    sd, nsd, rek, nrek)


def generate_rekap(path, rows: int = 100_000, seed: int = 2024, year: int = 2024,
                   no_budget: float = 0.15, repeat: float = 0.20) -> int:
    """Write a recap of ``rows`` rows in the real 23-column layout ("rekap5":
    PAKET/KELOMPOK holds the word Kelompok or Paket, the identity is in its name)
    with the real files' proportions: ``no_budget`` of the rows are sub kegiatan
    with no budget (sumber dana, rekening and PAGU empty), ``repeat`` of the budget
    rows repeat an earlier row's key (another paket/kelompok of the same line: distinct
    money, summed by the import). Codes are text; NO, TAHUN and PAGU numbers.
    Returns the PAGU total."""
    rnd = random.Random(seed)
    m = _Master(rnd)
    sst: dict[str, int] = {}

    def s(text: str) -> int:
        i = sst.get(text)
        if i is None:
            i = sst[text] = len(sst)
        return i

    letters = [_col(i + 1) for i in range(len(HEADERS))]
    kinds = "nnssssssssssssssssssssn"
    cells_tpl = []
    for j, L in enumerate(letters):
        if kinds[j] == "n":
            cells_tpl.append(f'<c r="{L}{{r}}"><v>{{v{j}}}</v></c>')
        else:
            cells_tpl.append(f'<c r="{L}{{r}}" t="s"><v>{{v{j}}}</v></c>')
    fmt = ('<row r="{r}">' + "".join(cells_tpl) + "</row>").format
    # A row without budget: the three empty cells are left out, as SIPD does.
    empty_tpl = [t for j, t in enumerate(cells_tpl) if j not in (16, 17, 18, 19, 20, 21, 22)]
    fmt_empty = ('<row r="{r}">' + "".join(empty_tpl) + "</row>").format
    header = (
        '<row r="1">'
        + "".join(f'<c r="{L}1" t="s"><v>{s(h)}</v></c>'
                  for L, h in zip(letters, HEADERS, strict=False))
        + "</row>"
    )
    total = 0
    seen: set = set()
    drawn: list = []
    parts = [header]
    groups = ("Kelompok", "Paket")
    for i in range(rows):
        r = i + 2
        roll = rnd.random()
        if roll < no_budget:
            si, prog, nprog, keg, nkeg, sub, nsub = m.subkeg[rnd.randrange(len(m.subkeg))]
            u, b, nb, kskpd, nskpd, subs = m.skpd[si]
            ks, ns = subs[rnd.randrange(len(subs))]
            vals = (i + 1, year, s(u), s(_URUSAN[u]), s(kskpd), s(nskpd), s(ks), s(ns),
                    s(b), s(nb), s(prog), s(nprog), s(keg), s(nkeg), s(sub), s(nsub))
            parts.append(fmt_empty(r=r, **{f"v{j}": v for j, v in enumerate(vals)}))
            continue
        if drawn and roll < no_budget + repeat * (1 - no_budget):
            key = drawn[rnd.randrange(len(drawn))]
        else:
            key = _draw_key(rnd, m, seen)
            drawn.append(key)
        (u, b, nb, kskpd, nskpd, ks, ns, prog, nprog, keg, nkeg, sub, nsub,
         sd, nsd, rek, nrek) = key
        pagu = rnd.randrange(1_000, 5_000_000) * 1000
        total += pagu
        group = groups[rnd.randrange(2)]
        vals = (
            i + 1, year, s(u), s(_URUSAN[u]), s(kskpd), s(nskpd), s(ks), s(ns),
            s(b), s(nb), s(prog), s(nprog), s(keg), s(nkeg), s(sub), s(nsub),
            s(sd), s(nsd), s(rek), s(nrek), s(group),
            s(f"{group} Belanja {rnd.randrange(1, 400)}"), pagu,
        )  # fmt: skip
        parts.append(fmt(r=r, **{f"v{j}": v for j, v in enumerate(vals)}))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS}spreadsheetml/2006/main">'
        f'<dimension ref="A1:{_col(len(HEADERS))}{rows + 1}"/><sheetData>'
        + "".join(parts)
        + "</sheetData></worksheet>"
    )
    _write_xlsx(path, "Sheet 1", sheet, list(sst))
    return total


REALISASI_HEADERS = [
    "Nomor", "Kode SKPD", "Nama SKPD", "Kode Sub SKPD", "Nama Sub SKPD", "Kode Fungsi",
    "Nama Fungsi", "Kode Sub Fungsi", "Nama Sub Fungsi", "Kode Urusan", "Nama Urusan",
    "Kode Bidang Urusan", "Nama Bidang Urusan", "Kode Program", "Nama Program",
    "Kode Kegiatan", "Nama Kegiatan", "Kode Sub Kegiatan", "Nama Sub Kegiatan",
    "Kode Rekening", "Nama Rekening", "Nomor Dokumen", "Jenis Dokumen", "Jenis Transaksi",
    "Nomor DPT", "Tanggal Dokumen", "Keterangan Dokumen", "Nilai Realisasi",
    "Nilai Setoran", "NIP Pegawai", "Nama Pegawai", "Tanggal Simpan", "Nomor SPD",
    "Periode SPD", "Nilai SPD", "Tahapan SPD", "Nama Sub Tahapan Jadwal", "Tahapan APBD",
    "Nomor SPP", "Tanggal SPP", "Nomor SPM", "Tanggal SPM", "Nomor SP2D", "Tanggal SP2D",
    "Tanggal Transfer", "Nilai SP2D",
]
_BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]


def _rupiah_text(sen: int) -> str:
    whole, cents = divmod(sen, 100)
    return f"{whole:,}".replace(",", ".") + f",{cents:02d}"


def generate_realisasi(path, rows: int = 100_000, seed: int = 2024, year: int = 2024) -> int:
    """Write a "Laporan Realisasi Per Dokumen" of ``rows`` rows in SIPD's real layout
    (SheetJS: every cell an inline text, 46 columns, header on row 1, Indonesian
    amounts and long dates, a Total row merged over A:W, SheetJS's content type
    defaults). Its keys come from the recap generator's master data with the same
    seed. Documents span one to three rekening rows, with their Nilai SPD / SP2D
    repeated on each. Returns the Nilai Realisasi total in sen."""
    rnd = random.Random(seed)
    m = _Master(rnd)
    letters = [_col(i + 1) for i in range(len(REALISASI_HEADERS))]
    tpl = "".join(f'<c r="{L}{{r}}" t="str"><v>{{v{j}}}</v></c>' for j, L in enumerate(letters))
    fmt = ('<row r="{r}">' + tpl + "</row>").format
    parts = ['<row r="1">' + "".join(
        f'<c r="{L}1" t="str"><v>{escape(h)}</v></c>'
        for L, h in zip(letters, REALISASI_HEADERS, strict=True)) + "</row>"]
    seen: set = set()
    total = refund_total = 0
    i = doc = 0
    while i < rows:
        doc += 1
        month = rnd.randrange(12)
        date = f"{rnd.randrange(1, 29)} {_BULAN[month]} {year}"
        kind = ("LS", "UP", "GU")[rnd.randrange(3)]
        number = f"81.05/02.0/{doc:06d}/{kind}/M/{month + 1}/{year}"
        spd = _rupiah_text(rnd.randrange(10**8, 10**11))
        sp2d = _rupiah_text(rnd.randrange(10**7, 10**10))
        for _ in range(min(rnd.choice((1, 1, 2, 3)), rows - i)):
            (u, b, nb, kskpd, nskpd, ks, ns, prog, nprog, keg, nkeg, sub, nsub,
             _sd, _nsd, rek, nrek) = _draw_key(rnd, m, seen)
            amount = rnd.randrange(10_000, 50_000_000) * 100
            refund = amount // 50 if rnd.random() < 0.05 else 0
            total += amount
            refund_total += refund
            i += 1
            vals = (
                str(i), kskpd, nskpd, ks, ns, "01", "PELAYANAN UMUM", "04", "Lembaga",
                u, _URUSAN[u], b, nb, prog, nprog, keg, nkeg, sub, nsub, rek, nrek,
                number, "SPP" if kind == "LS" else "TBP", kind, "", date,
                f"PEMBAYARAN CONTOH {doc:06d}", _rupiah_text(amount), _rupiah_text(refund),
                "000000000000000000", "PEGAWAI CONTOH", date, f"SPD/{doc:06d}",
                "Semester 1", spd, "Penetapan APBD", "Penetapan APBD", "Murni", number,
                date, number, date, number, date, date, sp2d,
            )  # fmt: skip
            parts.append(fmt(r=i + 1, **{f"v{j}": escape(v) for j, v in enumerate(vals)}))
    n = rows + 2
    total_cells = [f'<c r="A{n}" t="str"><v>Total</v></c>'] + [
        f'<c r="{L}{n}" t="str"><v>{v}</v></c>' for L, v in (
            (letters[27], _rupiah_text(total)), (letters[28], _rupiah_text(refund_total)))
    ]
    parts.append(f'<row r="{n}">' + "".join(total_cells) + "</row>")
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS}spreadsheetml/2006/main">'
        f'<dimension ref="A1:{letters[-1]}{n}"/><sheetData>'
        + "".join(parts)
        + f'</sheetData><mergeCells count="1"><mergeCell ref="A{n}:W{n}"/></mergeCells>'
        "</worksheet>"
    )
    sheetjs = ('<Default Extension="bin" ContentType="application/'
               'vnd.ms-excel.sheet.binary.macroEnabled.main"/>')
    _write_xlsx(path, "Data Realisasi", sheet, None, sheetjs)
    return total


def _bench(rows: int, path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import python_calamine

    from budgets.importers import parse_file
    from budgets.importers.reader import LAST_CHILD_STATS

    t = time.perf_counter()
    total = generate_rekap(path, rows=rows)
    gen = time.perf_counter() - t
    size = path.stat().st_size
    print(
        f"generated {rows:,} rows, {size / 1e6:.1f} MB in {gen:.2f}s (total {total:,})"
    )
    best_bare = best_parse = best_inproc = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
        best_bare = min(best_bare, time.perf_counter() - t)
        del wb
        t = time.perf_counter()
        res = parse_file(path)
        best_parse = min(best_parse, time.perf_counter() - t)
        t = time.perf_counter()
        parse_file(path, in_child=False)
        best_inproc = min(best_inproc, time.perf_counter() - t)
    assert not res.errors, res.errors[:3]
    assert len(res.rows) == rows
    assert sum(r.pagu for r in res.rows) == total
    print(f"bare calamine read:     {best_bare:.3f}s")
    print(f"parse_file (child):     {best_parse:.3f}s  ({best_parse / best_bare:.2f}x)")
    print(
        f"parse_file (in-process): {best_inproc:.3f}s  ({best_inproc / best_bare:.2f}x)"
    )
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = LAST_CHILD_STATS.get("maxrss_kb", 0) / 1024
    print(
        f"peak RSS parent (incl. in-process runs): {parent:.0f} MB; child: {child:.0f} MB"
    )


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    p = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/sipd_rekap_bench.xlsx")
    _bench(n, p)
