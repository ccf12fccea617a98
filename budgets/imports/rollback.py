"""Rollback: restore what a committed batch changed, as it was before (newest first)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import audit_via
from audit.models import AuditAction
from audit.services import audit_record
from regions import access

from ..models import (
    BudgetLine,
    CashPlanLine,
    ImportBatch,
    ImportKind,
    ImportLineChange,
    ImportStatus,
    LineChangeAction,
    RealisationDocument,
    Tag,
)
from ..summary import budget_summary_refresh
from .commit import ensure_year_unlocked, intervention_through
from .common import ImportRefused
from .realisation import line_realisation_refresh, restore_realisasi


def _later_batch(batch: ImportBatch):
    """A later committed batch that changed the same data (it must go first)."""
    later = ImportBatch.objects.filter(
        region_id=batch.region_id, fiscal_year=batch.fiscal_year, kind=batch.kind,
        status=ImportStatus.COMMITTED, committed_at__gt=batch.committed_at,
    )
    if batch.kind == ImportKind.REALISASI:
        # Documents set the realisation of every stage's lines: a recap of any
        # stage committed since wrote lines that carry them, so it goes first.
        later = ImportBatch.objects.filter(
            region_id=batch.region_id, fiscal_year=batch.fiscal_year,
            status=ImportStatus.COMMITTED, committed_at__gt=batch.committed_at,
        ).filter(Q(documents__isnull=False) | Q(record_changes__isnull=False)
                 | Q(line_changes__isnull=False))
    elif batch.kind == ImportKind.RAK:
        later = later.filter(stage=batch.stage).filter(
            Q(cash_plan_lines__isnull=False) | Q(record_changes__isnull=False))
    else:
        later = later.filter(stage=batch.stage, line_changes__isnull=False)
    return later.distinct().order_by("committed_at").first()


def _restore_records(batch: ImportBatch, model, name: str) -> tuple[int, int]:
    """Delete what the batch created, put back what it changed or removed."""
    changes = batch.record_changes.filter(model=name)
    touched = set(changes.values_list("record_id", flat=True))
    created = model.objects.filter(import_batch=batch).exclude(pk__in=touched)
    deleted = created.count()
    created.delete()
    restored = 0
    fields = [f for f in model._meta.concrete_fields if f.attname != "id"]
    for before, action in changes.values_list("before", "action"):
        obj = model(pk=before["id"])
        for f in fields:
            if f.attname in before:
                setattr(obj, f.attname, f.to_python(before[f.attname]))
        if action == LineChangeAction.REMOVED:
            obj.save(force_insert=True)
        else:
            obj.save(force_update=True)
        restored += 1
    return deleted, restored


def import_batch_rollback(*, user, batch: ImportBatch, reason: str = "") -> ImportBatch:
    """Restore the lines as they were before this batch (newest batch first)."""
    access.ensure_can_import(user, batch.region_id)
    ensure_year_unlocked(batch, batch.fiscal_year)
    if batch.status != ImportStatus.COMMITTED:
        raise ImportRefused(
            _("Hanya batch yang tersimpan yang dapat dibatalkan (status: %(status)s).")
            % {"status": batch.get_status_display()},
            status=409,
        )
    later = _later_batch(batch)
    if later is not None:
        raise ImportRefused(
            _("Batch #%(later)d yang lebih baru mengubah data yang sama; batalkan batch "
              "#%(later)d lebih dahulu.") % {"later": later.pk},
            status=409,
        )
    with audit_via("import"), transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.COMMITTED:
            raise ImportRefused(_("Batch ini sudah dibatalkan."), status=409)
        deleted = restored = 0
        if batch.kind == ImportKind.REALISASI:
            deleted, restored = _restore_records(batch, RealisationDocument, "document")
        elif batch.kind == ImportKind.RAK:
            deleted, restored = _restore_records(batch, CashPlanLine, "cashplan")
        changes = ImportLineChange.objects.filter(batch=batch)
        created = [
            i for first, last in changes.filter(action=LineChangeAction.CREATED)
            .values_list("line_id", "last_line_id")
            for i in range(first, (last or first) + 1)
        ]
        tagged = set(Tag.objects.filter(import_batch=batch).values_list(
            "budget_line_id", flat=True))
        Tag.objects.filter(import_batch=batch).delete()
        for i in range(0, len(created), 5000):
            BudgetLine.objects.filter(pk__in=created[i:i + 5000]).delete()
        _restore_updated(changes.filter(action=LineChangeAction.UPDATED))
        _restore_removed(changes.filter(action=LineChangeAction.REMOVED))
        remaining = tagged - set(created)
        if remaining:
            from ..services import line_classification_refresh

            line_classification_refresh(line_ids=remaining)
        deleted += len(created)
        restored += changes.exclude(action=LineChangeAction.CREATED).count()
        restore_realisasi(batch)
        line_realisation_refresh(region_id=batch.region_id, fiscal_year=batch.fiscal_year)
        now = timezone.now()
        locked.status = ImportStatus.ROLLED_BACK
        locked.rolled_back_at = now
        locked.rolled_back_by = user
        locked.message = _("Batch dibatalkan; baris anggaran kembali seperti sebelum impor.")
        locked.save(update_fields=["status", "rolled_back_at", "rolled_back_by", "message"])
        audit_record(
            user=user,
            action=AuditAction.BULK,
            model_label="budgets.BudgetLine",
            object_id=str(batch.pk),
            object_repr=_("Pembatalan impor batch #%(id)d") % {"id": batch.pk},
            region_code=batch.region_id,
            batch_id=batch.pk,
            reason=reason,
            extra={"rolled_back": True, "deleted": deleted, "restored": restored},
        )
        budget_summary_refresh()
    batch.refresh_from_db()
    return batch


_RESTORE_FIELDS = [
    f for f in BudgetLine._meta.concrete_fields if f.attname not in ("id",)
]


def _line_from_before(data: dict) -> BudgetLine:
    line = BudgetLine(pk=data["id"])
    for f in _RESTORE_FIELDS:
        if f.attname in data:
            setattr(line, f.attname, f.to_python(data[f.attname]))
    return line


def _restore_updated(qs) -> None:
    lines = [_line_from_before(before) for before in qs.values_list("before", flat=True)
             .iterator(chunk_size=5000)]
    # bulk_update would reset auto_now fields; they are restored by value.
    BudgetLine.objects.bulk_update(
        lines, [f.name for f in _RESTORE_FIELDS], batch_size=1000
    )


def _restore_removed(qs) -> None:
    lines, tags, links = [], [], []
    for before in qs.values_list("before", flat=True).iterator(chunk_size=5000):
        lines.append(_line_from_before(before))
        for t in before.get("_tags", []):
            tag = Tag(pk=t["id"])
            for f in Tag._meta.concrete_fields:
                if f.attname in t and f.attname != "id":
                    setattr(tag, f.attname, f.to_python(t[f.attname]))
            tags.append(tag)
        for intervention_id in before.get("_interventions", []):
            links.append((before["id"], intervention_id))
    if not lines:
        return
    # auto_now_add/auto_now overwrite the times on insert: put them back.
    times = [(line.created_at, line.updated_at) for line in lines]
    BudgetLine.objects.bulk_create(lines, batch_size=1000)
    for line, (created, updated) in zip(lines, times, strict=True):
        line.created_at, line.updated_at = created, updated
    BudgetLine.objects.bulk_update(lines, ["created_at", "updated_at"], batch_size=1000)
    if tags:
        tag_times = [t.created_at for t in tags]
        Tag.objects.bulk_create(tags, batch_size=1000)
        for tag, created in zip(tags, tag_times, strict=True):
            tag.created_at = created
        Tag.objects.bulk_update(tags, ["created_at"], batch_size=1000)
    through = intervention_through()
    if links and through is not None:
        through.objects.bulk_create(
            [through(budgetline_id=line_id, intervention_id=iid) for line_id, iid in links],
            ignore_conflicts=True,
        )


# --- reads used by the pages, the API and the command ----------------------------

