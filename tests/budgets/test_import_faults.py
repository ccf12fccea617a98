"""Import faults without a real worker: the sweeper on database states, a commit
left by a dead worker, the database retry path, two commits of one file.

The same behaviours with a real Celery worker, Redis and SIGKILL are in
``test_import_worker.py``.
"""

import os
import signal
import threading
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest

from django.db import OperationalError, connection
from django.db.models import Sum
from django.utils import timezone

from budgets import imports, tasks
from budgets.importers import reader
from budgets.imports import faults as import_faults
from budgets.models import BudgetLine, ImportBatch, ImportStatus

from .import_helpers import sample_path, upload

SAMPLE_TOTAL = Decimal("25000000000")
LONG_AGO = timedelta(hours=2)


def _age(batch, status, *, attempts=0, ago=LONG_AGO):
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, attempts=attempts, started_at=timezone.now() - ago
    )


def _totals():
    agg = BudgetLine.objects.aggregate(s=Sum("pagu"))
    return BudgetLine.objects.count(), agg["s"] or Decimal("0")


# --- the sweeper ----------------------------------------------------------------


@pytest.mark.django_db
def test_sweeper_requeues_a_pending_batch_whose_message_was_lost(
    data_staff, django_capture_on_commit_callbacks
):
    batch = upload(data_staff, sample_path(), process=False)  # never reached a worker
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - LONG_AGO
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_faults.import_sweep()
    assert outcome["requeued"] == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and batch.attempts == 1


@pytest.mark.django_db
def test_sweeper_requeues_a_parsing_batch_below_the_cap(
    data_staff, django_capture_on_commit_callbacks
):
    batch = upload(data_staff, sample_path(), process=False)
    _age(batch, ImportStatus.PARSING, attempts=1)  # its worker died
    with django_capture_on_commit_callbacks(execute=True):
        assert import_faults.import_sweep()["requeued"] == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and batch.attempts == 2


@pytest.mark.django_db
def test_sweeper_fails_a_batch_at_the_cap_with_a_message(data_staff, settings):
    settings.IMPORT_MAX_ATTEMPTS = 3
    parsing = upload(data_staff, sample_path(), process=False)
    _age(parsing, ImportStatus.PARSING, attempts=3)
    committing = upload(data_staff, sample_path(), process=False)
    _age(committing, ImportStatus.COMMITTING, attempts=3)
    outcome = import_faults.import_sweep(enqueue=False)
    assert sorted(outcome["failed"]) == sorted([parsing.pk, committing.pk])
    for batch in (parsing, committing):
        batch.refresh_from_db()
        assert batch.status == ImportStatus.FAILED
        assert "3" in batch.message and "hubungi admin" in batch.message
    assert BudgetLine.objects.count() == 0


@pytest.mark.django_db
def test_sweeper_leaves_recent_and_finished_batches_alone(data_staff):
    recent = upload(data_staff, sample_path(), process=False)
    _age(recent, ImportStatus.PARSING, attempts=1, ago=timedelta(seconds=5))
    done = upload(data_staff, sample_path())  # preview
    _age(done, ImportStatus.PREVIEW, attempts=1)
    for status in (ImportStatus.COMMITTED, ImportStatus.REJECTED, ImportStatus.FAILED):
        b = upload(data_staff, sample_path(), process=False)
        _age(b, status, attempts=1)
    outcome = import_faults.import_sweep(enqueue=False)
    assert outcome == {"requeued": [], "failed": [], "busy": []}
    recent.refresh_from_db()
    assert recent.status == ImportStatus.PARSING


@pytest.mark.django_db
def test_sweeper_does_not_requeue_the_same_batch_every_minute(data_staff):
    batch = upload(data_staff, sample_path(), process=False)
    _age(batch, ImportStatus.PARSING, attempts=1)
    assert import_faults.import_sweep(enqueue=False)["requeued"] == [batch.pk]
    # A minute later the requeued message has not run yet: not queued twice.
    later = timezone.now() + timedelta(minutes=1)
    assert import_faults.import_sweep(now=later, enqueue=False)["requeued"] == []


