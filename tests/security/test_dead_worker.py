"""A batch whose worker died is noticed within two minutes and never blocks a new
commit (issue 13): on PostgreSQL the lease dies with the worker's connection, so
the sweeper (every minute) takes a parsing/committing batch with a free lease
for dead after IMPORT_DEAD_WORKER_SECONDS, and a commit request recovers it at
once."""

from datetime import timedelta

import pytest

from django.db import connections
from django.utils import timezone

from budgets import imports
from budgets.imports import faults
from budgets.models import BudgetLine, ImportBatch, ImportStatus
from tests.budgets.import_helpers import sample_path, upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _commit_died(batch, *, ago: timedelta):
    """The state a worker killed inside the commit leaves: committing, nothing
    written (its transaction died with it), no lease."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.COMMITTING, attempts=0, started_at=timezone.now() - ago
    )


def test_the_sweeper_takes_a_dead_commit_within_two_minutes_not_ten(data_staff, settings):
    batch = upload(data_staff, sample_path())
    _commit_died(batch, ago=timedelta(seconds=45))
    assert settings.IMPORT_SWEEP_AFTER_SECONDS >= 600  # the long cutoff is not what acts
    outcome = faults.import_sweep(enqueue=False)
    assert outcome["requeued"] == [batch.pk]


def test_a_batch_whose_worker_holds_its_lease_is_left_alone(data_staff):
    batch = upload(data_staff, sample_path())
    _commit_died(batch, ago=timedelta(seconds=45))
    other = connections.create_connection("default")  # another worker's session
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s, %s)", [faults.LEASE_CLASS, batch.pk])
        outcome = faults.import_sweep(enqueue=False)
        assert outcome["busy"] == [batch.pk] and outcome["requeued"] == []
        recovered = imports.import_batch_recover(batch_id=batch.pk)
        assert recovered.status == ImportStatus.COMMITTING  # still someone's
    finally:
        other.close()


def test_a_new_commit_request_recovers_a_dead_commit_at_once(data_staff, client):
    batch = upload(data_staff, sample_path())
    _commit_died(batch, ago=timedelta(seconds=1))
    client.force_login(data_staff)
    response = client.post(f"/anggaran/impor/{batch.pk}/simpan/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert batch.attempts == 1  # the dead attempt was counted
    assert BudgetLine.objects.count() == 60


def test_the_api_commit_is_not_blocked_by_a_dead_commit(data_staff):
    from rest_framework.test import APIClient

    batch = upload(data_staff, sample_path())
    _commit_died(batch, ago=timedelta(seconds=1))
    api = APIClient()
    api.force_authenticate(data_staff)
    response = api.post(f"/api/v1/imports/{batch.pk}/commit/")
    assert response.status_code in (200, 202)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
