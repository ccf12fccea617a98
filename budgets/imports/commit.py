"""Commit: a previewed batch written in one transaction, under the scope lock.

The diff is made again inside the transaction against what is stored now (the
rows parsed for the preview are reused), so what is written is always the
difference to the current state.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import audit_via
from audit.models import AuditAction
from audit.services import audit_record
from regions import access

from ..line_bulk import lines_write_pg
from ..models import (
    BudgetLine,
    ImportBatch,
    ImportKind,
    ImportLineChange,
    ImportStatus,
    LineChangeAction,
    LineOrigin,
    Tag,
    TagSource,
    id_runs,
)
from ..summary import budget_summary_refresh
from . import faults
from .common import ZERO, ImportRefused, Plan, error, set_progress
from .parse import drop_parsed
from .refs import Refs

log = logging.getLogger(__name__)


def import_batch_commit(*, user, batch: ImportBatch) -> ImportBatch:
    """Write a previewed batch, in one transaction (the preview's parse is reused)."""
    from .plan import plan_for
    from .preview import store_preview

    access.ensure_can_import(user, batch.region_id)
    if batch.status != ImportStatus.PREVIEW:
        raise ImportRefused(
            _("Batch #%(id)d berstatus %(status)s dan tidak dapat disimpan.")
            % {"id": batch.pk, "status": batch.get_status_display()},
            status=409,
        )
    if batch.errors and not batch.commit_valid_only:
        raise ImportRefused(_("Berkas berisi kesalahan; tidak ada yang disimpan."), status=409)
    with audit_via("import"):
        updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(
            status=ImportStatus.COMMITTING, started_at=timezone.now()
        )
        if not updated:
            raise ImportRefused(_("Batch ini sedang atau sudah disimpan."), status=409)
        batch.status = ImportStatus.COMMITTING
        try:
            plan = plan_for(batch, reuse=True, names=False)
            if plan.rejected is not None or (plan.errors and not batch.commit_valid_only):
                store_preview(batch, plan)
                return batch
            commit_plan(batch, plan, user=user)
            drop_parsed(batch)
        except Exception:
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PREVIEW)
            batch.status = ImportStatus.PREVIEW
            raise
    return batch


def scope_lock(batch: ImportBatch, fiscal_year: int) -> None:
    if connection.vendor == "postgresql":
        key = f"import:{batch.region_id}:{fiscal_year}:{batch.stage}"
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def ensure_year_unlocked(batch: ImportBatch, fiscal_year: int | None) -> None:
    """A verified (or submitted) quarter locks the region's year: imports too."""
    from roadmap.locks import ensure_year_unlocked as region_year_unlocked

    try:
        region_year_unlocked(batch.region_id, fiscal_year)
    except ValidationError as exc:
        raise ImportRefused(" ".join(exc.messages), status=409) from None


def commit_plan(batch: ImportBatch, plan: Plan, *, user) -> None:
    from .preview import summary_message
    from .realisation import (
        commit_cash_plan,
        commit_realisation,
        line_realisation_refresh,
    )

    ensure_year_unlocked(batch, plan.fiscal_year)
    with transaction.atomic():
        scope_lock(batch, plan.fiscal_year)
        if _refuse_twin_commit(batch, plan):
            return
        if plan.kind == ImportKind.REKAP:
            touched = _commit_rekap(batch, plan, user=user)
        elif plan.kind == ImportKind.RAK:
            touched = commit_cash_plan(batch, plan)
        else:
            touched = commit_realisation(batch, plan)
        # Lines carry the realisation of their documents (any stage, any batch).
        line_realisation_refresh(region_id=batch.region_id, fiscal_year=plan.fiscal_year,
                                 batch=batch)
        faults.pause_point("commit")
        now = timezone.now()
        batch.status = ImportStatus.COMMITTED
        batch.committed_at = now
        batch.committed_by = user
        batch.message = summary_message(batch)
        batch.progress_done = batch.progress_total
        batch.save()
        audit_record(
            user=user,
            action=AuditAction.BULK,
            model_label="budgets.BudgetLine",
            object_id=str(batch.pk),
            object_repr=_("Impor SIPD batch #%(id)d: %(name)s")
            % {"id": batch.pk, "name": batch.original_name},
            region_code=batch.region_id,
            batch_id=batch.pk,
            extra={
                "kind": batch.kind, "fiscal_year": batch.fiscal_year, "stage": batch.stage,
                "created": batch.created, "updated": batch.updated,
                "unchanged": batch.unchanged, "removed": batch.removed,
                "skipped": batch.skipped, "total_pagu": str(batch.total_pagu),
                "total_realisasi": str(batch.total_realisasi), "lines_touched": touched,
            },
        )
        budget_summary_refresh()


