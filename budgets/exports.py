"""Tabular downloads (XLSX and CSV) for every list, summary and dashboard panel.

One writer so every export of the portal looks the same, carries the filters
and the time of export, and is safe to open: every cell, header and stamp
line goes through ``core.text.export_text``, so control characters become
U+FFFD (openpyxl refuses them) and text that a spreadsheet would take for a
formula (``=``, ``+``, ``-``, ``@``, tab, CR) is written as a string cell in
XLSX (never a formula) and with a leading apostrophe in CSV.

The data sheet has its header on row 1, so a budget-line export can be
uploaded again as the portal's own import template; the stamp lives on a
second sheet ("Keterangan").
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from core.text import export_text

from .money import format_rupiah

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '#,##0.00'
PERCENT_FORMAT = "0.0%"


@dataclass(frozen=True)
class Column:
    """One exported column: the key in each row, its header, and its kind."""

    key: str
    header: str
    kind: str = "text"  # text | money | number | percent | date


def safe_csv_text(value) -> str:
    """CSV cell text that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return export_text(str(value))


def _xlsx_cell(ws, value, kind: str):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    value = export_text(value, plain_cells=True)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Force a string cell: openpyxl would otherwise store "=..." as a formula.
        # A string cell is never evaluated, and the text stays exactly as it was,
        # so an exported file imports again unchanged.
        cell.data_type = "s"
    elif kind == "money":
        cell.number_format = MONEY_FORMAT
    elif kind == "percent" and value is not None:
        cell.number_format = PERCENT_FORMAT
    return cell


def stamp_lines(*, title: str, filters: dict | None, user=None) -> list[tuple[str, str]]:
    """What the file says about itself: title, filters, time of export, by whom.

    Only filters the caller knows are passed in (never the raw query string);
    each stamp line is still one line of plain text whatever the filters hold.
    """
    now = timezone.localtime()
    applied = "; ".join(
        f"{k}={v}" for k, v in sorted((filters or {}).items()) if v not in ("", None)
    )
    lines = [
        ("Judul", title),
        ("Filter", applied or "(tanpa filter)"),
        ("Diekspor", now.strftime("%d-%m-%Y %H:%M:%S WIB")),
    ]
    if user is not None and getattr(user, "is_authenticated", False):
        lines.append(("Oleh", user.get_username()))
    lines.append(("Sumber", "Portal TKPKD"))
    return lines


def _value(row, column: Column):
    if isinstance(row, dict):
        return row.get(column.key)
    return getattr(row, column.key, None)


def write_xlsx(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable,
    filters: dict | None = None,
    user=None,
    totals: dict | None = None,
    sheet_name: str = "Data",
) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_name[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=export_text(str(column.header), plain_cells=True))
        cell.font = bold
        cell.data_type = "s"
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_xlsx_cell(ws, _value(row, c), c.kind) for c in columns])
    if totals:
        ws.append(
            [
                _xlsx_cell(ws, totals.get(c.key), c.kind) if c.key in totals else None
                for c in columns
            ]
        )
    info = wb.create_sheet("Keterangan")
    for label, text in stamp_lines(title=title, filters=filters, user=user):
        label_cell = WriteOnlyCell(info, value=export_text(label, plain_cells=True))
        label_cell.font = bold
        value_cell = _xlsx_cell(info, export_text(text, one_line=True, plain_cells=True),
                                "text")
        value_cell.alignment = Alignment(wrap_text=True)
        info.append([label_cell, value_cell])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_csv(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable,
    filters: dict | None = None,
    user=None,
    totals: dict | None = None,
) -> str:
    """CSV with the stamp as leading ``#`` comment lines (read with ``comment='#'``)."""
    out = io.StringIO()
    for label, text in stamp_lines(title=title, filters=filters, user=user):
        out.write(f"# {label}: {export_text(text, one_line=True)}\n")
    writer = csv.writer(out)
    writer.writerow([safe_csv_text(c.header) for c in columns])
    for row in rows:
        writer.writerow([safe_csv_text(_value(row, c)) for c in columns])
    if totals:
        writer.writerow([safe_csv_text(totals.get(c.key)) for c in columns])
    return out.getvalue()


