"""Background jobs of the SIPD import.

The database records each batch's state, progress and attempts; the broker
only carries the batch id. Messages are acknowledged after the work
(``acks_late``) and requeued when a worker dies (``reject_on_worker_lost``);
the service runs in one transaction per step, so a dead worker leaves nothing
half-written and the batch runs again, up to ``IMPORT_MAX_ATTEMPTS`` times.
With no broker configured the same task runs in-process.
"""

from __future__ import annotations

import logging

from celery import shared_task

from django.utils.translation import gettext as _

from . import imports

log = logging.getLogger(__name__)


@shared_task(
    name="budgets.tasks.import_batch_process",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=0,
)
def import_batch_process(batch_id: int, commit: bool = False) -> str | None:
    """Parse, validate and preview one batch (and commit it when asked)."""
    try:
        batch = imports.import_batch_process(batch_id=batch_id, commit=commit)
    except Exception:
        # A bug, not a bad file: record a plain message rather than a traceback.
        # (A worker that dies instead gets the message redelivered; the batch is
        # then still "parsing" and runs again, attempts counted in the database.)
        log.exception("import batch %s failed", batch_id)
        imports.import_batch_mark_failed(
            batch_id=batch_id,
            message=_(
                "Terjadi kesalahan tak terduga saat memproses berkas. Tim teknis telah "
                "dicatat; coba unggah ulang atau hubungi admin."
            ),
        )
        return None
    return batch.status if batch else None


@shared_task(
    name="budgets.tasks.import_batch_commit",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=0,
)
def import_batch_commit(batch_id: int, user_id: int) -> str | None:
    """Commit a previewed batch for a user (the access rule is checked again)."""
    from django.contrib.auth import get_user_model

    from .models import ImportBatch

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if batch is None or user is None:
        return None
    try:
        imports.import_batch_commit(user=user, batch=batch)
    except imports.ImportRefused as exc:
        ImportBatch.objects.filter(pk=batch_id).update(message=exc.message)
    return batch.status
