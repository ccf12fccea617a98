"""The downloadable error workbook: the original rows plus a KETERANGAN KESALAHAN
column, and a "Ringkasan" sheet with the problems grouped by code.

Rows are written at the SAME row numbers as in the uploaded sheet (leading rows
included), so "Baris 12" in a message is row 12 of this workbook too. Text that a
spreadsheet could run as a formula (= + - @ or a control character first) is
written as a plain string cell with quotePrefix, and characters XML cannot hold
are replaced.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from core.text import export_text, is_formula_like

from .messages import CATALOG
from .types import DEFAULT_LIMITS, Limits, ParseResult

ERROR_COLUMN = "KETERANGAN KESALAHAN"


Workbook = WriteOnlyCell = ILLEGAL_CHARACTERS_RE = Font = None


def _load_openpyxl() -> None:
    """Import openpyxl when a workbook is written, not when the package is imported
    (the import path of every upload would pay ~1 s and the numpy it pulls in)."""
    global Workbook, WriteOnlyCell, ILLEGAL_CHARACTERS_RE, Font
    if Workbook is None:
        from openpyxl import Workbook as _wb
        from openpyxl.cell import WriteOnlyCell as _woc
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as _ill
        from openpyxl.styles import Font as _font

        Workbook, WriteOnlyCell, ILLEGAL_CHARACTERS_RE, Font = _wb, _woc, _ill, _font


def _cell(ws, value):
    if isinstance(value, str):
        # The portal's one output rule (core.text): control characters shown as
        # U+FFFD; a formula-like text written as a plain string cell.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", export_text(value, plain_cells=True))
        if is_formula_like(value):
            c = WriteOnlyCell(ws, value=value)
            c.data_type = "s"
            c.quotePrefix = True
            return c
        return value
    if value is None or isinstance(
        value, (int, float, Decimal, dt.date, dt.datetime, bool)
    ):
        return value
    return _cell(ws, str(value))


def write_error_workbook(
    path_in,
    result: ParseResult,
    path_out,
    *,
    limits: Limits = DEFAULT_LIMITS,
    in_child: bool = True,
) -> None:
    """Write the error workbook for `result` (parsed from `path_in`) to `path_out`."""
    path_in, path_out = os.fspath(path_in), os.fspath(path_out)
    if in_child:
        from .reader import run_in_child

        run_in_child(_write, (path_in, result, path_out), limits)
    else:
        _write(path_in, result, path_out)


def _write(path_in: str, result: ParseResult, path_out: str) -> None:
    from .reader import read_sheet_rows

    start_row0, rows = read_sheet_rows(path_in, result.sheet_name)
    by_row: dict = {}
    file_level = []
    for e in result.errors:
        if e.row is None:
            file_level.append(e.message)
        else:
            by_row.setdefault(e.row, []).append(e.message)
    for e in result.warnings:
        if e.row is not None:
            by_row.setdefault(e.row, []).append("Peringatan: " + e.message)
    skipped = dict(result.skipped)
    reasons = {
        "hidden": "Baris tersembunyi: dilewati",
        "blank": "",
        "total": "Baris jumlah: dilewati",
        "subtotal": "Baris subtotal: dilewati",
    }
    _load_openpyxl()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(result.sheet_name))
    width = max((len(r) for r in rows), default=0)
    for _ in range(start_row0):
        ws.append([])
    header_row = result.header_row
    for i, r in enumerate(rows):
        rn = start_row0 + i + 1
        out = [_cell(ws, v if v != "" else None) for v in r]
        out += [None] * (width - len(out))
        if rn == header_row:
            c = WriteOnlyCell(ws, value=ERROR_COLUMN)
            c.font = Font(bold=True)
            out.append(c)
        elif rn > header_row:
            msgs = by_row.get(rn)
            note = "; ".join(msgs) if msgs else reasons.get(skipped.get(rn), "")
            if rn == header_row + 1 and file_level:
                note = "; ".join(file_level + ([note] if note else []))
            out.append(_cell(ws, note) if note else None)
        ws.append(out)
    summary = wb.create_sheet("Ringkasan")
    summary.append(["KODE", "JUMLAH", "KESALAHAN", "PROBLEM", "CONTOH"])
    groups: dict = {}
    for e in list(result.errors) + list(result.warnings):
        groups.setdefault(e.code, []).append(e)
    for code, errs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        entry = CATALOG.get(code)
        summary.append(
            [
                code,
                len(errs),
                entry.title_id if entry else code,
                entry.title_en if entry else code,
                _cell(summary, errs[0].message),
            ]
        )
    if not groups:
        summary.append(["-", 0, "Tidak ada kesalahan", "No problems", None])
    wb.save(path_out)


def _sheet_title(name: str) -> str:
    bad = "[]:*?/\\"
    t = "".join("_" if ch in bad else ch for ch in name)[:31]
    return t or "Data"
