"""Login lockout that cannot be turned against the people it protects.

django-axes counts failed logins (page and API alike); these rules decide who
is refused:

1. **A name at one address** (``AXES_LOCKOUT_PARAMETERS = [["username",
   "ip_address"]]``): ``AXES_FAILURE_LIMIT`` (5) failures lock that name *from
   that address* for ``AXES_COOLOFF_TIME`` (30 min), not renewed by further
   tries. Another user behind the same office NAT is not affected, and the
   owner elsewhere is not either.
2. **A name from everywhere**: past ``AXES_FAILURE_LIMIT`` failures for a name
   (all addresses together, within the cool-off window) every further try for
   it waits ``2 ** (failures - limit)`` seconds after the last failure, at most
   ``LOGIN_DELAY_MAX_SECONDS`` (60). A try from an address where that name has
   logged in successfully in the last ``LOGIN_KNOWN_ADDRESS_DAYS`` (90) days
   is never delayed: strangers slow the name down, they cannot keep its owner
   out.
3. **An address guessing many names**: ``AXES_IP_FAILURE_LIMIT`` (100)
   failures from one address within the window, all names together, lock that
   address; high enough for an office of a hundred people behind one NAT.

A refused try is answered 429 with ``Retry-After``: an Indonesian page, or
JSON under ``/api/`` (the token endpoint too).
"""

from __future__ import annotations

import math
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username

from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from core.net import client_ip


def _window_start():
    return timezone.now() - settings.AXES_COOLOFF_TIME


def _whitelisted(ip: str | None) -> bool:
    return bool(ip) and ip in (settings.AXES_IP_WHITELIST or ())


def address_locked(ip: str | None) -> bool:
    """Rule 3: too many failures from this address, whatever the names."""
    from axes.models import AccessAttempt

    if not ip or _whitelisted(ip):
        return False
    total = (
        AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=_window_start())
        .aggregate(n=Sum("failures_since_start"))["n"]
        or 0
    )
    return total >= settings.AXES_IP_FAILURE_LIMIT


def known_address(username: str, ip: str | None) -> bool:
    from axes.models import AccessLog

    if not ip:
        return False
    since = timezone.now() - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=ip, attempt_time__gte=since
    ).exists()


def name_delay(username: str | None, ip: str | None) -> int:
    """Rule 2: seconds this try for the name must still wait (0: go ahead)."""
    from axes.models import AccessAttempt

    if not username or _whitelisted(ip):
        return 0
    stats = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=_window_start()
    ).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    failures, last = stats["n"] or 0, stats["last"]
    over = failures - settings.AXES_FAILURE_LIMIT
    if over < 0 or last is None or known_address(username, ip):
        return 0
    wait = min(2**over, settings.LOGIN_DELAY_MAX_SECONDS)
    remaining = wait - (timezone.now() - last).total_seconds()
    return max(0, math.ceil(remaining))


class AxesRequestBackend(AxesStandaloneBackend):
    """django-axes' backend (rule 1) plus rules 2 and 3, for requests only.

    Logins over HTTP always pass the request and are counted and locked out.
    ``authenticate()`` without a request (the test client's ``login()``, a
    shell, a management command) is not a login attempt from the network:
    instead of axes' hard error it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.AXES_ENABLED:
            return None
        request = getattr(request, "_request", request)  # DRF's Request wraps it
        # Rule 1 first (axes raises when the name is locked at this address), so
        # a locked pair hears about its lock, not about a delay.
        super().authenticate(request, username=username, password=password, **kwargs)
        ip = client_ip(request)
        name = get_client_username(request, {"username": username, **kwargs})
        wait = name_delay(name, ip)
        if wait or address_locked(ip):
            # Marked as axes does, so the refused try is not counted as a
            # failure and the middleware answers with lockout_response.
            request.login_delay = wait
            request.axes_locked_out = True
            from axes.exceptions import AxesBackendPermissionDenied

            raise AxesBackendPermissionDenied("login refused by the portal's lockout rules")
        return None


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a refused login: an Indonesian page, or JSON for the API."""
    from config.middleware import wants_json

    wait = getattr(request, "login_delay", 0)
    if wait:
        message = _(
            "Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini. "
            "Tunggu %(seconds)s detik lalu coba lagi."
        ) % {"seconds": wait}
        retry_after = wait
        minutes = 0
    else:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        message = _(
            "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, akun atau "
            "alamat Anda dikunci sementara selama %(minutes)s menit. Coba lagi "
            "setelah itu, atau hubungi admin portal bila Anda lupa kata sandi."
        ) % {"minutes": minutes}
        retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    status = 429
    if wants_json(request):
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "errors": {}}, status=status
        )
    else:
        html = loader.get_template("registration/locked_out.html").render(
            {"message": message, "minutes": minutes}, request
        )
        response = HttpResponse(html, status=status)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
