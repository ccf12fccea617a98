"""How the SIPD import survives faults: dead workers, lost messages, twin uploads.

The database, not the broker, is the record of every batch (see
``budgets/tasks.py``). This module holds the pieces that make that record
enough to recover from:

* ``batch_lease`` - a PostgreSQL session advisory lock per batch, held by the
  worker that processes or commits it. PostgreSQL releases it when the worker's
  connection dies, so "status parsing/committing and no lease" means the
  worker is gone; a second delivery of the same message (redelivered by the
  broker, or requeued by the sweeper) sees the lease taken and does nothing.
* ``import_commit_resume`` - a commit left "committing" by a dead worker wrote
  nothing (its transaction was rolled back with the connection): count the
  attempt and put it back to "preview" so it is committed again, or fail it
  past the attempt cap.
* ``import_sweep`` - run every minute by Celery beat: batches stuck in
  pending/parsing/committing longer than ``IMPORT_SWEEP_AFTER_SECONDS`` whose
  lease is free are queued again (below the attempt cap) or marked failed with
  a message (at the cap). Every batch thus ends committed, failed or refused.
* ``import_commit_recheck`` - called inside the commit's scope lock: the same
  file (SHA-256) already committed for the same scope by another batch means
  this one is refused, naming the committed batch.
* ``pause_point`` - a test hook that sleeps at a named point inside the commit
  transaction, so the fault tests can kill a worker there. Honoured only when
  ``IMPORT_TEST_HOOKS`` is on (never in production; off by default).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportBatch, ImportStatus

log = logging.getLogger(__name__)

#: First key of the two-integer advisory locks held per batch (the scope lock of
#: the commit uses the one-bigint form, a separate key space).
LEASE_CLASS = 0x5150  # "SIPD"

STUCK_STATUSES = (ImportStatus.PENDING, ImportStatus.PARSING, ImportStatus.COMMITTING)


def max_attempts() -> int:
    return int(getattr(settings, "IMPORT_MAX_ATTEMPTS", 3))


def sweep_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "IMPORT_SWEEP_AFTER_SECONDS", 600)))


def dead_worker_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "IMPORT_DEAD_WORKER_SECONDS", 30)))


# --- the lease -------------------------------------------------------------------


def _try_lock(batch_id: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s, %s)", [LEASE_CLASS, batch_id])
        return bool(cur.fetchone()[0])


def _unlock(batch_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(%s, %s)", [LEASE_CLASS, batch_id])


@contextmanager
def batch_lease(batch_id: int):
    """Yield True when this worker may work on the batch, False when another is.

    On PostgreSQL a session advisory lock, released on exit or when the
    connection dies with its worker. Other databases (SQLite: one process,
    development and tests) always grant it.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    got = _try_lock(batch_id)
    try:
        yield got
    finally:
        if got:
            try:
                _unlock(batch_id)
            except Exception:  # noqa: BLE001 - a dead connection released it already
                log.warning("could not release the lease of import batch %s", batch_id)


def lease_is_free(batch_id: int) -> bool:
    """True when no live worker holds the batch (always True off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return True
    if _try_lock(batch_id):
        _unlock(batch_id)
        return True
    return False


# --- a commit left behind by a dead worker --------------------------------------


def import_commit_resume(*, batch_id: int, user_id: int | None = None) -> ImportBatch | None:
    """Prepare a batch for a commit run by a worker that holds its lease.

    A batch still "committing" was left by a worker that died (the service puts
    it back to "preview" on any error it survives); its transaction was rolled
    back, so nothing of it is stored. Count the attempt, then put it back to
    "preview" (below the cap) or mark it failed (past the cap). The user who
    asked for the commit is remembered in the preview so the sweeper can
    queue the commit again for the same person.

    Returns the batch, or None when it does not exist.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return None
        fields = []
        if user_id and (batch.preview or {}).get("commit_user") != user_id:
            batch.preview = dict(batch.preview or {}, commit_user=user_id)
            fields.append("preview")
        if batch.status == ImportStatus.COMMITTING:
            batch.attempts += 1
            fields.append("attempts")
            if batch.attempts > max_attempts():
                batch.status = ImportStatus.FAILED
                batch.finished_at = timezone.now()
                batch.message = _(
                    "Penyimpanan batch dihentikan setelah %(n)d percobaan yang terputus; "
                    "tidak ada baris yang tersimpan. Unggah ulang berkas atau hubungi "
                    "admin."
                ) % {"n": batch.attempts - 1}
                fields += ["status", "finished_at", "message"]
            else:
                batch.status = ImportStatus.PREVIEW
                fields.append("status")
        if batch.status == ImportStatus.PREVIEW:
            batch.started_at = timezone.now()
            fields.append("started_at")
        if fields:
            batch.save(update_fields=fields)
    return batch


