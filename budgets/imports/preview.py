"""The preview: what a batch would change, stored on the batch (counts, warnings,
the first rows of each kind) and, for a preview that waits for confirmation,
every row in a JSON file the preview pages read a page at a time."""

from __future__ import annotations

import json
import os

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportBatch, ImportKind, ImportStatus, Unit
from ..money import format_number
from .common import PREVIEW_CAP, Plan, error

KINDS = ("new", "changed", "gone")


def preview_path(batch: ImportBatch) -> str:
    return os.path.join(settings.MEDIA_ROOT, "imports", "preview", f"batch-{batch.pk}.json")


def _line_entry(line, names) -> dict:
    skpd, sub, sub_kegiatan, source, account = line.key
    r = line.row
    return {
        "skpd": skpd, "skpd_name": names.get(skpd) or r.nama_skpd,
        "sub_unit": sub, "sub_unit_name": names.get(sub) or r.nama_sub_unit or r.nama_skpd,
        "sub_kegiatan": sub_kegiatan, "nama_sub_kegiatan": r.nama_sub_kegiatan,
        "sumber_dana": source, "rekening": account, "nama_rekening": r.nama_rekening,
        "items": line.item_count, "row": r.row_number,
    }


def _stored_entry(t, names) -> dict:
    return {
        "id": t[0], "skpd": t[1], "skpd_name": names.get(t[1], ""),
        "sub_unit": t[2], "sub_unit_name": names.get(t[2], ""), "sub_kegiatan": t[3],
        "sumber_dana": t[4], "rekening": t[5], "items": len(json.loads(t[8] or "[]")),
    }


def _doc_entry(d, names) -> dict:
    skpd, sub, sub_kegiatan, account, number = d.key
    r = d.row
    return {
        "skpd": skpd, "skpd_name": names.get(skpd) or r.nama_skpd,
        "sub_unit": sub, "sub_unit_name": names.get(sub) or getattr(r, "nama_sub_skpd", ""),
        "sub_kegiatan": sub_kegiatan, "nama_sub_kegiatan": r.nama_sub_kegiatan,
        "rekening": account, "document": number,
        "date": r.tanggal_dokumen.isoformat() if r.tanggal_dokumen else "",
        "row": r.row_number,
    }


def _planned_entry(p, names) -> dict:
    skpd, sub, sub_kegiatan, account, source = p.key
    return {
        "skpd": skpd, "skpd_name": names.get(skpd) or p.row.nama_skpd, "sub_unit": sub,
        "sub_unit_name": names.get(sub, ""), "sub_kegiatan": sub_kegiatan,
        "rekening": account, "sumber_dana": source, "row": p.row.row_number,
    }


def _entries(batch: ImportBatch, plan: Plan, cap: int | None = None) -> dict:
    """The preview rows of each kind (the first ``cap`` of each, or all)."""
    names = dict(Unit.objects.filter(region_id=batch.region_id).values_list("code", "name"))
    new, changed, gone = plan.new[:cap], plan.changed[:cap], plan.gone[:cap]
    if plan.kind == ImportKind.REKAP:
        return {
            "new": [dict(_line_entry(x, names), new=str(x.pagu)) for x in new],
            "changed": [dict(_line_entry(x, names), old=str(old[6]), new=str(x.pagu))
                        for x, old in changed],
            "gone": [dict(_stored_entry(t, names), old=str(t[6])) for t in gone],
        }
    if plan.kind == ImportKind.RAK:
        return {
            "new": [dict(_planned_entry(x, names), new=str(x.total)) for x in new],
            "changed": [dict(_planned_entry(x, names), old=str(old[1]), new=str(x.total))
                        for x, old in changed],
            "gone": [{"skpd": k[0], "skpd_name": names.get(k[0], ""), "sub_unit": k[1],
                      "sub_kegiatan": k[2], "rekening": k[3], "sumber_dana": k[4],
                      "old": str(old[1])} for k, old in gone],
        }
    return {
        "new": [dict(_doc_entry(x, names), new=str(x.amount)) for x in new],
        "changed": [dict(_doc_entry(x, names), old=str(old[1]), new=str(x.amount))
                    for x, old in changed],
        "gone": [],
    }