def _refuse_twin_commit(batch: ImportBatch, plan: Plan) -> bool:
    """Inside the scope lock: the same file committed by another batch since the
    diff was made (two uploads of one file at the same moment)."""
    message = faults.import_commit_recheck(batch, plan.fiscal_year, since=plan.planned_at)
    if message is None:
        return False
    batch.status = ImportStatus.REJECTED
    batch.message = message
    batch.finished_at = timezone.now()
    batch.errors = list(batch.errors or []) + [
        error(None, None, "", "same_file", message,
              "The very same file was committed by another batch; not saved twice.")
    ]
    batch.save(update_fields=["status", "message", "finished_at", "errors"])
    return True


# --- recap lines --------------------------------------------------------------------


def _commit_rekap(batch: ImportBatch, plan: Plan, *, user) -> int:
    refs = Refs(batch, plan.fiscal_year)
    refs.ensure(plan.ref_rows, [line.row for line in plan.rows])
    add_name_warnings(batch, refs)
    write = plan.new + [line for line, _old in plan.changed]
    set_progress(batch, 0)
    try:
        if connection.vendor == "postgresql":
            _write_lines_pg(batch, plan, refs, write)
        else:
            _write_lines_orm(batch, plan, refs)
    except IntegrityError as exc:
        raise _refusal(batch, exc) from None
    set_progress(batch, len(write))
    if plan.gone:
        remove_lines(batch, [t[0] for t in plan.gone])
    if plan.tag_rows:
        _write_tags(batch, plan, refs, user=user)
    return len(write) + len(plan.gone)


def add_name_warnings(batch: ImportBatch, refs: Refs) -> None:
    """Names the commit met that the preview did not already report (a file
    imported meanwhile may have named a code)."""
    known = {w.get("message") for w in batch.warnings or []}
    fresh = [w for w in refs.warnings if w["message"] not in known]
    if fresh:
        batch.warnings = list(batch.warnings or []) + fresh


def _refusal(batch: ImportBatch, exc: IntegrityError) -> ImportRefused:
    """A unique key (a line entered by hand meanwhile) or a foreign key (a unit or
    code deleted meanwhile) refused the write: nothing is stored, say so."""
    code = getattr(exc.__cause__, "pgcode", None)
    text = str(exc)
    log.warning("import batch %s: %s", batch.pk, text.strip()[:200])
    if code == "23505" or "UNIQUE constraint failed" in text or "duplicate key value" in text:
        return ImportRefused(
            _("Baris anggaran lingkup ini berubah saat batch ini disimpan; tidak ada yang "
              "tersimpan. Simpan ulang batch ini."),
            status=409,
        )
    if code == "23503" or "FOREIGN KEY constraint failed" in text:
        return ImportRefused(_missing_parent_message(), status=409)
    raise exc


def _id_columns(refs: Refs, lines) -> tuple:
    keys = [line.key for line in lines]
    return (
        [refs.units[k[0]] for k in keys],
        [refs.units[k[1]] for k in keys],
        [refs.nomenclature[k[2]] for k in keys],
        [refs.sources[k[3]] for k in keys],
        [refs.accounts[k[4]] for k in keys],
    )


