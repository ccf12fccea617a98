"""Background jobs of the SIPD import.

The database records each batch's state, progress and attempts; the broker
only carries the batch id. Messages are acknowledged after the work
(``acks_late``) and requeued when a worker dies (``reject_on_worker_lost``);
the service runs in one transaction per step, so a dead worker leaves nothing
half-written and the batch runs again, up to ``IMPORT_MAX_ATTEMPTS`` times.
With no broker configured the same task runs in-process.

Faults (see ``budgets/imports/faults.py``):

* each task holds the batch's lease while it works, so a second delivery of
  the same message (redelivery, sweeper) does nothing while the first lives;
* a commit left "committing" by a dead worker is counted and run again;
* PostgreSQL unreachable for a moment (``OperationalError``/``InterfaceError``)
  makes the task retry with exponential backoff, up to ``IMPORT_DB_RETRIES``
  times; it is not a fault of the file, and the attempt cap still bounds the
  work (the next run counts its attempt as usual);
* ``import_sweep`` (Celery beat, every minute) requeues what the broker lost.
"""

from __future__ import annotations

import logging

from celery import shared_task

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from . import imports
from .imports import faults as import_faults

log = logging.getLogger(__name__)

DB_ERRORS = (OperationalError, InterfaceError)


def db_retries() -> int:
    return int(getattr(settings, "IMPORT_DB_RETRIES", 5))


def db_backoff(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: 5, 10, 20, 40, 80... at most 300."""
    return min(5 * 2**retries, 300)


def _unexpected_message() -> str:
    return _(
        "Terjadi kesalahan tak terduga saat memproses berkas. Tim teknis telah "
        "dicatat; coba unggah ulang atau hubungi admin."
    )


def _db_unreachable_message() -> str:
    return _(
        "Basis data tidak dapat dihubungi selama pemrosesan. Tidak ada yang tersimpan; "
        "coba lagi beberapa saat lagi atau hubungi admin."
    )


def _retry_on_db_error(task, batch_id: int, exc: Exception):
    """Retry later while retries are left; then record the failure if possible."""
    # (A broken connection is closed after the task by Celery's Django fixup.)
    retries = task.request.retries
    if retries < db_retries():
        countdown = db_backoff(retries)
        log.warning("import batch %s: database unreachable (%s); retry %d in %ds",
                    batch_id, type(exc).__name__, retries + 1, countdown)
        raise task.retry(exc=exc, countdown=countdown, max_retries=db_retries())
    log.error("import batch %s: database unreachable after %d retries", batch_id, retries)
    try:
        imports.import_batch_mark_failed(batch_id=batch_id, message=_db_unreachable_message())
    except DB_ERRORS:
        # Still down: the batch keeps its state and the sweeper picks it up later.
        log.error("import batch %s left to the sweeper", batch_id)
    return None


@shared_task(
    bind=True,
    name="budgets.tasks.import_batch_process",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def import_batch_process(self, batch_id: int, commit: bool = False) -> str | None:
    """Parse, validate and preview one batch (and commit it when asked)."""
    try:
        with import_faults.batch_lease(batch_id) as mine:
            if not mine:
                log.info("import batch %s is being processed by another worker", batch_id)
                return None
            batch = imports.import_batch_process(batch_id=batch_id, commit=commit)
    except DB_ERRORS as exc:
        return _retry_on_db_error(self, batch_id, exc)
    except Exception:
        # A bug, not a bad file: record a plain message rather than a traceback.
        # (A worker that dies instead gets the message redelivered; the batch is
        # then still "parsing" and runs again, attempts counted in the database.)
        log.exception("import batch %s failed", batch_id)
        imports.import_batch_mark_failed(batch_id=batch_id, message=_unexpected_message())
        return None
    return batch.status if batch else None


@shared_task(
    bind=True,
    name="budgets.tasks.import_batch_commit",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def import_batch_commit(self, batch_id: int, user_id: int) -> str | None:
    """Commit a previewed batch for a user (the access rule is checked again)."""
    from django.contrib.auth import get_user_model

    from .models import ImportBatch, ImportStatus

    try:
        with import_faults.batch_lease(batch_id) as mine:
            if not mine:
                log.info("import batch %s is being committed by another worker", batch_id)
                return None
            user = get_user_model().objects.filter(pk=user_id).first()
            if user is None:
                return None
            batch = import_faults.import_commit_resume(batch_id=batch_id, user_id=user_id)
            if batch is None or batch.status != ImportStatus.PREVIEW:
                return batch.status if batch else None
            try:
                imports.import_batch_commit(user=user, batch=batch)
            except imports.ImportRefused as exc:
                ImportBatch.objects.filter(pk=batch_id).update(message=exc.message)
    except DB_ERRORS as exc:
        return _retry_on_db_error(self, batch_id, exc)
    return batch.status


@shared_task(name="budgets.tasks.import_sweep")
def import_sweep() -> dict:
    """Requeue batches whose message or worker was lost; fail them past the cap."""
    return import_faults.import_sweep()
