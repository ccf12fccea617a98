"""What every part of the import shares: the refusal, error records, the plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ..models import ImportBatch

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PREVIEW_CAP = 50


class ImportRefused(Exception):
    """A request the import cannot accept; ``message`` is Indonesian.

    ``status`` is the HTTP status the API answers with.
    """

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def max_attempts() -> int:
    return int(getattr(settings, "IMPORT_MAX_ATTEMPTS", 3))


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


# code -> (group title id, group title en) of the checks made against the database
DB_TITLES = {
    "pillar_unknown": ("Pilar tidak dikenal", "Unknown pillar"),
    "strategy_unknown": ("Strategi tidak dikenal", "Unknown strategy"),
    "realisasi_no_line": (
        "Realisasi tanpa baris anggaran", "Realisation without a budget line"
    ),
    "region_mismatch": ("Wilayah tidak cocok", "Region does not match"),
    "year_missing": ("Tahun anggaran tidak diketahui", "Fiscal year unknown"),
    "multiple_years": ("Lebih dari satu tahun anggaran", "More than one fiscal year"),
    "name_differs": ("Nama berbeda dengan yang tersimpan", "Name differs from stored"),
    "name_replaced": ("Nama diganti dengan nama SIPD", "Name replaced by SIPD's"),
    "same_file": ("Berkas yang sama pernah diunggah", "Same file uploaded before"),
    "stage_conflict": ("Tahapan tidak cocok", "Stage does not match"),
    "stage_unknown": ("Tahapan tidak dikenal", "Unknown stage"),
    "rows_summed": ("Baris dijumlahkan", "Rows summed"),
    "no_budget": ("Sub kegiatan tanpa anggaran", "Sub kegiatan without budget"),
    "partial_file": ("Berkas sebagian SKPD", "File covers some SKPD"),
    "split_by_pagu": ("Realisasi dibagi menurut pagu", "Realisation split by pagu"),
    "realisasi_without_pagu": ("Realisasi tanpa pagu", "Realisation without pagu"),
    "document_changed": ("Dokumen berubah", "Document changed"),
}


def group_title(code: str) -> str:
    from ..importers import CATALOG

    if code in CATALOG:
        return CATALOG[code].title_id
    if code in DB_TITLES:
        return DB_TITLES[code][0]
    return code


def error(row, column, value, code, message, message_en="", severity="error") -> dict:
    return {
        "row": row,
        "column": column,
        "value": "" if value is None else str(value),
        "code": code,
        "message": message,
        "message_en": message_en or message,
        "severity": severity,
    }


def warning(code, message, message_en="", *, row=None, column=None, value="") -> dict:
    return error(row, column, value, code, message, message_en, severity="warning")


def cell_dict(err) -> dict:
    return {
        "row": err.row,
        "column": err.column,
        "value": err.value,
        "code": err.code,
        "message": err.message,
        "message_en": err.message_en,
        "severity": getattr(err, "severity", "error"),
    }


def errors_grouped(errors: list[dict]) -> list[dict]:
    """Errors grouped by kind: ``[{code, title, rows, count, samples}]``, biggest first."""
    groups: dict[str, dict] = {}
    for e in errors:
        g = groups.setdefault(
            e.get("code") or "", {"code": e.get("code") or "", "rows": set(), "count": 0,
                                  "samples": []}
        )
        g["count"] += 1
        if e.get("row"):
            g["rows"].add(e["row"])
        if len(g["samples"]) < 20:
            g["samples"].append(e)
    out = []
    for g in groups.values():
        out.append(
            {
                "code": g["code"],
                "title": group_title(g["code"]),
                "rows": len(g["rows"]) or g["count"],
                "count": g["count"],
                "samples": g["samples"],
                "more": max(g["count"] - len(g["samples"]), 0),
            }
        )
    out.sort(key=lambda g: (-g["count"], g["code"]))
    return out


@dataclass
class Plan:
    """What committing a parsed, validated file would do."""

    kind: str
    fiscal_year: int | None
    stage: str = ""
    rows: list = field(default_factory=list)  # rekap: Line aggregates to write
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (new, existing tuple)
    unchanged: int = 0
    gone: list = field(default_factory=list)  # existing tuples
    skpd_codes: set = field(default_factory=set)
    skpd: list = field(default_factory=list)  # [(code, name)] the file covers
    has_realisasi: bool = False
    total_pagu: Decimal = ZERO
    total_realisasi: Decimal = ZERO
    total_refund: Decimal = ZERO
    file_rows: int = 0  # budget rows of the file, before summing
    no_budget_rows: int = 0
    ref_rows: list = field(default_factory=list)  # rows naming units and nomenclature
    tag_rows: list = field(default_factory=list)  # (key, pillar_id, strategy_id, labels)
    # realisation: document effects on the lines of the budget in force
    line_effects: dict = field(default_factory=dict)
    rejected: dict | None = None  # whole-file refusal (code, message, message_en)
    planned_at: object = field(default_factory=timezone.now)  # when the diff was made


def set_progress(batch: ImportBatch, done: int, total: int | None = None) -> None:
    fields = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    batch.progress_done = done
    if total is not None:
        batch.progress_total = total
