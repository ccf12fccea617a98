"""The profile page (/profil/): who you are, what you may do, your API token.

One token per user. It is shown in full once, on the page that creates it;
afterwards only its first characters, so a glance over a shoulder does not
leak it. Creating a token replaces the old one; revoking deletes it.
"""

from rest_framework.authtoken.models import Token

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.models import AuditAction
from audit.services import audit_record
from regions import access


def token_replace(*, user) -> Token:
    """A fresh token for the user; the old one (if any) stops working."""
    with transaction.atomic():
        had = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        audit_record(
            user=user,
            action=AuditAction.UPDATE if had else AuditAction.CREATE,
            model_label="authtoken.Token",
            object_id=str(user.pk),
            object_repr=_("Token API %(user)s") % {"user": user.get_username()},
        )
    return token


def token_revoke(*, user) -> bool:
    with transaction.atomic():
        deleted = Token.objects.filter(user=user).delete()[0] > 0
        if deleted:
            audit_record(
                user=user,
                action=AuditAction.DELETE,
                model_label="authtoken.Token",
                object_id=str(user.pk),
                object_repr=_("Token API %(user)s") % {"user": user.get_username()},
            )
    return deleted


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    new_key = None
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "create":
            new_key = token_replace(user=user).key
        elif what == "revoke":
            if token_revoke(user=user):
                messages.success(
                    request, _("Token API dicabut. Aplikasi yang memakainya kini ditolak.")
                )
            else:
                messages.info(request, _("Anda belum punya token API."))
            return redirect("profile")
        else:
            messages.error(request, _("Tindakan tidak dikenal. Pilih buat atau cabut token."))
            return redirect("profile")
    token = Token.objects.filter(user=user).first()
    resolved = access.access_for(user)
    return render(
        request,
        "profile.html",
        {
            "token": token,
            "new_key": new_key,
            "resolved": resolved,
            "scope": getattr(user, "scope", None) if resolved.role else None,
        },
    )
