from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from budgets import selectors as budget_selectors
from regions import access
from regions.models import Region


class LoginForm(AuthenticationForm):
    """Django's login form with the portal's Indonesian messages."""

    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Periksa keduanya (huruf besar dan "
            "kecil dibedakan) lalu coba lagi."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi admin portal."),
    }
    username = forms.CharField(
        label=_("Nama pengguna"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_required
def home(request):
    """The start of the dashboard: the latest year's money, OPD/UPTD and pillars."""
    user = request.user
    resolved = access.access_for(user)
    # The headline is the budget of the user's own pemda (the province's APBD for
    # a province scope); the pemda under it are listed beside it, not mixed in.
    pemda = resolved.region_code or "36"
    scope = {"pemda": pemda}
    latest = budget_selectors.latest_fiscal_year(user=user)
    headline = budget_selectors.budget_headline(
        user=user, filters=dict(scope, fiscal_year=latest) if latest else scope
    )
    by_pillar = below = None
    if headline.fiscal_year:
        by_pillar = budget_selectors.budget_line_summary(
            user=user,
            filters=dict(scope, fiscal_year=headline.fiscal_year),
            group_by=["pillar"],
        )
        below = budget_selectors.budget_line_summary(
            user=user,
            filters={"fiscal_year": headline.fiscal_year, "region": pemda},
            group_by=["region"],
        )
        below.rows = [row for row in below.rows if row.key["region"] != pemda]
    return render(
        request,
        "home.html",
        {
            "pemda": Region.objects.filter(code=pemda).first(),
            "headline": headline,
            "by_pillar": by_pillar,
            "below": below,
            "years": budget_selectors.fiscal_years(user=user),
            "has_scope": resolved.read_root is not None,
        },
    )
