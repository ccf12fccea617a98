"""Hand-entered budget lines and bulk tagging by filter (writes via budgets.services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from regions import access
from roadmap.web import apply_service, ensure_changeable, get_or_404

from . import selectors, services
from .line_forms import BudgetLineForm, LineDeleteForm, LineTagForm
from .models import BudgetLine


def _line_data(form) -> dict:
    data = form.cleaned_data
    year = data.get("fiscal_year")
    return {
        "fiscal_year": year,
        "stage": data["stage"],
        "unit": data["unit"],
        "sub_unit": data.get("sub_unit") or data["unit"],
        "sub_kegiatan": services.nomenclature_ensure(
            fiscal_year=year, code=data["sub_kegiatan_code"], name=data["sub_kegiatan_name"]
        ),
        "funding_source": data["funding_source"],
        "account": services.account_ensure(code=data["account_code"],
                                           name=data["account_name"]),
        "pagu": data["pagu"],
        "realisasi": data["realisasi"],
    }


def _atomic(call):
    """``call`` in one transaction: the sub kegiatan or account a form creates
    goes with a line the service refuses (a malformed code, a scope, a lock)."""
    def run():
        with transaction.atomic():
            return call()
    return run


@login_required
def line_create(request):
    if not access.can_change_anything(request.user):
        raise PermissionDenied(_("Hanya koordinator yang dapat mencatat data ini."))
    form = BudgetLineForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        line = apply_service(form, _atomic(lambda: services.budget_line_create(
            user=request.user, region_code=form.cleaned_data["region"].code,
            reason=form.cleaned_data["reason"], **_line_data(form),
        )))
        if line is not None:
            messages.success(request, _("Baris anggaran tersimpan."))
            return redirect(line.get_absolute_url())
    return render(request, "budgets/line_form.html", {
        "form": form, "title": _("Catat baris anggaran"),
        "back_url": reverse("budgets:line-list"),
    }, status=400 if form.errors else 200)


def _line(request, pk):
    line = get_or_404(selectors.budget_line_list(user=request.user).filter(pk=pk).first())
    ensure_changeable(request.user, line.region_id)
    return line


@login_required
def line_update(request, pk: int):
    line = _line(request, pk)
    initial = {
        "region": line.region, "fiscal_year": line.fiscal_year, "stage": line.stage,
        "unit": line.unit, "sub_unit": line.sub_unit,
        "sub_kegiatan_code": line.sub_kegiatan.code, "sub_kegiatan_name": line.sub_kegiatan.name,
        "funding_source": line.funding_source, "account_code": line.account.code,
        "account_name": line.account.name,
        "pagu": line.pagu, "realisasi": line.realisasi,
    }
    form = BudgetLineForm(request.POST or None, user=request.user, instance=line,
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, _atomic(lambda: services.budget_line_update(
            user=request.user, line=line, reason=form.cleaned_data["reason"],
            **_line_data(form),
        )))
        if saved is not None:
            messages.success(request, _("Perubahan baris anggaran tersimpan."))
            return redirect(line.get_absolute_url())
    return render(request, "budgets/line_form.html", {
        "form": form, "title": _("Ubah baris anggaran"),
        "intro": _("Baris hasil impor SIPD sebaiknya diperbaiki dengan impor ulang; ubah di "
                   "sini hanya bila perlu, dengan alasan.") if line.import_batch_id else "",
        "back_url": line.get_absolute_url(),
    }, status=400 if form.errors else 200)


@login_required
def line_delete(request, pk: int):
    line = _line(request, pk)
    form = LineDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.budget_line_delete(
            user=request.user, line=line, reason=form.cleaned_data["reason"]) or True)
        if done:
            messages.success(request, _("Baris anggaran dihapus; riwayatnya tetap tersimpan."))
            return redirect("budgets:line-list")
    return render(request, "budgets/line_form.html", {
        "form": form, "title": _("Hapus baris anggaran"), "danger": True,
        "submit_label": _("Hapus"), "intro": str(line),
        "back_url": line.get_absolute_url(),
    }, status=400 if form.errors else 200)


@login_required
def line_tag(request):
    """Tag every line matching the filter (in the user's change scope) at once."""
    if not access.can_change_anything(request.user):
        raise PermissionDenied(_("Hanya koordinator yang dapat mencatat data ini."))
    params = request.GET.copy()
    params.pop("page", None)
    # The lines the list shows (and the summary counts): no stage = latest per pemda.
    lines = selectors.budget_line_list(user=request.user, filters=params.dict())
    lines = lines.filter(access.changeable_q(request.user))
    count = lines.count()
    summary = selectors.budget_line_summary(user=request.user, filters=params.dict() or None)
    form = LineTagForm(request.POST or None, initial={"expected": count})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["expected"] != count:
            form.add_error(None, _(
                "Jumlah baris yang cocok berubah (%(was)d menjadi %(now)d) sejak halaman "
                "dibuka. Periksa lagi lalu simpan.") % {
                    "was": form.cleaned_data["expected"], "now": count})
        else:
            tagged = apply_service(form, lambda: services.budget_lines_tag(
                user=request.user, lines=BudgetLine.objects.filter(pk__in=lines.values("pk")),
                pillar=form.cleaned_data["pillar"],
                strategy=form.cleaned_data["strategy"], reason=form.cleaned_data["reason"]))
            if tagged is not None:
                messages.success(request, _("%(n)d baris ditandai.") % {"n": tagged})
                return redirect(reverse("budgets:line-list") + "?" + params.urlencode())
    return render(request, "budgets/line_tag.html", {
        "form": form, "count": count, "summary": summary, "query": params.urlencode(),
        "filters": params, "sample": lines.order_by("sub_kegiatan__code", "id")[:20],
    }, status=400 if form.errors else 200)
