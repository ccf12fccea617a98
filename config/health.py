"""``GET /healthz``: is this web node fit to serve?

Answers JSON with the state of the database, the Celery broker and the
workers, without authentication and without secrets (no host names, no URLs,
no error texts that could carry them: only states and timings).

Status code, for the load balancer:
- 503 when the database cannot answer ``SELECT 1``: this node can serve
  nothing, take it out of rotation.
- 200 otherwise. A broker that is down or no worker answering makes the
  status "degraded": pages and the API still work, only imports wait, and
  taking every web node out because the shared Redis is down would turn a
  partial outage into a full one. Monitoring that wants to page someone for
  that uses ``/healthz?strict=1``, which answers 503 for "degraded" too.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger("tkpkd.health")

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not_configured"
NONE = "none"


def _timed(check):
    started = time.monotonic()
    state = check()
    return state, round((time.monotonic() - started) * 1000, 1)


def check_database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "cannot serve"
        log.error("healthz: database check failed: %s", exc.__class__.__name__)
        # A broken connection must not be reused by the next request.
        connections["default"].close_if_unusable_or_obsolete()
        return ERROR
    return OK


def _broker_connection():
    from kombu import Connection

    timeout = settings.HEALTHZ_TIMEOUT
    return Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=timeout,
        transport_options={
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "max_retries": 0,
        },
    )


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return NOT_CONFIGURED
    try:
        with _broker_connection() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.HEALTHZ_TIMEOUT)
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()  # Redis: a real round trip, not just a socket
    except Exception as exc:
        log.warning("healthz: broker check failed: %s", exc.__class__.__name__)
        return ERROR
    return OK


def check_workers(broker_state: str) -> tuple[str, int]:
    """("ok", n) when n workers answered a ping, ("none", 0) when none did."""
    if broker_state == NOT_CONFIGURED:
        return NOT_CONFIGURED, 0  # tasks run in-process: no worker needed
    if broker_state != OK:
        return ERROR, 0
    from config.celery import app

    try:
        with _broker_connection() as conn:
            inspector = app.control.inspect(timeout=settings.HEALTHZ_TIMEOUT, connection=conn)
            replies = inspector.ping() or {}
    except Exception as exc:
        log.warning("healthz: worker ping failed: %s", exc.__class__.__name__)
        return ERROR, 0
    return (OK if replies else NONE), len(replies)


@never_cache
@require_GET
def healthz(request):
    database, database_ms = _timed(check_database)
    broker, broker_ms = _timed(check_broker)
    (workers, worker_count), workers_ms = _timed(lambda: check_workers(broker))
    if database != OK:
        status = "down"
    elif broker in (OK, NOT_CONFIGURED) and workers in (OK, NOT_CONFIGURED):
        status = "ok"
    else:
        status = "degraded"
    strict = request.GET.get("strict") in {"1", "true", "yes"}
    http_status = 503 if status == "down" or (strict and status != "ok") else 200
    body = {
        "status": status,
        "checks": {
            "database": {"status": database, "ms": database_ms},
            "broker": {"status": broker, "ms": broker_ms},
            "workers": {"status": workers, "count": worker_count, "ms": workers_ms},
        },
    }
    return JsonResponse(body, status=http_status)
