"""Structured logs: JSON lines with the request id, also inside Celery tasks."""

import io
import json
import logging

import pytest
from celery import Celery

from audit.context import audit_via, current_request_id
from config import celery as celery_config
from config.logging import JsonFormatter, RequestIdFilter


@pytest.fixture
def json_log():
    """Capture the root logger as the production handler formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines(reattach=False):
        if reattach:  # after something reconfigured logging (a worker starting)
            root.addHandler(handler)
            root.setLevel(logging.INFO)
            return []
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_json_formatter_writes_one_object_per_line(json_log):
    log = logging.getLogger("tkpkd.test")
    with audit_via("web", "rid-1"):
        log.info("dua\nbaris", extra={"batch_id": 7})
    try:
        raise ValueError("rusak")
    except ValueError:
        log.exception("gagal")
    lines = json_log()
    assert len(lines) == 2
    first, second = lines
    assert first["message"] == "dua\nbaris"
    assert first["request_id"] == "rid-1" and first["via"] == "web"
    assert first["batch_id"] == 7 and first["level"] == "INFO"
    assert first["ts"].endswith("+00:00")
    assert second["request_id"] is None
    assert second["exc_type"] == "ValueError" and "rusak" in second["exc"]


def test_production_default_is_json(settings):
    # config.settings picks json when DEBUG is off (checked in a subprocess by
    # test_deploy); here: the formatter named in LOGGING exists and is ours.
    assert settings.LOGGING["formatters"]["json"]["()"] == "config.logging.JsonFormatter"
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["request_id"]


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_request_id(
    client, json_log, settings, client_for, province_coordinator
):
    settings.LOG_REQUESTS = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address: the proxy
    c = client_for(province_coordinator)
    c.get("/anggaran/baris/", headers={"X-Request-ID": "req-42"})
    client.get("/tidak-ada/", headers={"X-Request-ID": "req-404"})
    lines = json_log()
    mine = [line for line in lines if line["logger"] == "tkpkd.request"]
    assert any(
        line["request_id"] == "req-42" and line["path"] == "/anggaran/baris/"
        and line["status"] == 200 and "duration_ms" in line
        for line in mine
    )
    # Django's own "Not Found" warning is logged after the middleware has left
    # the request context: the id still comes from the request on the record.
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and all(line["request_id"] == "req-404" for line in not_found)


def test_request_id_travels_in_task_headers():
    """A task published during a request carries the request id in its headers,
    and the worker side sets it in audit.context while the task runs."""
    app = Celery("tkpkd-test", broker="memory://", set_as_current=False)
    app.conf.task_always_eager = False
    seen = {}

    @app.task(name="tkpkd.test.echo", bind=True)
    def echo(self):
        seen["request_id"] = current_request_id()
        logging.getLogger("tkpkd.task").info("in task")
        return seen["request_id"]

    with audit_via("web", "req-celery-1"):
        result = echo.apply_async()
    # Read the published message back from the in-memory broker.
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue("celery")
        message = queue.get(timeout=2)
        headers = message.headers
        message.ack()
        queue.close()
    assert headers[celery_config.REQUEST_ID_HEADER] == "req-celery-1"
    assert headers["id"] == result.id

    # Worker side: the headers become attributes of task.request; task_prerun
    # enters the context, task_postrun leaves it.
    assert current_request_id() == ""
    echo.push_request(id=result.id, **{celery_config.REQUEST_ID_HEADER: "req-celery-1"})
    try:
        celery_config._enter_request_context(task_id=result.id, task=echo)
        assert current_request_id() == "req-celery-1"
        celery_config._leave_request_context(task_id=result.id)
    finally:
        echo.pop_request()
    assert current_request_id() == ""


def test_task_run_by_a_worker_logs_with_the_request_id(json_log):
    """End to end through a real (in-thread) worker on the memory transport."""
    from celery.contrib.testing.worker import start_worker

    app = Celery("tkpkd-test-worker", broker="memory://", backend="cache+memory://",
                 set_as_current=False)
    app.conf.task_always_eager = False
    app.conf.worker_hijack_root_logger = False

    @app.task(name="tkpkd.test.whoami")
    def whoami():
        logging.getLogger("tkpkd.task").info("task ran")
        return current_request_id()

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        json_log(reattach=True)  # the worker applied LOGGING (config.celery)
        with audit_via("web", "req-worker-7"):
            result = whoami.delay()
        assert result.get(timeout=10) == "req-worker-7"
    task_lines = [line for line in json_log() if line["logger"] == "tkpkd.task"]
    assert task_lines and task_lines[-1]["request_id"] == "req-worker-7"


def test_eager_tasks_keep_the_request_context():
    app = Celery("tkpkd-test-eager", set_as_current=False)
    app.conf.task_always_eager = True

    @app.task(name="tkpkd.test.eager")
    def eager():
        return current_request_id()

    with audit_via("web", "req-eager"):
        assert eager.delay().get() == "req-eager"
