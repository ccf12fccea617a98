"""Import faults with a real Celery worker, Redis and PostgreSQL.

Each test starts ``celery -A config worker`` (prefork, one process) as a
subprocess against Redis (``REDIS_URL``) and the pytest PostgreSQL database
(``test_<name>``; the data is committed, ``transactional_db``). The worker gets
the test hooks (``IMPORT_TEST_HOOKS``/``IMPORT_TEST_PAUSE``) to stop at a known
point, and a short Redis visibility timeout so the message of a killed worker
comes back within seconds. Everything is bounded by timeouts; the workers are
killed in finalisers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Sum

from budgets.models import BudgetLine, ImportBatch, ImportLineChange, ImportStatus

from .import_helpers import sample_path, upload

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_TOTAL = Decimal("25000000000")
WAIT = 60  # seconds: the longest any single wait may take

# Committed data (the worker is another process). Each test's flush also empties
# what migrations seeded; the reference_data fixture puts pillars and strategies
# back for every test here.
pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def _totals():
    agg = BudgetLine.objects.aggregate(s=Sum("pagu"))
    return BudgetLine.objects.count(), agg["s"] or Decimal("0")


def _wait_for(predicate, what: str, timeout: float = WAIT, workers=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    logs = "\n".join(w.log_tail() for w in workers)
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{logs}")


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A ``celery -A config worker`` subprocess in its own process group."""

    def __init__(self, tmp_path: Path, redis_url: str, **env):
        self.log = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
        full_env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=redis_url,
            MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
            CELERY_VISIBILITY_TIMEOUT="3",
            IMPORT_SWEEP_AFTER_SECONDS="1",
            PYTHONUNBUFFERED="1",
        )
        full_env.update({k: str(v) for k, v in env.items()})
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"faults-{uuid.uuid4().hex}@%h"],
            cwd=ROOT, env=full_env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self):
        _wait_for(lambda: "ready." in self.log.read_text(), "the worker to start",
                  workers=[self])

    def log_tail(self, n: int = 60) -> str:
        lines = self.log.read_text(errors="replace").splitlines()
        return f"--- {self.log.name} ---\n" + "\n".join(lines[-n:])

    def kill(self):
        """SIGKILL the whole worker (main process and pool child) at once."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass

    def pool_child(self) -> int:
        out = subprocess.run(  # noqa: S603
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],  # noqa: S607
            capture_output=True, text=True, check=False,
        ).stdout.split()
        assert out, self.log_tail()
        return int(out[0])


@pytest.fixture
def workers(tmp_path, redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    started: list[Worker] = []

    def start(**env) -> Worker:
        w = Worker(tmp_path, redis_url, **env)
        started.append(w)
        w.wait_ready()
        return w

    yield start
    for w in started:
        w.kill()
    client.flushdb()
    client.close()


@pytest.fixture
def send(redis_url):
    """Send a task by name to the Redis queue, as the web process would."""
    from celery import Celery

    app = Celery("faults-test", broker=redis_url)

    def send_task(name: str, *args):
        app.send_task(name, args=list(args))

    yield send_task
    app.close()


def test_worker_killed_mid_commit_leaves_nothing_and_a_new_worker_commits(
    workers, send, data_staff, tmp_path
):
    batch = upload(data_staff, sample_path())
    assert batch.status == ImportStatus.PREVIEW and _totals() == (0, Decimal("0"))
    marker = tmp_path / "in-commit"
    first = workers(IMPORT_TEST_HOOKS="1", IMPORT_TEST_PAUSE=f"commit:300:{marker}")
    send("budgets.tasks.import_batch_commit", batch.pk, data_staff.pk)
    # The worker has written every line inside the transaction and sleeps there.
    _wait_for(marker.exists, "the commit transaction", workers=[first])
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.COMMITTING
    assert _totals() == (0, Decimal("0"))
    first.kill()
    assert _totals() == (0, Decimal("0"))
    assert ImportLineChange.objects.count() == 0
    # A new worker gets the unacknowledged message back (Redis visibility
    # timeout, 3 s here) and commits it. kombu scans for such messages every
    # few seconds, and not while a killed worker's restore mutex lives; the
    # sweeper is the second way back, as beat would send it in production.
    second = workers()

    def committed():
        return ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.COMMITTED

    deadline = time.monotonic() + 30
    while not committed() and time.monotonic() < deadline:
        time.sleep(0.2)
    if not committed():
        send("budgets.tasks.import_sweep")
    _wait_for(committed, "the batch to be committed by the new worker",
              workers=[first, second])
    batch.refresh_from_db()
    assert batch.attempts == 2 and batch.committed_by == data_staff
    assert _totals() == (60, SAMPLE_TOTAL)
    # Exactly one commit's record of its 60 created lines (runs of ids).
    assert sum(len(c.line_ids) for c in ImportLineChange.objects.filter(batch=batch)) == 60


def test_pool_child_killed_mid_commit_is_requeued_by_reject_on_worker_lost(
    workers, send, data_staff, tmp_path
):
    batch = upload(data_staff, sample_path())
    marker = tmp_path / "in-commit"
    worker = workers(
        IMPORT_TEST_HOOKS="1", IMPORT_TEST_PAUSE=f"commit:300:{marker}",
        CELERY_VISIBILITY_TIMEOUT="3600",  # only reject_on_worker_lost can bring it back
    )
    send("budgets.tasks.import_batch_commit", batch.pk, data_staff.pk)
    _wait_for(marker.exists, "the commit transaction", workers=[worker])
    os.kill(worker.pool_child(), signal.SIGKILL)
    # The main process requeues the message; its next pool child commits it
    # (the marker exists, so the hook does not pause a second time).
    _wait_for(
        lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.COMMITTED,
        "the batch to be committed after the requeue", workers=[worker],
    )
    batch.refresh_from_db()
    assert batch.attempts == 2
    assert _totals() == (60, SAMPLE_TOTAL)


def test_a_batch_that_kills_every_worker_is_failed_at_the_cap(
    workers, send, data_staff, tmp_path
):
    batch = upload(data_staff, sample_path(), process=False)
    marker = tmp_path / "in-parse"
    hooks = {"IMPORT_TEST_HOOKS": "1", "IMPORT_TEST_PAUSE": f"parse:300:{marker}",
             "IMPORT_MAX_ATTEMPTS": "2"}
    send("budgets.tasks.import_batch_process", batch.pk)
    seen = []
    for attempt in (1, 2):
        w = workers(**hooks)
        seen.append(w)
        if attempt > 1:
            # The message comes back by the visibility timeout, or (sooner, and
            # even when a killed worker held kombu's restore mutex) the sweeper.
            send("budgets.tasks.import_sweep")
        _wait_for(marker.exists, f"attempt {attempt} to start parsing", workers=seen)
        assert ImportBatch.objects.get(pk=batch.pk).attempts == attempt
        w.kill()  # the file "kills" the worker
        marker.unlink()
    last = workers(**hooks)
    seen.append(last)
    send("budgets.tasks.import_sweep")
    _wait_for(
        lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.FAILED,
        "the batch to be failed at the cap", workers=seen,
    )
    batch.refresh_from_db()
    assert "2 percobaan" in batch.message and not marker.exists()
    assert _totals() == (0, Decimal("0"))


def test_redis_flushed_with_jobs_queued_the_sweeper_requeues_them(
    workers, send, data_staff, redis_url
):
    import redis

    batch = upload(data_staff, sample_path(), process=False)
    send("budgets.tasks.import_batch_process", batch.pk)
    client = redis.Redis.from_url(redis_url)
    assert client.llen("celery") == 1
    client.flushdb()  # Redis restarted without persistence: the job is gone
    client.close()
    worker = workers()
    time.sleep(2)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PENDING
    # Beat runs the sweeper every minute; here it is sent once by hand.
    send("budgets.tasks.import_sweep")
    _wait_for(
        lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PREVIEW,
        "the swept batch to be previewed", workers=[worker],
    )
    send("budgets.tasks.import_batch_commit", batch.pk, data_staff.pk)
    _wait_for(
        lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.COMMITTED,
        "the swept batch to be committed", workers=[worker],
    )
    assert _totals() == (60, SAMPLE_TOTAL)
    assert ImportBatch.objects.get(pk=batch.pk).attempts == 1
