"""Structured logs: one JSON object per line, each carrying the request id.

The request id is the one ``audit.middleware.AuditContextMiddleware`` puts in
``audit.context`` for the length of a request (and that ``config.celery``
carries into the tasks the request starts), so a log line, an audit record and
the ``X-Request-ID`` response header can be joined on it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from audit.context import current_request_id, current_via

# Attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "via",
}


def _request_id_of(record: logging.LogRecord) -> str:
    rid = current_request_id()
    if rid:
        return rid
    # django.request logs 4xx/5xx after the middleware has left the request's
    # context; the request itself rides on the record.
    request = getattr(record, "request", None)
    return getattr(request, "request_id", "") or ""


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` and ``record.via`` (for the plain format too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id_of(record) or "-"
        record.via = current_via()
        return True


def _jsonable(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return str(value)


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", "via", ...}`` per line."""

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None)
        if rid in (None, "-"):
            rid = _request_id_of(record)
        payload = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": rid or None,
            "via": getattr(record, "via", None) or current_via(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_") or key in payload:
                continue
            if key == "request":  # the HttpRequest object: keep only what helps
                payload["path"] = getattr(value, "path", None)
                payload["method"] = getattr(value, "method", None)
                continue
            payload[key] = _jsonable(value)
        if record.exc_info:
            payload["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            payload["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, ensure_ascii=False, default=str)
