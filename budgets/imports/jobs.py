"""The background job's service side: claim a batch, process it (parse, plan,
preview, commit when asked), mark it failed. ``budgets.tasks`` wraps these."""

from __future__ import annotations

import logging
import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import audit_via

from ..models import ImportBatch, ImportKind, ImportStatus
from .commit import commit_plan
from .common import max_attempts
from .parse import drop_parsed
from .plan import plan_for
from .preview import store_preview

log = logging.getLogger(__name__)


def import_batch_claim(*, batch_id: int) -> ImportBatch | None:
    """Count one more attempt at a batch; None when it is already done.

    Past the cap, the batch is marked failed with a message.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return None
        if batch.status not in (ImportStatus.PENDING, ImportStatus.PARSING):
            return None
        batch.attempts += 1
        if batch.attempts > max_attempts():
            batch.status = ImportStatus.FAILED
            batch.finished_at = timezone.now()
            batch.message = _(
                "Pemrosesan berkas dihentikan setelah %(n)d percobaan yang gagal. "
                "Unggah ulang berkas atau hubungi admin."
            ) % {"n": batch.attempts - 1}
            batch.save(update_fields=["attempts", "status", "finished_at", "message"])
            return None
        batch.status = ImportStatus.PARSING
        batch.started_at = timezone.now()
        batch.save(update_fields=["attempts", "status", "started_at"])
    return batch


def import_batch_process(*, batch_id: int, commit: bool = False, user=None) -> ImportBatch | None:
    """Parse, validate and diff a batch (the preview); commit too when asked.

    Safe to run again: a batch already past parsing is left as it is.
    """
    batch = import_batch_claim(batch_id=batch_id)
    if batch is None:
        return ImportBatch.objects.filter(pk=batch_id).first()
    # A preview that waits for the user's confirmation keeps its parse and every
    # preview row, so that confirming does not read the workbook a second time.
    keep = not commit and not batch.dry_run
    with audit_via("import"):
        plan = plan_for(batch, keep=keep, names=not commit or batch.dry_run)
        redactor = _Redactor(batch) if plan.kind == ImportKind.REALISASI else None
        try:
            store_preview(batch, plan, full=keep or batch.dry_run)
            if batch.status != ImportStatus.PREVIEW:
                drop_parsed(batch)
            if commit and batch.status == ImportStatus.PREVIEW and not batch.dry_run:
                commit_plan(batch, plan, user=user or batch.uploaded_by)
        finally:
            if redactor is not None:
                redactor.finish()
    return batch


class _Redactor:
    """Keeps a realisation report without the NIP / Nama Pegawai columns: the
    portal has no use for civil servants' identities. The batch keeps the SHA-256
    of the file as uploaded, so the same file is still recognised.

    The copy is written by a forked child while this process plans and commits
    (the rewrite of a 100,000-row report takes about as long as its read); the
    child only reads and writes files, never the database, and leaves with
    ``os._exit``. ``finish`` waits for it and puts the copy in the original's
    place; if the child failed, the file is redacted here instead.
    """

    def __init__(self, batch: ImportBatch):
        self.path = batch.file.path
        self.tmp = f"{self.path}.redacted"
        self.batch_id = batch.pk
        self.pid = None
        try:
            self.pid = os.fork()
        except OSError:
            log.warning("import batch %s: no child for the redaction; done in turn",
                        batch.pk)
            return
        if self.pid == 0:  # the child
            code = 1
            try:
                from ..importers import redact_personal_columns

                redact_personal_columns(self.path, self.tmp)
                code = 0
            finally:
                os._exit(code)

    def finish(self) -> None:
        from ..importers import redact_personal_columns

        ok = False
        if self.pid:
            _pid, status = os.waitpid(self.pid, 0)
            ok = os.waitstatus_to_exitcode(status) == 0 and os.path.exists(self.tmp)
        if not ok:
            log.warning("import batch %s: redaction child failed; redacting in turn",
                        self.batch_id)
            try:
                redact_personal_columns(self.path, self.tmp)
            except Exception:
                if os.path.exists(self.tmp):
                    os.remove(self.tmp)
                raise
        os.replace(self.tmp, self.path)


def import_batch_mark_failed(*, batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.PENDING, ImportStatus.PARSING]
    ).update(status=ImportStatus.FAILED, message=message, finished_at=timezone.now())


def import_batch_discard(*, user, batch: ImportBatch) -> ImportBatch:
    """Throw away a batch that was never committed (preview, refused, failed): its
    kept parse and preview go, the batch stays in the list as discarded."""
    from regions import access

    from .common import ImportRefused
    from .preview import drop_preview

    access.ensure_can_import(user, batch.region_id)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in (ImportStatus.PREVIEW, ImportStatus.REJECTED,
                                 ImportStatus.FAILED):
            raise ImportRefused(
                _("Batch #%(id)d berstatus %(status)s dan tidak dapat dibuang.")
                % {"id": batch.pk, "status": locked.get_status_display()},
                status=409,
            )
        locked.status = ImportStatus.DISCARDED
        locked.finished_at = timezone.now()
        locked.message = _("Batch dibuang tanpa disimpan; tidak ada data yang berubah.")
        locked.save(update_fields=["status", "finished_at", "message"])
    drop_parsed(batch)
    drop_preview(batch)
    batch.refresh_from_db()
    return batch
