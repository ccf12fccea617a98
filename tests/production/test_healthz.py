"""/healthz: database, broker and worker states; 503 only when this node cannot serve."""

from unittest import mock

import pytest

from django.db import OperationalError

SECRETS = ("password", "secret", "redis://", "postgres://", "127.0.0.1", "localhost")


def _assert_no_secrets(response):
    body = response.content.decode().lower()
    for word in SECRETS:
        assert word not in body, word


@pytest.mark.django_db
def test_healthy_without_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["checks"]["database"]["status"] == "ok"
    assert data["checks"]["broker"]["status"] == "not_configured"
    assert data["checks"]["workers"]["status"] == "not_configured"
    assert response["Cache-Control"].startswith("max-age=0")
    _assert_no_secrets(response)


@pytest.mark.django_db
def test_no_authentication_needed_and_get_only(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_database_down_is_503(client, settings):
    settings.CELERY_BROKER_URL = ""
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("could not connect to server at 10.0.0.5"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "down"
    assert data["checks"]["database"]["status"] == "error"
    assert "10.0.0.5" not in response.content.decode()


@pytest.mark.django_db
def test_broker_unreachable_is_degraded_not_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://:hunter2@127.0.0.1:1/7"  # closed port
    settings.HEALTHZ_TIMEOUT = 0.5
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"]["broker"]["status"] == "error"
    assert data["checks"]["workers"]["status"] == "error"
    _assert_no_secrets(response)
    assert "hunter2" not in response.content.decode()
    strict = client.get("/healthz?strict=1")
    assert strict.status_code == 503


@pytest.mark.django_db
def test_worker_states_reported(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/7"
    with mock.patch("config.health.check_broker", return_value="ok"):
        with mock.patch("config.health.check_workers", return_value=("ok", 2)):
            ok = client.get("/healthz").json()
        with mock.patch("config.health.check_workers", return_value=("none", 0)):
            none = client.get("/healthz")
    assert ok["status"] == "ok" and ok["checks"]["workers"]["count"] == 2
    assert none.status_code == 200 and none.json()["status"] == "degraded"
    assert none.json()["checks"]["workers"]["status"] == "none"


@pytest.mark.redis
@pytest.mark.django_db
def test_real_redis_without_worker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    settings.HEALTHZ_TIMEOUT = 0.5
    response = client.get("/healthz")
    data = response.json()
    assert data["checks"]["broker"]["status"] == "ok"
    # No worker consumes this test database's queue.
    assert data["checks"]["workers"]["status"] in {"none", "ok"}
    assert response.status_code == 200
