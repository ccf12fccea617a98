"""API tokens: made, listed and revoked by their owner (django-rest-knox).

A token is shown in full once, when it is made (on the profile page or by
``POST /api/v1/auth/token/``); the database keeps only its SHA-512 digest and
its first characters (``token_key``) to find it. Each token expires
``API_TOKEN_DAYS`` (30) days after it was made. Every change is in the
change history.
"""

from __future__ import annotations

from knox.models import AuthToken

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record

MODEL_LABEL = "knox.AuthToken"


def _repr(user, instance: AuthToken) -> str:
    return _("Token API %(user)s (%(prefix)s…)") % {
        "user": user.get_username(), "prefix": instance.token_key[:8],
    }


def token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for the user: the stored record and the token in clear (once)."""
    with transaction.atomic():
        instance, key = AuthToken.objects.create(user=user)
        audit_record(
            user=user, action=AuditAction.CREATE, model_label=MODEL_LABEL,
            object_id=instance.token_key, object_repr=_repr(user, instance),
        )
    return instance, key


def token_list(*, user):
    return AuthToken.objects.filter(user=user).order_by("-created")


def token_revoke(*, user, token_key: str | None = None) -> int:
    """Revoke one of the user's tokens (by its key prefix), or all of them."""
    with transaction.atomic():
        tokens = AuthToken.objects.filter(user=user)
        if token_key is not None:
            tokens = tokens.filter(token_key=token_key)
        revoked = list(tokens)
        for instance in revoked:
            audit_record(
                user=user, action=AuditAction.DELETE, model_label=MODEL_LABEL,
                object_id=instance.token_key, object_repr=_repr(user, instance),
            )
        tokens.delete()
    return len(revoked)
