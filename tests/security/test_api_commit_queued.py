"""POST /api/v1/imports/<id>/commit/ hands the commit to the worker, as the
import page does: with a broker configured nothing is written inside the web
request, and the task is queued after the request's transaction."""

import io

import pytest
from rest_framework.test import APIClient

from budgets.models import BudgetLine, ImportStatus
from tests.budgets.import_helpers import sample_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def previewed(data_staff, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(data_staff)
    with django_capture_on_commit_callbacks(execute=True):
        f = io.BytesIO(sample_path().read_bytes())
        f.name = "sipd.xlsx"
        resp = client.post("/api/v1/imports/", {"file": f, "region": "36"}, format="multipart")
    assert resp.status_code == 201, resp.content
    assert client.get(f"/api/v1/imports/{resp.json()['id']}/").json()["status"] == "preview"
    return client, resp.json()["id"]


def test_the_api_commit_is_queued_to_the_worker_not_run_in_the_request(
    previewed, monkeypatch, settings, django_capture_on_commit_callbacks, data_staff
):
    from budgets import imports, tasks

    client, batch_id = previewed
    queued = []
    monkeypatch.setattr(tasks.import_batch_commit, "delay", lambda *a: queued.append(a))
    monkeypatch.setattr(
        imports, "import_batch_commit",
        lambda **kw: pytest.fail("the web request committed the batch itself"),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resp = client.post(f"/api/v1/imports/{batch_id}/commit/")
        assert queued == []  # only once the request's transaction has committed
    assert len(callbacks) == 1
    assert resp.status_code == 202 and resp.json()["status"] == ImportStatus.PREVIEW
    assert queued == [(batch_id, data_staff.pk)]
    assert BudgetLine.objects.count() == 0


def test_a_batch_that_is_not_a_preview_is_refused_with_409(previewed):
    from budgets.models import ImportBatch

    client, batch_id = previewed
    # (A batch left "committing" by a dead worker is recovered instead:
    # tests/security/test_dead_worker.py.)
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.COMMITTED)
    resp = client.post(f"/api/v1/imports/{batch_id}/commit/")
    assert resp.status_code == 409 and "tidak dapat" in resp.json()["detail"]
