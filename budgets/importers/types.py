"""Data types of the SIPD importer: limits, errors, rows and the parse result.

Nothing here imports Django: the reader runs in a forked child and its result is
pickled back to the parent, so every type is a plain picklable class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


@dataclass(frozen=True)
class Limits:
    """Caps applied before and while reading an uploaded workbook.

    Defaults are sized for the largest real SIPD exports (a province-wide recap is
    ~100-200k lines, ~15 MB xlsx, ~120 MB of sheet XML) with a wide safety margin,
    while staying far below what would hurt a 2-4 GB worker:

    - max_file_bytes 50 MB: 3x the biggest recap seen; uploads above are refused.
    - max_uncompressed_bytes 500 MB: total inflated size of all zip entries
      (a 200k-row sheet inflates to ~160 MB).
    - max_entry_bytes 400 MB: one zip entry.
    - max_ratio 200: inflated/compressed per entry (real sheet XML is 5-20x;
      only checked for entries above ratio_min_bytes = 1 MB).
    - max_zip_entries 10,000: a real xlsx has 10-50 parts.
    - max_rows 1,000,000 (Excel's own limit is 1,048,576) and max_columns 200
      (SIPD's widest export has ~45 columns).
    - child_memory_bytes 1.5 GB: address space the child may add on top of what it
      inherited at fork (RLIMIT_AS); a 100k-row read peaks at ~0.5 GB.
    - timeout_seconds 300: wall clock for the child (read + parse).
    - header_search_rows 20: the header must be in the first 20 rows of a sheet.
    """

    max_file_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 500 * 1024 * 1024
    max_entry_bytes: int = 400 * 1024 * 1024
    max_ratio: float = 200.0
    ratio_min_bytes: int = 1024 * 1024
    max_zip_entries: int = 10_000
    max_rows: int = 1_000_000
    max_columns: int = 200
    child_memory_bytes: int = 1536 * 1024 * 1024
    timeout_seconds: float = 300.0
    header_search_rows: int = 20
    xml_head_bytes: int = 64 * 1024


DEFAULT_LIMITS = Limits()


class FileRejected(Exception):
    """The whole file is refused; `message` is Indonesian, `message_en` English."""

    def __init__(self, code: str, message: str, message_en: str):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message = message
        self.message_en = message_en

    def __reduce__(self):
        return (FileRejected, (self.code, self.message, self.message_en))


class CellError:
    """One problem in the file.

    row: 1-based row number as the spreadsheet shows it (None: the whole file).
    column: header text as written in the file (None: whole row / file).
    value: the raw cell value as a string ("" when empty).
    code: stable machine key (see messages.CATALOG) used to group problems.
    severity: "error" (the row / file is invalid) or "warning" (kept, reported).
    """

    __slots__ = ("row", "column", "value", "code", "message", "message_en", "severity")

    def __init__(self, row, column, value, code, message, message_en, severity="error"):
        self.row = row
        self.column = column
        self.value = value
        self.code = code
        self.message = message
        self.message_en = message_en
        self.severity = severity

    def __reduce__(self):
        return (
            CellError,
            (
                self.row,
                self.column,
                self.value,
                self.code,
                self.message,
                self.message_en,
                self.severity,
            ),
        )

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self):
        return f"CellError({self.row}, {self.column!r}, {self.value!r}, {self.code!r})"

    def __eq__(self, other):
        return isinstance(other, CellError) and self.as_dict() == other.as_dict()

    __hash__ = None


class RekapRow(NamedTuple):
    """One budget line. `ok` is False when any cell of the row had an error; the
    fields of such cells hold None (amounts, tahun) or the cleaned raw text."""

    row_number: int
    tahun: int | None
    kode_urusan: str
    nama_urusan: str
    kode_bidang: str
    nama_bidang: str
    kode_skpd: str
    nama_skpd: str
    kode_sub_unit: str
    nama_sub_unit: str
    kode_program: str
    nama_program: str
    kode_kegiatan: str
    nama_kegiatan: str
    kode_sub_kegiatan: str
    nama_sub_kegiatan: str
    kode_sumber_dana: str
    nama_sumber_dana: str
    kode_rekening: str
    nama_rekening: str
    paket: str
    nama_paket: str
    pagu: Decimal | None
    realisasi: Decimal | None
    pilar: str | None
    strategi: str | None
    labels: tuple | None  # ((column header, value), ...) of LABEL/TEKS columns
    ok: bool

    def natural_key(self):
        return (
            self.tahun,
            self.kode_skpd,
            self.kode_sub_unit,
            self.kode_sub_kegiatan,
            self.kode_sumber_dana,
            self.kode_rekening,
            self.paket,
        )


class RealisasiRow(NamedTuple):
    """One realisation document line (NIP / Nama Pegawai are never carried)."""

    row_number: int
    kode_skpd: str
    nama_skpd: str
    kode_sub_skpd: str
    nama_sub_skpd: str
    kode_urusan: str
    kode_bidang: str
    kode_program: str
    kode_kegiatan: str
    kode_sub_kegiatan: str
    nama_sub_kegiatan: str
    kode_rekening: str
    nama_rekening: str
    nomor_dokumen: str
    jenis_dokumen: str
    jenis_transaksi: str
    tanggal_dokumen: object  # datetime.date | None
    nilai_realisasi: Decimal | None
    nilai_setoran: Decimal | None
    tahapan_apbd: str
    ok: bool


@dataclass
class ParseResult:
    kind: str  # "rekap" | "realisasi"
    sheet_name: str
    header_row: int  # 1-based
    columns: list  # canonical keys found, in file order
    raw_headers: list  # header texts as written, in file order
    rows: list  # RekapRow | RealisasiRow, in file order
    errors: list = field(default_factory=list)  # CellError, severity "error"
    warnings: list = field(default_factory=list)  # CellError, severity "warning"
    total_rows_read: int = 0  # rows below the header, as read (incl. skipped)
    skipped: list = field(default_factory=list)  # (row_number, reason)
    file_total: Decimal | None = None
    title_lines: list = field(default_factory=list)
    pemda_name: str | None = None
    fiscal_years: set = field(default_factory=set)
    ignored_columns: list = field(default_factory=list)  # headers not used
    file_format: str = "xlsx"  # xlsx | xls | ods
    wire: tuple | None = None  # rows as columns while crossing the pipe (internal)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def valid_rows(self) -> list:
        return [r for r in self.rows if r.ok]

    @property
    def invalid_row_numbers(self) -> set:
        return {r.row_number for r in self.rows if not r.ok}

    def errors_by_code(self) -> dict:
        out: dict = {}
        for e in self.errors:
            out.setdefault(e.code, []).append(e)
        return out