def import_batch_recover(*, batch_id: int) -> ImportBatch | None:
    """A batch left "committing" by a worker that died (its lease is free) is put
    back to "preview" (or failed at the attempt cap) at once, so a new commit
    request is never blocked by it. Does nothing while a worker holds the lease,
    and off PostgreSQL (no lease to tell a dead worker by)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ImportStatus.COMMITTING:
        return batch
    if connection.vendor != "postgresql":
        return batch
    with batch_lease(batch_id) as mine:
        if not mine:
            return batch
        log.warning("import batch %s: its commit's worker is gone; recovered", batch_id)
        return import_commit_resume(batch_id=batch_id)


# --- the sweeper ------------------------------------------------------------------


def _fail(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
        status=ImportStatus.FAILED, message=message, finished_at=timezone.now()
    )


def import_sweep(*, now=None, enqueue: bool = True) -> dict:
    """Requeue or fail batches that no worker is working on any more.

    A batch in pending/parsing/committing whose last start (``started_at``,
    else ``created_at``) is older than ``IMPORT_SWEEP_AFTER_SECONDS`` and whose
    lease is free lost its message (broker restarted or flushed) or its worker.
    Below the attempt cap it is queued again and its ``started_at`` is moved to
    now (so it is not queued again every minute); at the cap it is marked
    failed with a message. Returns the batch ids per outcome.
    """
    from .queue import enqueue_commit, enqueue_process

    now = now or timezone.now()
    cutoff = now - sweep_after()
    outcome = {"requeued": [], "failed": [], "busy": []}
    # A batch being worked on holds its lease; on PostgreSQL a free lease means
    # its worker is gone, so parsing/committing batches are looked at after a
    # short grace (the moment between the status change and taking the lease).
    # Elsewhere, and for pending batches (their message may still be queued),
    # only after the long cutoff.
    stale = Q(last_start__lt=cutoff)
    if connection.vendor == "postgresql":
        stale |= Q(status__in=[ImportStatus.PARSING, ImportStatus.COMMITTING],
                   last_start__lt=now - dead_worker_after())
    stuck = (
        ImportBatch.objects.filter(status__in=STUCK_STATUSES)
        .annotate(last_start=Coalesce("started_at", "created_at"))
        .filter(stale)
        .order_by("pk")
    )
    for batch in stuck:
        requeued = (batch.preview or {}).get("requeued_at")
        if (batch.last_start >= cutoff and requeued
                and batch.started_at and requeued == batch.started_at.isoformat()):
            # Requeued by an earlier sweep and not started since: its message
            # waits for a worker, so only the long cutoff applies to it.
            continue
        if not lease_is_free(batch.pk):
            outcome["busy"].append(batch.pk)
            continue
        if batch.attempts >= max_attempts() and batch.status != ImportStatus.PENDING:
            if batch.status == ImportStatus.COMMITTING:
                message = _(
                    "Penyimpanan batch terputus %(n)d kali; tidak ada baris yang "
                    "tersimpan. Unggah ulang berkas atau hubungi admin."
                ) % {"n": batch.attempts}
            else:
                message = _(
                    "Pemrosesan berkas dihentikan setelah %(n)d percobaan yang gagal. "
                    "Unggah ulang berkas atau hubungi admin."
                ) % {"n": batch.attempts}
            _fail(batch, message)
            outcome["failed"].append(batch.pk)
            log.warning("import batch %s failed by the sweeper after %s attempts",
                        batch.pk, batch.attempts)
            continue
        moved = ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
            started_at=now,
            preview=dict(batch.preview or {}, requeued_at=now.isoformat()),
        )
        if not moved:
            continue
        outcome["requeued"].append(batch.pk)
        log.warning("import batch %s (%s) requeued by the sweeper", batch.pk, batch.status)
        if not enqueue:
            continue
        if batch.status == ImportStatus.COMMITTING:
            user_id = (batch.preview or {}).get("commit_user") or batch.uploaded_by_id
            transaction.on_commit(
                lambda pk=batch.pk, uid=user_id: enqueue_commit(pk, uid)
            )
        else:
            transaction.on_commit(
                lambda pk=batch.pk: enqueue_process(pk)
            )
    return outcome


# --- two commits of the same file --------------------------------------------------


def import_commit_recheck(
    batch: ImportBatch, fiscal_year: int | None, *, since
) -> str | None:
    """Inside the commit's scope lock: refuse a file another batch has committed
    since this batch's diff was made.

    Two uploads of the same file at the same moment both preview "all new"; the
    second to take the scope lock finds the first committed after its diff and
    is refused with a message naming it, instead of writing the same lines a
    second time from a stale diff. (Importing a file again later is fine: its
    fresh diff says "all unchanged" and the commit writes nothing.)
    """
    earlier = (
        ImportBatch.objects.filter(
            sha256=batch.sha256, region_id=batch.region_id, stage=batch.stage,
            fiscal_year=fiscal_year, status=ImportStatus.COMMITTED,
            committed_at__gte=since,
        )
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )
    if earlier is None:
        return None
    return _(
        "Berkas yang sama persis (SHA-256) sudah disimpan sebagai batch #%(id)d "
        "(%(name)s, %(when)s). Batch ini tidak disimpan agar data tidak tercatat dua "
        "kali; lihat batch #%(id)d."
    ) % {
        "id": earlier.pk,
        "name": earlier.original_name,
        "when": timezone.localtime(earlier.committed_at).strftime("%d-%m-%Y %H:%M"),
    }


# --- test hook -----------------------------------------------------------------------


def pause_point(name: str) -> None:
    """Sleep at a named point when the test hooks are on (fault tests only).

    ``IMPORT_TEST_PAUSE = "<name>:<seconds>[:<marker file>]"``: at the point
    called ``name`` the worker creates the marker file (if given) and sleeps, so
    a test can see it arrived and SIGKILL it there. While the marker exists the
    point does not pause again (the run after the kill goes through; a test
    deletes the marker to pause the next run too). Without
    ``IMPORT_TEST_HOOKS`` this does nothing.
    """
    if not getattr(settings, "IMPORT_TEST_HOOKS", False):
        return
    spec = str(getattr(settings, "IMPORT_TEST_PAUSE", "") or "")
    point, _sep, rest = spec.partition(":")
    if point != name:
        return
    seconds, _sep, marker = rest.partition(":")
    if marker:
        if Path(marker).exists():
            return
        Path(marker).write_text(str(timezone.now()))
    log.warning("test hook: pausing %ss at %s", seconds, name)
    time.sleep(float(seconds or 0))