@pytest.mark.django_db
def test_sweeper_finishes_a_commit_left_by_a_dead_worker_with_exact_totals(
    data_staff, province_coordinator, django_capture_on_commit_callbacks
):
    batch = upload(data_staff, sample_path())
    # The commit task started for the coordinator, then its worker died: the
    # transaction was rolled back, the batch says "committing".
    ImportBatch.objects.filter(pk=batch.pk).update(
        preview=dict(batch.preview, commit_user=province_coordinator.pk)
    )
    _age(batch, ImportStatus.COMMITTING, attempts=1)
    assert _totals() == (0, Decimal("0"))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_faults.import_sweep()["requeued"] == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.attempts == 2
    assert batch.committed_by == province_coordinator
    assert _totals() == (60, SAMPLE_TOTAL)


# --- the commit task after a dead worker -----------------------------------------


@pytest.mark.django_db
def test_commit_task_resumes_a_commit_left_committing(data_staff):
    batch = upload(data_staff, sample_path())
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING)
    # The broker redelivers the message of the dead worker.
    assert tasks.import_batch_commit(batch.pk, data_staff.pk) == ImportStatus.COMMITTED
    batch.refresh_from_db()
    assert batch.attempts == 2 and _totals() == (60, SAMPLE_TOTAL)


@pytest.mark.django_db
def test_commit_task_stops_at_the_cap(data_staff, settings):
    settings.IMPORT_MAX_ATTEMPTS = 2
    batch = upload(data_staff, sample_path())
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.COMMITTING, attempts=2
    )
    assert tasks.import_batch_commit(batch.pk, data_staff.pk) == ImportStatus.FAILED
    batch.refresh_from_db()
    assert "tidak ada baris yang tersimpan" in batch.message
    assert BudgetLine.objects.count() == 0


# --- the database unreachable for a moment -------------------------------------


@pytest.mark.django_db
def test_process_task_retries_on_a_database_error_without_failing_the_file(data_staff):
    batch = upload(data_staff, sample_path(), process=False)
    real = imports.import_batch_process
    calls = []

    def flaky(**kw):
        calls.append(kw)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kw)

    with mock.patch.object(imports, "import_batch_process", side_effect=flaky):
        result = tasks.import_batch_process.apply(args=[batch.pk], throw=False)
    assert len(calls) == 2  # retried once, eagerly here; with backoff on a worker
    assert result.get() == ImportStatus.PREVIEW
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and batch.attempts == 1
    assert "kesalahan tak terduga" not in batch.message


@pytest.mark.django_db
def test_commit_task_retries_on_a_database_error(data_staff):
    batch = upload(data_staff, sample_path())
    real = imports.import_batch_commit
    calls = []

    def flaky(**kw):
        calls.append(kw)
        if len(calls) == 1:
            raise OperationalError("could not connect to server")
        return real(**kw)

    with mock.patch.object(imports, "import_batch_commit", side_effect=flaky):
        result = tasks.import_batch_commit.apply(args=[batch.pk, data_staff.pk], throw=False)
    assert len(calls) == 2 and result.get() == ImportStatus.COMMITTED
    assert _totals() == (60, SAMPLE_TOTAL)


def test_backoff_grows_and_is_capped():
    assert [tasks.db_backoff(n) for n in range(8)] == [5, 10, 20, 40, 80, 160, 300, 300]


@pytest.mark.django_db
def test_database_down_for_too_long_fails_the_batch_with_a_clear_message(
    data_staff, settings
):
    settings.IMPORT_DB_RETRIES = 2
    batch = upload(data_staff, sample_path(), process=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PARSING, attempts=1)
    task = tasks.import_batch_process
    # The third run on a worker (two retries done) meets the error again.
    task.push_request(retries=2, called_directly=False, is_eager=False)
    try:
        with mock.patch.object(task, "retry") as retry:
            assert tasks._retry_on_db_error(task, batch.pk, OperationalError("down")) is None
        retry.assert_not_called()
    finally:
        task.pop_request()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "Basis data tidak dapat dihubungi" in batch.message


def test_process_task_has_a_retry_countdown_on_a_worker():
    """On a worker (not eager) the retry is scheduled with the backoff."""
    task = tasks.import_batch_process
    task.push_request(retries=2, called_directly=False, is_eager=False)
    try:
        with mock.patch.object(task, "retry", side_effect=RuntimeError("retry")) as retry:
            with pytest.raises(RuntimeError):
                tasks._retry_on_db_error(task, 1, OperationalError("x"))
        assert retry.call_args.kwargs["countdown"] == 20
    finally:
        task.pop_request()


# --- the test hook is off by default ----------------------------------------------


