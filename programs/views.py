"""Intervention pages: thin views over programs.selectors and programs.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditRecord
from budgets.selectors import budget_line_list
from core.text import download_name
from regions import access
from roadmap.locks import year_lock
from roadmap.web import apply_service, ensure_changeable, get_or_404, query_without_page

from . import selectors, services
from .filters import InterventionFilterSet
from .forms import (
    EvidenceForm,
    InterventionCloseForm,
    InterventionForm,
    LineLinkFilterForm,
    LineLinkForm,
    ProgressForm,
)
from .models import InterventionEvidence, InterventionProgress, Pillar, Strategy


def _history(intervention):
    progress_ids = [str(p) for p in intervention.progress.values_list("pk", flat=True)]
    evidence_ids = [str(e) for e in intervention.evidence.values_list("pk", flat=True)]
    return (
        AuditRecord.objects.filter(
            Q(model="programs.Intervention", object_id=str(intervention.pk))
            | Q(model=InterventionProgress._meta.label, object_id__in=progress_ids)
            | Q(model=InterventionEvidence._meta.label, object_id__in=evidence_ids)
        )
        .select_related("user")[:100]
    )


@login_required
def intervention_list(request):
    base = selectors.intervention_list(user=request.user)
    filterset = InterventionFilterSet(data=request.GET or None, queryset=base)
    items = base
    if filterset.is_bound:
        items = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(items.order_by("-fiscal_year", "region_id", "name", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "programs/intervention_list.html", {
        "filterset": filterset, "page": page, "query": query_without_page(request),
        "pillars": Pillar.objects.all(), "strategies": Strategy.objects.all(),
        "can_create": access.can_change_anything(request.user),
    })


@login_required
def intervention_create(request):
    if not access.can_change_anything(request.user):
        raise PermissionDenied(_("Hanya koordinator yang dapat mencatat data ini."))
    form = InterventionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        intervention = apply_service(form, lambda: services.intervention_create(
            user=request.user, region_code=form.cleaned_data["region"].code,
            reason=form.cleaned_data["reason"], **form.service_data(),
        ))
        if intervention is not None:
            messages.success(request, _("Intervensi tersimpan. Tautkan baris anggarannya di bawah."))
            return redirect("programs:intervention-detail", pk=intervention.pk)
    return render(request, "roadmap/form_page.html", {
        "form": form, "title": _("Tambah intervensi"),
        "intro": _("Isi data pokok; baris anggaran, capaian triwulan dan bukti ditambahkan "
                   "di halaman intervensi setelah tersimpan."),
        "back_url": reverse("programs:intervention-list"),
    }, status=400 if form.errors else 200)


@login_required
def intervention_detail(request, pk: int):
    intervention = get_or_404(selectors.intervention_get(user=request.user, pk=pk))
    can_change = access.can_change(request.user, intervention.region_id)
    return render(request, "programs/intervention_detail.html", {
        "item": intervention,
        "can_change": can_change,
        "lock": year_lock(intervention.region_id, intervention.fiscal_year),
        "progress": intervention.progress.all(),
        "evidence": intervention.evidence.select_related("uploaded_by"),
        "lines": intervention.budget_lines.select_related("unit", "sub_kegiatan", "account"),
        "obstacles": intervention.obstacles.all(),
        "progress_form": ProgressForm() if can_change else None,
        "evidence_form": EvidenceForm() if can_change else None,
        "history": _history(intervention),
    })


def _changeable(request, pk):
    intervention = get_or_404(selectors.intervention_get(user=request.user, pk=pk))
    ensure_changeable(request.user, intervention.region_id)
    return intervention


@login_required
def intervention_update(request, pk: int):
    intervention = _changeable(request, pk)
    initial = {
        "region": intervention.region, "fiscal_year": intervention.fiscal_year,
        "name": intervention.name, "description": intervention.description,
        "pillar": intervention.pillar, "strategy": intervention.strategy,
        "focus": intervention.focus, "lead_unit": intervention.lead_unit,
        "partner_units": list(intervention.partner_units.all()),
        "target_regions": list(intervention.target_regions.all()),
        "target_group": intervention.target_group,
        "beneficiaries_target": intervention.beneficiaries_target,
        "start_date": intervention.start_date, "end_date": intervention.end_date,
        "status": intervention.status,
    }
    form = InterventionForm(
        request.POST or None, user=request.user, instance=intervention, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.pop("fiscal_year", None)
        saved = apply_service(form, lambda: services.intervention_update(
            user=request.user, intervention=intervention,
            reason=form.cleaned_data["reason"], **data,
        ))
        if saved is not None:
            messages.success(request, _("Perubahan intervensi tersimpan."))
            return redirect("programs:intervention-detail", pk=pk)
    return render(request, "roadmap/form_page.html", {
        "form": form, "title": _("Ubah intervensi: %(name)s") % {"name": intervention.name},
        "back_url": reverse("programs:intervention-detail", args=[pk]),
    }, status=400 if form.errors else 200)


@login_required
def intervention_close(request, pk: int):
    intervention = _changeable(request, pk)
    form = InterventionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.intervention_close(
            user=request.user, intervention=intervention, reason=form.cleaned_data["reason"]
        ))
        if saved is not None:
            messages.success(request, _("Intervensi ditutup (selesai)."))
            return redirect("programs:intervention-detail", pk=pk)
    return render(request, "roadmap/form_page.html", {
        "form": form, "title": _("Tutup intervensi: %(name)s") % {"name": intervention.name},
        "intro": _("Intervensi yang ditutup berstatus Selesai; riwayatnya tetap tersimpan."),
        "submit_label": _("Tutup intervensi"), "danger": True,
        "back_url": reverse("programs:intervention-detail", args=[pk]),
    }, status=400 if form.errors else 200)


def _detail_with_form(request, intervention, **forms):
    """Show the detail page again with a form's errors (nothing was changed)."""
    can_change = True
    return render(request, "programs/intervention_detail.html", {
        "item": intervention, "can_change": can_change,
        "lock": year_lock(intervention.region_id, intervention.fiscal_year),
        "progress": intervention.progress.all(),
        "evidence": intervention.evidence.select_related("uploaded_by"),
        "lines": intervention.budget_lines.select_related("unit", "sub_kegiatan", "account"),
        "obstacles": intervention.obstacles.all(),
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "history": _history(intervention),
    }, status=400)