def export_response(
    *,
    fmt: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable,
    filters: dict | None = None,
    user=None,
    totals: dict | None = None,
    filename: str | None = None,
) -> HttpResponse:
    """An XLSX or CSV download of the rows, stamped with filters and time."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    base = slugify(filename or title) or "ekspor"
    if fmt == "xlsx":
        body = write_xlsx(
            title=title, columns=columns, rows=rows, filters=filters, user=user,
            totals=totals,
        )
        response = HttpResponse(body, content_type=XLSX_TYPE)
    else:
        body = write_csv(
            title=title, columns=columns, rows=rows, filters=filters, user=user,
            totals=totals,
        )
        response = HttpResponse(
            "\ufeff" + body, content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{base}-{stamp}.{fmt}"'
    return response


def money_text(value) -> str:
    """Rupiah text for places that need text rather than a number cell."""
    return format_rupiah(value)


# The budget-line export in the portal's own import template layout (SIPD recap
# headers plus PILAR / STRATEGI), so it can be uploaded again unchanged.
BUDGET_LINE_COLUMNS = [
    Column("fiscal_year", "TAHUN", "number"),
    Column("kode_urusan", "KODE URUSAN"),
    Column("kode_skpd", "KODE SKPD"),
    Column("nama_skpd", "NAMA SKPD"),
    Column("kode_sub_unit", "KODE SUB UNIT"),
    Column("nama_sub_unit", "NAMA SUB UNIT"),
    Column("kode_bidang", "KODE BIDANG URUSAN"),
    Column("kode_program", "KODE PROGRAM"),
    Column("kode_kegiatan", "KODE KEGIATAN"),
    Column("kode_sub_kegiatan", "KODE SUB KEGIATAN"),
    Column("nama_sub_kegiatan", "NAMA SUB KEGIATAN"),
    Column("kode_sumber_dana", "KODE SUMBER DANA"),
    Column("nama_sumber_dana", "NAMA SUMBER DANA"),
    Column("kode_rekening", "KODE REKENING"),
    Column("nama_rekening", "NAMA REKENING"),
    Column("paket", "PAKET/KELOMPOK"),
    Column("nama_paket", "NAMA PAKET/KELOMPOK"),
    Column("pagu", "PAGU", "money"),
    Column("realisasi", "REALISASI", "money"),
    Column("pilar", "PILAR"),
    Column("strategi", "STRATEGI"),
    Column("tahapan", "TAHAPAN"),
    Column("wilayah", "KODE WILAYAH"),
    Column("id", "ID BARIS", "number"),
    Column("asal", "ASAL DATA"),
]


def budget_line_rows(lines) -> Iterable[dict]:
    """Rows for ``BUDGET_LINE_COLUMNS`` from a queryset of lines (with joins)."""
    for line in lines.iterator(chunk_size=2000):
        code = line.sub_kegiatan.code
        parts = code.split(".")
        yield {
            "fiscal_year": line.fiscal_year,
            "kode_urusan": parts[0],
            "kode_skpd": line.unit.code,
            "nama_skpd": line.unit.name,
            "kode_sub_unit": line.sub_unit.code,
            "nama_sub_unit": line.sub_unit.name,
            "kode_bidang": ".".join(parts[:2]),
            "kode_program": ".".join(parts[:3]),
            "kode_kegiatan": ".".join(parts[:5]),
            "kode_sub_kegiatan": code,
            "nama_sub_kegiatan": line.sub_kegiatan.name,
            "kode_sumber_dana": line.funding_source.code,
            "nama_sumber_dana": line.funding_source.name,
            "kode_rekening": line.account.code,
            "nama_rekening": line.account.name,
            # One row per line; a line summed from several SIPD rows names its
            # detail on the line page, a single paket/kelompok is written here.
            "paket": line.items[0].get("kind", "") if len(line.items or []) == 1 else "",
            "nama_paket": line.items[0].get("name", "") if len(line.items or []) == 1 else "",
            "pagu": line.pagu,
            "realisasi": line.realisasi,
            "pilar": line.pillar.code if line.pillar_id else "",
            "strategi": line.strategy.code if line.strategy_id else "",
            "tahapan": line.stage,
            "wilayah": line.region_id,
            "id": line.pk,
            "asal": (
                f"impor #{line.import_batch_id}" if line.import_batch_id else line.origin
            ),
        }
