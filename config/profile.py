"""The profile page (/profil/): who you are, what you may do, your API tokens.

A token is shown in full once, on the page that creates it (sent with
``Cache-Control: no-store``, like every answer of this page); afterwards the
list shows only its first characters, when it was made and when it expires.
Each token can be revoked on its own, or all at once.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from config.tokens import token_create, token_list, token_revoke
from regions import access


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    new_key = None
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "create":
            _instance, new_key = token_create(user=user)
        elif what in ("revoke", "revoke-all"):
            key = request.POST.get("token_key", "")[:25] if what == "revoke" else None
            if token_revoke(user=user, token_key=key):
                messages.success(
                    request, _("Token API dicabut. Aplikasi yang memakainya kini ditolak.")
                )
            else:
                messages.info(request, _("Token itu tidak ada (mungkin sudah dicabut)."))
            return redirect("profile")
        else:
            messages.error(request, _("Tindakan tidak dikenal. Pilih buat atau cabut token."))
            return redirect("profile")
    resolved = access.access_for(user)
    return render(
        request,
        "profile.html",
        {
            "tokens": list(token_list(user=user)),
            "new_key": new_key,
            "resolved": resolved,
            "scope": getattr(user, "scope", None) if resolved.role else None,
        },
    )
