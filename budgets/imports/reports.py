"""Reads of a batch used by the pages, the API and the command."""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings

from ..models import ImportBatch, ImportStatus
from .common import CENT, ImportRefused


def batch_report(batch: ImportBatch) -> dict:
    """The batch in the shape of ``import_sipd --json``."""
    status = {
        ImportStatus.COMMITTED: "committed",
        ImportStatus.PREVIEW: "preview",
        ImportStatus.REJECTED: "rejected",
        ImportStatus.FAILED: "rejected",
    }.get(batch.status, batch.status)
    return {
        "status": status,
        "state": batch.status,
        "kind": batch.kind or None,
        "fiscal_year": batch.fiscal_year,
        "region": batch.region_id,
        "stage": batch.stage,
        "stage_label": batch.get_stage_display(),
        "rows": batch.rows,
        "lines": (batch.preview or {}).get("lines"),
        "file_rows": (batch.preview or {}).get("file_rows"),
        "no_budget_rows": (batch.preview or {}).get("no_budget_rows", 0),
        "skpd": (batch.preview or {}).get("skpd", []),
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "removed": batch.removed,
        "skipped": batch.skipped,
        "total_pagu": str(Decimal(batch.total_pagu).quantize(CENT)),
        "total_realisasi": str(Decimal(batch.total_realisasi).quantize(CENT)),
        "batch": batch.pk,
        "message": batch.message,
        "progress": {"done": batch.progress_done, "total": batch.progress_total},
        "errors": [
            {"row": e.get("row"), "column": e.get("column"), "value": e.get("value", ""),
             "code": e.get("code", ""), "message": e.get("message", ""),
             "message_en": e.get("message_en", "")}
            for e in batch.errors or []
        ],
        "warnings": [
            {"row": e.get("row"), "column": e.get("column"), "value": e.get("value", ""),
             "code": e.get("code", ""), "message": e.get("message", "")}
            for e in batch.warnings or []
        ],
    }


def error_workbook_path(batch: ImportBatch) -> str:
    """Write (once) and return the error workbook of a batch with errors."""
    from ..importers import CellError, FileRejected, parse_file, write_error_workbook

    out_dir = os.path.join(settings.MEDIA_ROOT, "imports", "errors")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, f"batch-{batch.pk}-kesalahan.xlsx")
    if os.path.exists(out):
        return out
    try:
        result = parse_file(batch.file.path)
    except FileRejected as exc:
        raise ImportRefused(exc.message, status=409) from None
    from ..importers import CATALOG

    # Problems found against the database (unknown pillar, realisasi without a
    # line...) go into the workbook next to the parser's own.
    for e in batch.errors or []:
        if e.get("code") not in CATALOG and e.get("row"):
            result.errors.append(CellError(
                e["row"], e.get("column"), e.get("value", ""), e.get("code", ""),
                e.get("message", ""), e.get("message_en", ""), "error",
            ))
    write_error_workbook(batch.file.path, result, out)
    return out