@login_required
@require_POST
def intervention_progress(request, pk: int):
    intervention = _changeable(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        saved = apply_service(form, lambda: services.intervention_progress_set(
            user=request.user, intervention=intervention,
            fiscal_year=intervention.fiscal_year, **form.cleaned_data,
        ))
        if saved is not None:
            messages.success(request, _("Capaian triwulan %(q)d tersimpan.") % {
                "q": form.cleaned_data["quarter"]})
            return redirect("programs:intervention-detail", pk=pk)
    return _detail_with_form(request, intervention, progress_form=form)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    intervention = _changeable(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        saved = apply_service(form, lambda: services.evidence_add(
            user=request.user, intervention=intervention,
            uploaded_file=form.cleaned_data["file"], kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
        ))
        if saved is not None:
            messages.success(request, _("Bukti %(name)s tersimpan.") % {"name": saved.original_name})
            return redirect("programs:intervention-detail", pk=pk)
    return _detail_with_form(request, intervention, evidence_form=form)


@login_required
def evidence_download(request, pk: int):
    evidence = get_or_404(selectors.evidence_get(user=request.user, pk=pk))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Berkas bukti tidak ditemukan di penyimpanan.")) from None
    response = FileResponse(
        handle, content_type=evidence.content_type,
        as_attachment=evidence.content_type == "application/pdf",
        filename=download_name(evidence.original_name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = get_or_404(selectors.evidence_get(user=request.user, pk=pk))
    intervention = evidence.intervention
    ensure_changeable(request.user, intervention.region_id)
    form = InterventionCloseForm({"reason": request.POST.get("reason") or _("Bukti dihapus")})
    form.is_valid()
    done = apply_service(form, lambda: services.evidence_delete(
        user=request.user, evidence=evidence, reason=form.cleaned_data.get("reason", "")
    ) or True)
    if done:
        messages.success(request, _("Bukti dihapus."))
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return redirect("programs:intervention-detail", pk=intervention.pk)


@login_required
def intervention_lines(request, pk: int):
    """Link budget lines: a small filter over the region's lines, then checkboxes."""
    intervention = _changeable(request, pk)
    linked = intervention.budget_lines.select_related("unit", "sub_kegiatan", "account")
    linked_ids = [line.pk for line in linked]
    filter_form = LineLinkFilterForm(request.GET or {"fiscal_year": intervention.fiscal_year})
    candidates = budget_line_list(user=request.user).filter(region_id=intervention.region_id)
    if filter_form.is_valid():
        data = {k: v for k, v in filter_form.cleaned_data.items() if v not in (None, "")}
        if data:
            candidates = budget_line_list(user=request.user, filters=data).filter(
                region_id=intervention.region_id
            )
    candidates = candidates.exclude(pk__in=linked_ids).order_by("sub_kegiatan__code", "id")
    total = candidates.count()
    form = LineLinkForm(
        request.POST or None, region_code=intervention.region_id, linked_ids=linked_ids
    )
    if request.method == "POST" and form.is_valid():
        new_ids = (set(linked_ids) | form.cleaned_data["add"]) - form.cleaned_data["remove"]
        from budgets.models import BudgetLine

        lines = list(BudgetLine.objects.filter(pk__in=new_ids))
        saved = apply_service(form, lambda: services.intervention_update(
            user=request.user, intervention=intervention, budget_lines=lines,
            reason=_("Tautan baris anggaran diubah"),
        ))
        if saved is not None:
            messages.success(request, _("%(n)d baris anggaran kini tertaut.") % {"n": len(lines)})
            return redirect("programs:intervention-detail", pk=pk)
    return render(request, "programs/intervention_lines.html", {
        "item": intervention, "linked": linked, "candidates": candidates[:50],
        "total": total, "filter_form": filter_form, "form": form,
    }, status=400 if form.errors else 200)
