"""API token authentication: django-rest-knox (tokens stored hashed, expiring).

The services that make, list and revoke tokens are in ``config.tokens``.
"""

from __future__ import annotations

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's ``Authorization: Token <token>``, refusing malformed headers with
    401 rather than a 500 (knox decodes the raw header as UTF-8)."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed() from None
        return super().authenticate_credentials(token)