def lock_reference_rows(refs: Refs, *, units=(), nomenclature=(), sources=(),
                        accounts=(), batch: ImportBatch | None = None) -> None:
    """The reference rows a write names, locked and counted set-based (they have
    no database foreign key; see BudgetLine). Refuses with a message when one
    was deleted meanwhile."""
    from regions.models import Region

    from ..line_bulk import MissingParent, lock_parents
    from ..models import Account, FundingSource, Nomenclature, Unit

    parents = {Unit: units, Nomenclature: nomenclature, FundingSource: sources,
               Account: accounts}
    if batch is not None:
        parents[Region] = [batch.region_id]
        parents[ImportBatch] = [batch.pk]
    try:
        lock_parents(parents)
    except MissingParent as exc:
        log.warning("import: %s", exc)
        raise ImportRefused(_missing_parent_message(), status=409) from None


def _missing_parent_message() -> str:
    return _("Data acuan (unit, kode rekening, sumber dana atau nomenklatur) yang dirujuk "
             "berkas ini dihapus saat batch disimpan; tidak ada yang tersimpan. Simpan "
             "ulang batch ini.")


def _write_lines_pg(batch: ImportBatch, plan: Plan, refs: Refs, lines: list) -> None:
    if not lines:
        return
    unit, sub_unit, sub_kegiatan, source, account = _id_columns(refs, lines)
    lock_reference_rows(refs, units=set(unit) | set(sub_unit), nomenclature=sub_kegiatan,
                        sources=source, accounts=account, batch=batch)
    columns = [
        unit, sub_unit, sub_kegiatan, source, account,
        [line.items_json for line in lines],
        [line.pagu for line in lines],
        [line.realisasi for line in lines],
    ]
    lines_write_pg(
        batch_id=batch.pk, region_id=batch.region_id, fiscal_year=plan.fiscal_year,
        stage=batch.stage, columns=columns, set_realisasi=plan.has_realisasi,
        only_new=not plan.changed,
    )


def json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def before_rows(ids: list[int]) -> dict[int, dict]:
    out = {}
    for i in range(0, len(ids), 5000):
        for row in BudgetLine.objects.filter(pk__in=ids[i:i + 5000]).values(
            *[f.attname for f in BudgetLine._meta.concrete_fields]
        ):
            out[row["id"]] = {k: json_value(v) for k, v in row.items()}
    return out


def _write_lines_orm(batch: ImportBatch, plan: Plan, refs: Refs) -> None:
    """The portable path (SQLite): bulk_create new lines, bulk_update changed ones."""
    now = timezone.now()
    changed_ids = [old[0] for _line, old in plan.changed]
    before = before_rows(changed_ids)
    ImportLineChange.objects.bulk_create(
        [ImportLineChange(batch=batch, line_id=i, action=LineChangeAction.UPDATED,
                          before=before[i]) for i in changed_ids],
        batch_size=2000,
    )
    updates = []
    for line, old in plan.changed:
        updates.append(BudgetLine(
            pk=old[0], pagu=line.pagu, items=line.items,
            realisasi=line.realisasi if plan.has_realisasi else old[7],
            origin=LineOrigin.IMPORT, import_batch_id=batch.pk, updated_at=now,
        ))
    BudgetLine.objects.bulk_update(
        updates, ["pagu", "items", "realisasi", "origin", "import_batch", "updated_at"],
        batch_size=1000,
    )
    unit, sub_unit, sub_kegiatan, source, account = _id_columns(refs, plan.new)
    new_lines = [
        BudgetLine(
            fiscal_year=plan.fiscal_year, stage=batch.stage, region_id=batch.region_id,
            unit_id=u, sub_unit_id=su, sub_kegiatan_id=sk, funding_source_id=fs,
            account_id=acc, items=line.items, pagu=line.pagu,
            realisasi=line.realisasi if plan.has_realisasi else ZERO,
            origin=LineOrigin.IMPORT, import_batch_id=batch.pk,
        )
        for line, u, su, sk, fs, acc in zip(
            plan.new, unit, sub_unit, sub_kegiatan, source, account, strict=True)
    ]
    created = BudgetLine.objects.bulk_create(new_lines, batch_size=1000)
    ImportLineChange.objects.bulk_create(
        [ImportLineChange(batch=batch, line_id=first, last_line_id=last,
                          action=LineChangeAction.CREATED)
         for first, last in id_runs(line.pk for line in created)],
        batch_size=2000,
    )


