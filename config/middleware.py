"""Production middleware: request log, database-down page, session timeouts,
Content-Security-Policy, and the helpers django-axes calls (client IP behind a
trusted proxy, the Indonesian lockout answer, a backend that needs a request).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from core import net as _net

log = logging.getLogger("tkpkd.request")
db_log = logging.getLogger("tkpkd.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def wants_json(request) -> bool:
    """API clients get JSON answers; people get pages."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


# --- request log -------------------------------------------------------------------


class RequestLogMiddleware:
    """One log line per request: method, path, status, duration (LOG_REQUESTS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.LOG_REQUESTS:
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        level = logging.INFO
        if request.path == "/healthz" and response.status_code == 200:
            level = logging.DEBUG  # the load balancer's polling is not news
        log.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


# --- the database is unreachable -----------------------------------------------------


def database_unavailable_response(request) -> HttpResponse:
    """503 with Retry-After, rendered without touching the database."""
    if request is not None and wants_json(request):
        response = JsonResponse(
            {
                "detail": _(
                    "Basis data sedang tidak dapat dihubungi. Coba lagi dalam "
                    "beberapa saat."
                ),
                "code": "database_unavailable",
            },
            status=503,
        )
    else:
        # No request passed to render(): no context processor may query the
        # database that is down.
        html = loader.get_template("503.html").render(
            {"retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database unreachable answers 503, not a traceback.

    Errors raised in middleware before the view (loading the session, the
    user) reach ``config.views_errors.server_error`` (handler500), which gives
    the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            db_log.error(
                "database unavailable: %s",
                exception.__class__.__name__,
                exc_info=exception,
                extra={"path": request.path},
            )
            return database_unavailable_response(request)
        return None


# --- sessions ------------------------------------------------------------------------

LOGIN_AT_KEY = "_tkpkd_login_at"
LAST_SEEN_KEY = "_tkpkd_last_seen"
# Writing the last-seen time on every request would write the session row on
# every request; a minute's resolution is plenty for a 30-minute idle limit.
LAST_SEEN_RESOLUTION = 60


def _stamp_login(sender, request, user, **kwargs):
    """A (re)login starts a new absolute lifetime and a new idle clock."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[LOGIN_AT_KEY] = now
    session[LAST_SEEN_KEY] = now
    session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))


user_logged_in.connect(_stamp_login, dispatch_uid="tkpkd_session_login_stamp")


class SessionTimeoutMiddleware:
    """Idle timeout and absolute lifetime of a logged-in session.

    - At login (the first response of a new authenticated session) the expiry
      is pinned to login time + SESSION_COOKIE_AGE, so activity never extends it.
    - A request after SESSION_IDLE_TIMEOUT seconds of silence ends the session
      on the server (flush) before the view runs: the view then sees an
      anonymous user and sends it to the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        now = int(time.time())
        if session is not None and session.session_key and request.user.is_authenticated:
            last_seen = session.get(LAST_SEEN_KEY)
            login_at = session.get(LOGIN_AT_KEY)
            idle = settings.SESSION_IDLE_TIMEOUT
            expired = (idle and last_seen and now - last_seen > idle) or (
                login_at and now - login_at > settings.SESSION_COOKIE_AGE
            )
            if expired:
                logout(request)  # flushes the session row, new anonymous session
                request.session_timed_out = True
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and user is not None
            and user.is_authenticated
            and not getattr(request, "session_timed_out", False)
        ):
            if LOGIN_AT_KEY not in session:
                session[LOGIN_AT_KEY] = now
                session.set_expiry(
                    timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
                )
            if now - session.get(LAST_SEEN_KEY, 0) >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_KEY] = now
        return response


# --- Content-Security-Policy -----------------------------------------------------------


class ContentSecurityPolicyMiddleware:
    """Sets CSP_POLICY on every response that does not carry its own policy.

    Ten lines of our own instead of django-csp: one fixed policy, no nonces, no
    per-view decorators needed, so a dependency would add more than it saves.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CSP_POLICY and "Content-Security-Policy" not in response:
            response.setdefault(self.header, settings.CSP_POLICY)
        return response


# --- django-axes helpers ------------------------------------------------------------------


# The client address for the per-IP counter and the request id: one rule, in core.net.
_networks = _net._networks
client_ip = _net.client_ip


# The lockout rules and answer live in config.lockout; these names stay for callers.
from config.lockout import AxesRequestBackend, lockout_response  # noqa: E402, F401