def store_preview(batch: ImportBatch, plan: Plan, *, full: bool = False) -> None:
    """Record the plan on the batch; ``full`` also writes every row for the pages."""
    now = timezone.now()
    if plan.rejected is not None:
        batch.status = ImportStatus.REJECTED
        batch.kind = plan.kind or batch.kind
        batch.message = plan.rejected["message"]
        batch.errors = [error(None, None, "", plan.rejected["code"], plan.rejected["message"],
                              plan.rejected["message_en"])]
        batch.finished_at = now
        batch.save()
        return
    batch.kind = plan.kind
    batch.fiscal_year = plan.fiscal_year
    batch.stage = plan.stage or batch.stage
    batch.errors = plan.errors
    batch.warnings = list(batch.warnings or []) + plan.warnings
    batch.rows = batch.progress_total
    bad_rows = {e["row"] for e in plan.errors if e.get("row")}
    batch.skipped = len(bad_rows)
    batch.total_pagu = plan.total_pagu
    batch.total_realisasi = plan.total_realisasi
    batch.created = len(plan.new)
    batch.updated = len(plan.changed)
    batch.unchanged = plan.unchanged
    batch.removed = len(plan.gone)
    entries = _entries(batch, plan, cap=None if full else PREVIEW_CAP)
    batch.preview = {
        **{k: entries[k][:PREVIEW_CAP] for k in KINDS},
        "counts": {"new": len(plan.new), "changed": len(plan.changed), "gone": len(plan.gone)},
        "cap": PREVIEW_CAP,
        "skpd": [{"code": c, "name": n} for c, n in plan.skpd],
        "file_rows": plan.file_rows,
        "lines": len(plan.rows),
        "no_budget_rows": plan.no_budget_rows,
        "total_refund": str(plan.total_refund),
        "line_effects": plan.line_effects,
        "stage_from_file": not batch.stage_chosen,
    }
    if full:
        path = preview_path(batch)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(entries, fh, ensure_ascii=False)
    if plan.errors and not batch.commit_valid_only:
        batch.status = ImportStatus.REJECTED
        batch.message = _(
            "Berkas berisi %(n)d kesalahan pada %(rows)d baris; tidak ada yang disimpan. "
            "Perbaiki lalu unggah ulang, atau pilih 'simpan baris valid saja'."
        ) % {"n": len(plan.errors), "rows": len(bad_rows) or 1}
    else:
        batch.status = ImportStatus.PREVIEW
        batch.message = summary_message(batch)
    batch.finished_at = now
    batch.save()


def preview_page(batch: ImportBatch, kind: str, *, page: int, per_page: int = 50) -> dict:
    """One page of the preview's rows of one kind (new, changed, gone)."""
    counts = (batch.preview or {}).get("counts") or {}
    total = counts.get(kind, len((batch.preview or {}).get(kind) or []))
    rows = None
    try:
        with open(preview_path(batch), encoding="utf-8") as fh:
            rows = json.load(fh).get(kind, [])
    except (OSError, ValueError):
        rows = (batch.preview or {}).get(kind) or []
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return {"rows": rows[start:start + per_page], "page": page, "pages": pages,
            "total": total, "complete": len(rows) >= total}


def drop_preview(batch: ImportBatch) -> None:
    try:
        os.remove(preview_path(batch))
    except OSError:
        pass


def summary_message(batch: ImportBatch) -> str:
    n = {k: format_number(getattr(batch, k)) for k in
         ("created", "updated", "unchanged", "removed")}
    if batch.kind == ImportKind.REALISASI:
        if not (batch.created or batch.updated):
            return _(
                "Tidak ada perubahan: semua %(n)s dokumen sudah tersimpan dengan nilai sama."
            ) % {"n": n["unchanged"]}
        return _(
            "%(created)s dokumen baru, %(updated)s dokumen berubah, %(unchanged)s tetap."
        ) % n
    if not (batch.created or batch.updated or batch.removed):
        return _(
            "Tidak ada perubahan: semua %(n)s baris sama dengan data tersimpan."
        ) % {"n": n["unchanged"]}
    return _(
        "%(created)s baris baru, %(updated)s berubah, %(unchanged)s tetap, "
        "%(removed)s hilang."
    ) % n