def test_pause_point_is_ignored_unless_the_test_hooks_are_on(settings, tmp_path):
    marker = tmp_path / "reached"
    settings.IMPORT_TEST_HOOKS = False
    settings.IMPORT_TEST_PAUSE = f"commit:30:{marker}"
    import_faults.pause_point("commit")  # returns at once
    assert not marker.exists()
    settings.IMPORT_TEST_HOOKS = True
    settings.IMPORT_TEST_PAUSE = f"commit:0:{marker}"
    import_faults.pause_point("parse")  # another point
    assert not marker.exists()
    import_faults.pause_point("commit")
    assert marker.exists()
    settings.IMPORT_TEST_PAUSE = f"commit:30:{marker}"
    import_faults.pause_point("commit")  # the marker is there: no second pause


# --- two uploads of the same file at the same moment ------------------------------


@pytest.mark.django_db
def test_same_file_imported_again_later_is_all_unchanged(data_staff):
    first = upload(data_staff, sample_path(), commit=True)
    again = upload(data_staff, sample_path(), commit=True)
    assert first.status == again.status == ImportStatus.COMMITTED
    assert again.unchanged == 60 and again.created == 0
    assert _totals() == (60, SAMPLE_TOTAL)


@pytest.mark.django_db
def test_second_commit_of_a_twin_preview_is_refused_naming_the_first(data_staff):
    a = upload(data_staff, sample_path())
    b = upload(data_staff, sample_path())
    assert a.created == b.created == 60  # both previews were made before any commit
    imports.import_batch_commit(user=data_staff, batch=a)
    plan_time = timezone.now() - timedelta(seconds=1)
    with mock.patch.object(imports.Plan, "__init__", _plan_made_at(plan_time)):
        imports.import_batch_commit(user=data_staff, batch=b)
    b.refresh_from_db()
    assert b.status == ImportStatus.REJECTED
    assert f"batch #{a.pk}" in b.message and "SHA-256" in b.message
    assert _totals() == (60, SAMPLE_TOTAL)


def _plan_made_at(when):
    real = imports.Plan.__init__

    def init(self, *args, **kw):
        real(self, *args, **kw)
        self.planned_at = when

    return init


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_commits_of_one_file_at_the_same_moment(reference_data, data_staff):
    """Two threads commit twin previews at once on PostgreSQL: one wins, one is told."""
    a = upload(data_staff, sample_path())
    b = upload(data_staff, sample_path())
    barrier = threading.Barrier(2)
    outcome = {}

    from budgets.imports import plan as plan_module

    real_plan_for = plan_module.plan_for

    def plan_then_wait(batch_, **kwargs):
        plan = real_plan_for(batch_, **kwargs)
        barrier.wait(timeout=30)  # both diffs made before either commit
        return plan

    def commit(batch):
        from django.db import connections

        try:
            imports.import_batch_commit(user=data_staff, batch=batch)
            outcome[batch.pk] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome[batch.pk] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(x,)) for x in (a, b)]
    with mock.patch.object(plan_module, "plan_for", plan_then_wait):
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert outcome == {a.pk: "ok", b.pk: "ok"}
    statuses = {x.pk: ImportBatch.objects.get(pk=x.pk) for x in (a, b)}
    committed = [x for x in statuses.values() if x.status == ImportStatus.COMMITTED]
    refused = [x for x in statuses.values() if x.status == ImportStatus.REJECTED]
    assert len(committed) == 1 and len(refused) == 1
    assert f"batch #{committed[0].pk}" in refused[0].message
    assert _totals() == (60, SAMPLE_TOTAL)
    assert connection.vendor == "postgresql"


# --- a file that kills the parser ---------------------------------------------------


@pytest.mark.django_db
def test_a_file_that_crashes_the_parser_is_refused_not_retried(
    data_staff, monkeypatch
):
    """The reader child dies (a signal): the batch is refused with a clear message
    at the first attempt, and a redelivered message does nothing more."""
    def crash(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does

    monkeypatch.setattr(reader, "_parse_path", crash)
    batch = upload(data_staff, sample_path(), process=False)
    assert tasks.import_batch_process(batch.pk) == ImportStatus.REJECTED
    batch.refresh_from_db()
    assert batch.attempts == 1 and "tidak dapat dibaca dengan aman" in batch.message
    assert "SIGKILL" in batch.message and "Traceback" not in batch.message
    assert tasks.import_batch_process(batch.pk) == ImportStatus.REJECTED  # redelivered
    batch.refresh_from_db()
    assert batch.attempts == 1