def intervention_through():
    """The table linking interventions to lines (None if no app links them)."""
    try:
        return BudgetLine._meta.get_field("interventions").through
    except Exception:  # noqa: BLE001 - the programs app may not link lines
        return None


def remove_lines(batch: ImportBatch, ids: list[int]) -> None:
    """Record the full state (tags, intervention links) of lines, then delete them."""
    before = before_rows(ids)
    through = intervention_through()
    tags = defaultdict(list)
    for t in Tag.objects.filter(budget_line_id__in=ids).values(
        *[f.attname for f in Tag._meta.concrete_fields]
    ):
        tags[t["budget_line_id"]].append({k: json_value(v) for k, v in t.items()})
    links = defaultdict(list)
    if through is not None:
        for line_id, intervention_id in through.objects.filter(
            budgetline_id__in=ids
        ).values_list("budgetline_id", "intervention_id"):
            links[line_id].append(intervention_id)
    ImportLineChange.objects.bulk_create(
        [
            ImportLineChange(
                batch=batch, line_id=i, action=LineChangeAction.REMOVED,
                before=dict(before[i], _tags=tags.get(i, []),
                            _interventions=links.get(i, [])),
            )
            for i in ids if i in before
        ],
        batch_size=2000,
    )
    BudgetLine.objects.filter(pk__in=ids).delete()


def _write_tags(batch: ImportBatch, plan: Plan, refs: Refs, *, user) -> None:
    keys = {}
    for key, pillar_id, strategy_id, labels in plan.tag_rows:
        ids = (refs.units[key[0]], refs.units[key[1]], refs.nomenclature[key[2]],
               refs.sources[key[3]], refs.accounts[key[4]])
        keys[ids] = (pillar_id, strategy_id, labels)
    unit_ids = {k[0] for k in keys}
    line_ids = {}
    for pk, *key in BudgetLine.objects.filter(
        fiscal_year=plan.fiscal_year, stage=batch.stage, region_id=batch.region_id,
        unit_id__in=unit_ids,
    ).values_list("pk", "unit_id", "sub_unit_id", "sub_kegiatan_id",
                  "funding_source_id", "account_id"):
        line_ids[tuple(key)] = pk
    have = set(Tag.objects.filter(
        budget_line_id__in=list(line_ids.values()), source=TagSource.IMPORT
    ).values_list("budget_line_id", "pillar_id", "strategy_id", "label"))
    new, touched = [], set()
    for key, (pillar_id, strategy_id, labels) in keys.items():
        line_id = line_ids.get(key)
        if line_id is None:
            continue
        wanted = []
        if pillar_id or strategy_id:
            wanted.append((pillar_id, strategy_id, ""))
        wanted += [(None, None, label) for label in labels]
        for p, s, label in wanted:
            if (line_id, p, s, label) in have:
                continue
            new.append(Tag(budget_line_id=line_id, pillar_id=p, strategy_id=s, label=label,
                           source=TagSource.IMPORT, import_batch=batch,
                           created_by=user if getattr(user, "pk", None) else None))
            touched.add(line_id)
    Tag.objects.bulk_create(new, batch_size=2000)
    if touched:
        from ..services import line_classification_refresh

        line_classification_refresh(line_ids=touched)
