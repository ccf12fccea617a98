"""Data types of the SIPD importer: limits, errors, rows and the parse result.

Nothing here imports Django: the reader runs in a forked child and its result is
pickled back to the parent, so every type is a plain picklable class. A result
kept between preview and commit is JSON (``ParseResult.to_json`` /
``ParseResult.from_json``): data, never a pickle.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
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
    """One row of a budget recap. `ok` is False when any cell of the row had an
    error; the fields of such cells hold None (amounts, tahun) or the cleaned raw
    text.

    Rows sharing `natural_key()` are distinct money (one row per paket/kelompok
    or standar harga item): the service sums them into one line.

    A row with KODE SUMBER DANA, KODE REKENING and PAGU all empty is a sub
    kegiatan (or a kegiatan, kode_sub_kegiatan "") with no budget: ok, with
    has_budget False, pagu None and those codes "".
    """

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
    paket: str  # PAKET/KELOMPOK as written ("Kelompok", "Paket"); "" if absent
    nama_paket: str  # NAMA PAKET/KELOMPOK
    kode_standar_harga: str  # KODE STANDAR HARGA; "" when absent
    nama_standar_harga: str
    pagu: Decimal | None
    realisasi: Decimal | None
    pilar: str | None
    strategi: str | None
    labels: tuple | None  # ((column header, value), ...) of LABEL/TEKS columns
    tahapan: str  # TAHAPAN column text as written (cleaned); "" when absent
    has_budget: bool
    ok: bool

    def natural_key(self):
        return (
            self.tahun,
            self.kode_skpd,
            self.kode_sub_unit,
            self.kode_sub_kegiatan,
            self.kode_sumber_dana,
            self.kode_rekening,
        )


class RealisasiRow(NamedTuple):
    """One realisation document x rekening row (NIP / Nama Pegawai are never
    carried; Nilai SPD / Nilai SP2D are not spending and are not carried)."""

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


class RakRow(NamedTuple):
    """One row of a DPA / RAK export (anggaran kas): the monthly cash plan of one
    account of one sub kegiatan. `months` holds Bulan 1..12 (Decimal, None
    for an unreadable cell)."""

    row_number: int
    kode_skpd: str
    nama_skpd: str
    kode_sub_unit: str  # kode_skpd when the file has no sub unit column
    nama_sub_unit: str
    kode_urusan: str
    kode_bidang: str
    kode_program: str
    kode_kegiatan: str
    kode_sub_kegiatan: str
    nama_sub_kegiatan: str
    kode_rekening: str
    nama_rekening: str
    sumber_dana: str  # the funding source's NAME as written (no code in RAK)
    nilai_rincian: Decimal | None
    months: tuple  # 12 x (Decimal | None)
    tipe_dokumen: str
    ok: bool


ROW_CLASS = {"rekap": RekapRow, "realisasi": RealisasiRow, "rak": RakRow}

#: Fields that are not plain JSON values: how they are written as data.
_CODECS = {
    "rekap": {"pagu": "dec", "realisasi": "dec", "labels": "pairs"},
    "realisasi": {
        "tanggal_dokumen": "date",
        "nilai_realisasi": "dec",
        "nilai_setoran": "dec",
    },
    "rak": {"nilai_rincian": "dec", "months": "decs"},
}


def _dec_out(c):
    return [None if d is None else str(d) for d in c]


def _dec_in(c):
    if None not in c:
        return list(map(Decimal, c))
    return [None if x is None else Decimal(x) for x in c]


def encode_columns(kind: str, columns: list) -> list:
    """Row columns as plain data (str/int/bool/None and lists): Decimals as
    strings, dates ISO, tuples as lists. Used on the child pipe and in JSON."""
    codecs = _CODECS[kind]
    out = []
    for name, c in zip(ROW_CLASS[kind]._fields, columns, strict=True):
        how = codecs.get(name)
        if how == "dec":
            out.append(_dec_out(c))
        elif how == "date":
            out.append([None if d is None else d.isoformat() for d in c])
        elif how == "pairs":
            out.append([None if p is None else [list(x) for x in p] for p in c])
        elif how == "decs":
            out.append([None if m is None else _dec_out(m) for m in c])
        else:
            out.append(c if isinstance(c, list) else list(c))
    return out


def decode_columns(kind: str, enc: list) -> list:
    codecs = _CODECS[kind]
    fields = ROW_CLASS[kind]._fields
    if len(enc) != len(fields):
        raise ValueError("column count")
    out = []
    for name, c in zip(fields, enc, strict=True):
        how = codecs.get(name)
        if how == "dec":
            out.append(_dec_in(c))
        elif how == "date":
            d = {x: (None if x is None else dt.date.fromisoformat(x)) for x in set(c)}
            out.append(list(map(d.__getitem__, c)))
        elif how == "pairs":
            out.append([None if p is None else tuple(map(tuple, p)) for p in c])
        elif how == "decs":
            out.append([None if m is None else tuple(_dec_in(m)) for m in c])
        else:
            out.append(c)
    return out


def build_rows(kind: str, columns: list) -> list:
    make = partial(tuple.__new__, ROW_CLASS[kind])
    return list(map(make, zip(*columns, strict=True)))


@dataclass
class ParseResult:
    kind: str  # "rekap" | "realisasi" | "rak"
    sheet_name: str
    header_row: int  # 1-based
    columns: list  # canonical keys found, in file order
    raw_headers: list  # header texts as written, in file order
    rows: list  # RekapRow | RealisasiRow | RakRow, in file order
    errors: list = field(default_factory=list)  # CellError, severity "error"
    warnings: list = field(default_factory=list)  # CellError, severity "warning"
    total_rows_read: int = 0  # rows below the header, as read (incl. skipped)
    skipped: list = field(default_factory=list)  # (row_number, reason)
    file_total: Decimal | None = None
    title_lines: list = field(default_factory=list)
    pemda_name: str | None = None  # from the title lines: "PROVINSI BANTEN"
    fiscal_years: set = field(default_factory=set)
    ignored_columns: list = field(default_factory=list)  # headers not used
    file_format: str = "xlsx"  # xlsx | xls | ods
    no_budget_rows: int = 0  # recap rows without sumber dana, rekening and pagu
    title_year: int | None = None  # "TAHUN ANGGARAN 2024" in the title lines
    wire: tuple | None = None  # (kind, encode_columns(...)) while rows are columns

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

    def materialize(self) -> ParseResult:
        """Build `rows` from `wire` (in place); returns self."""
        if self.wire is not None:
            kind, enc = self.wire
            self.rows = build_rows(kind, decode_columns(kind, enc))
            self.wire = None
        return self

    _JSON_VERSION = 1

    def to_json(self) -> str:
        """The whole result as JSON text (rows as columns, Decimals as strings,
        dates ISO); `ParseResult.from_json` reads it back equal."""
        if self.wire is not None:
            enc = self.wire[1]
        else:
            n = len(ROW_CLASS[self.kind]._fields)
            cols = (
                [list(c) for c in zip(*self.rows, strict=True)]
                if self.rows
                else [[]] * n
            )
            enc = encode_columns(self.kind, cols)
        data = {
            "version": self._JSON_VERSION,
            "kind": self.kind,
            "sheet_name": self.sheet_name,
            "header_row": self.header_row,
            "columns": list(self.columns),
            "raw_headers": list(self.raw_headers),
            "rows": enc,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [e.as_dict() for e in self.warnings],
            "total_rows_read": self.total_rows_read,
            "skipped": [list(s) for s in self.skipped],
            "file_total": None if self.file_total is None else str(self.file_total),
            "title_lines": list(self.title_lines),
            "pemda_name": self.pemda_name,
            "fiscal_years": sorted(self.fiscal_years),
            "ignored_columns": list(self.ignored_columns),
            "file_format": self.file_format,
            "no_budget_rows": self.no_budget_rows,
            "title_year": self.title_year,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text) -> ParseResult:
        """The result written by `to_json`; ValueError when it is not one."""
        d = json.loads(text)
        if not isinstance(d, dict) or d.get("version") != cls._JSON_VERSION:
            raise ValueError("not a kept parse result")
        kind = d["kind"]
        if kind not in ROW_CLASS:
            raise ValueError(f"unknown kind {kind!r}")

        def cell_errors(items):
            return [CellError(**e) for e in items]

        ft = d["file_total"]
        return cls(
            kind=kind,
            sheet_name=d["sheet_name"],
            header_row=d["header_row"],
            columns=d["columns"],
            raw_headers=d["raw_headers"],
            rows=build_rows(kind, decode_columns(kind, d["rows"])),
            errors=cell_errors(d["errors"]),
            warnings=cell_errors(d["warnings"]),
            total_rows_read=d["total_rows_read"],
            skipped=[tuple(s) for s in d["skipped"]],
            file_total=None if ft is None else Decimal(ft),
            title_lines=d["title_lines"],
            pemda_name=d["pemda_name"],
            fiscal_years=set(d["fiscal_years"]),
            ignored_columns=d["ignored_columns"],
            file_format=d["file_format"],
            no_budget_rows=d["no_budget_rows"],
            title_year=d["title_year"],
        )
