"""Where a change came from (web, api, admin, import, command), for the record."""

import contextvars
from contextlib import contextmanager

_via: contextvars.ContextVar[str] = contextvars.ContextVar("audit_via", default="system")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "audit_request_id", default=""
)


def current_via() -> str:
    return _via.get()


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def audit_via(via: str, request_id: str | None = None):
    token = _via.set(via)
    rid_token = _request_id.set(request_id) if request_id is not None else None
    try:
        yield
    finally:
        _via.reset(token)
        if rid_token is not None:
            _request_id.reset(rid_token)
