"""The real SIPD exports of tests/fixtures_files/real, read independently of the
importer (python_calamine), and copies of them in other layouts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

from python_calamine import CalamineWorkbook

from budgets.models import BudgetLine
from tests.importers.workbooks import Sheet, sipd_realisasi_sheet, xlsx_bytes

REAL = Path(__file__).resolve().parents[1] / "fixtures_files" / "real"
MURNI_2024 = REAL / "buru_2024_rekap_murni.xlsx"
SHIFT_2024 = REAL / "buru_2024_rekap_perubahan_1.xlsx"
MURNI_2025 = REAL / "buru_2025_rekap5_murni.xlsx"
SHIFT_2025 = REAL / "buru_2025_rekap5_pergeseran_1.xlsx"
REALISASI = REAL / "sipd_realisasi_per_dokumen_contoh.xlsx"

KEY = ("KODE SKPD", "KODE SUB UNIT", "KODE SUB KEGIATAN", "KODE SUMBER DANA", "KODE REKENING")


@cache
def sheet_rows(path: Path) -> tuple[tuple, ...]:
    """Every row of the first sheet as calamine reads it (header first)."""
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    return tuple(tuple(r) for r in rows)


def records(path: Path) -> list[dict]:
    header, *body = sheet_rows(path)
    return [dict(zip(header, r, strict=True)) for r in body]


def amount(value) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def budget_rows(path: Path) -> list[dict]:
    return [r for r in records(path) if r["PAGU"] != ""]


def pagu_column_sum(path: Path) -> Decimal:
    return sum((amount(r["PAGU"]) for r in budget_rows(path)), Decimal(0))


def key_sums(path: Path) -> dict[tuple, tuple[Decimal, int]]:
    """natural key -> (summed PAGU, number of rows), straight from the file."""
    out: dict = defaultdict(lambda: [Decimal(0), 0])
    for r in budget_rows(path):
        entry = out[tuple(r[k] for k in KEY)]
        entry[0] += amount(r["PAGU"])
        entry[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def no_budget_rows(path: Path) -> list[dict]:
    return [r for r in records(path)
            if r["PAGU"] == "" and r["KODE REKENING"] == "" and r["KODE SUMBER DANA"] == ""]


def stored_lines(stage: str, *, year: int, region="36") -> dict[tuple, Decimal]:
    """natural key (codes) -> pagu of the stored lines of one stage."""
    rows = BudgetLine.objects.filter(region_id=region, fiscal_year=year, stage=stage).values_list(
        "unit__code", "sub_unit__code", "sub_kegiatan__code", "funding_source__code",
        "account__code", "pagu",
    )
    return {tuple(r[:5]): r[5] for r in rows}


def _cell(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None if v == "" else v


def recap_copy(path: Path, *, drop=(), rename=None, add=None, keep=None) -> bytes:
    """A copy of a real recap: columns dropped or renamed, a column added
    (``add=(header, value or callable(record))``), rows kept by ``keep(record)``."""
    header, *body = sheet_rows(path)
    rename = rename or {}
    idx = [i for i, h in enumerate(header) if h not in drop]
    out_header = [rename.get(header[i], header[i]) for i in idx]
    if add:
        out_header.append(add[0])
    out = [out_header]
    for r in body:
        rec = dict(zip(header, r, strict=True))
        if keep is not None and not keep(rec):
            continue
        row = [_cell(r[i]) for i in idx]
        if add:
            row.append(add[1](rec) if callable(add[1]) else add[1])
        out.append(row)
    return xlsx_bytes([Sheet("Sheet 1", out)])


def realisasi_records() -> list[dict]:
    """The realisation sample's document rows (the Total row left out)."""
    return [r for r in records(REALISASI) if r["Nomor"] != "Total"]


def realisasi_bytes(rows: list[dict]) -> bytes:
    """A report in the sample's layout (SheetJS: text cells, Total row)."""
    header = sheet_rows(REALISASI)[0]
    return xlsx_bytes([sipd_realisasi_sheet(rows, headers=list(header))], sheetjs=True)
