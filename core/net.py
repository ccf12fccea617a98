"""Who is on the other end: the client address behind the trusted proxies, and
the request id, believed only when a trusted proxy sends it.

``TRUSTED_PROXIES`` (addresses or CIDR networks) lists the TLS-terminating
proxies in front of the portal. A header a client could write itself
(``X-Forwarded-For``, ``X-Request-ID``) is believed only from them.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from functools import cache

from django.conf import settings

# nginx's $request_id is 32 hex digits; a UUID has dashes. Nothing else: the id
# goes into log lines, audit records and a response header.
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@cache
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def is_trusted_proxy(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The client's address, believing X-Forwarded-For only from trusted proxies.

    Walk X-Forwarded-For from the right (the entry our own proxy appended)
    past every trusted proxy; the first address that is not a trusted proxy is
    the client. Entries to its left were written by the client and are ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # garbage in the header: count the proxy, not a guess
        if not is_trusted_proxy(hop):
            return hop
    return hops[0] if hops else remote


def request_id(request) -> str:
    """The proxy's X-Request-ID when a trusted proxy sent a well-formed one;
    otherwise a new id of our own."""
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    if (
        sent
        and REQUEST_ID_RE.fullmatch(sent)
        and is_trusted_proxy(request.META.get("REMOTE_ADDR"))
    ):
        return sent
    return uuid.uuid4().hex
