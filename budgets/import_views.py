"""Pages of the SIPD import: upload, progress, preview, confirm, history, rollback."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.context import audit_via
from core.text import download_name
from regions import access

from . import imports
from .forms import ImportUploadForm
from .models import ImportBatch, ImportStatus

RUNNING = (ImportStatus.PENDING, ImportStatus.PARSING, ImportStatus.COMMITTING)


def _importer(request):
    if not access.can_import_anything(request.user):
        raise PermissionDenied(_("Halaman impor hanya untuk Staf Data, Koordinator dan Admin."))


def batches_for(user):
    """Batches of the regions the user may import into (the access rule)."""
    return ImportBatch.objects.filter(access.importable_q(user)).select_related(
        "region", "uploaded_by", "committed_by", "rolled_back_by"
    )


def _batch(request, pk: int) -> ImportBatch:
    _importer(request)
    return get_object_or_404(batches_for(request.user), pk=pk)


@login_required
def import_list(request):
    _importer(request)
    page = Paginator(batches_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "budgets/import_list.html", {"page": page})


@login_required
def import_create(request):
    _importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with audit_via("web"):
                batch = imports.import_batch_create(
                    user=request.user,
                    upload=data["file"],
                    original_name=data["file"].name,
                    region_code=data["region"],
                    stage=data["stage"],
                    fiscal_year=data.get("fiscal_year"),
                    dry_run=data["dry_run"],
                    commit_valid_only=data["commit_valid_only"],
                )
        except imports.ImportRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("budgets:import-detail", pk=batch.pk)
    return render(request, "budgets/import_form.html", {"form": form}, status=200
                  if request.method == "GET" or form.is_valid() else 400)


@login_required
def import_detail(request, pk: int):
    batch = _batch(request, pk)
    preview = batch.preview or {}
    # Every row of the preview, a page at a time, per kind (?baru=2&berubah=1&hilang=1).
    pages = {
        kind: imports.preview_page(batch, kind, page=_page_number(request.GET.get(param)))
        for kind, param in (("new", "baru"), ("changed", "berubah"), ("gone", "hilang"))
    }
    untagged_url = ""
    if batch.status == ImportStatus.COMMITTED and batch.kind == "rekap" and batch.created:
        untagged_url = reverse("budgets:line-list") + "?" + urlencode({
            "import_batch": batch.pk, "pillar": "none", "fiscal_year": batch.fiscal_year,
            "stage": batch.stage, "region": batch.region_id,
        })
    without_pagu = []
    if batch.kind == "realisasi" and batch.status == ImportStatus.COMMITTED and batch.fiscal_year:
        from .selectors import realisation_without_pagu

        without_pagu = list(realisation_without_pagu(
            region_id=batch.region_id, fiscal_year=batch.fiscal_year)[:200])
    context = {
        "batch": batch,
        "preview": preview,
        "without_pagu": without_pagu,
        "running": batch.status in RUNNING,
        "groups": imports.errors_grouped(batch.errors or []),
        "warning_groups": imports.errors_grouped(batch.warnings or []),
        "pages": pages,
        "untagged_url": untagged_url,
        "can_discard": batch.status in (ImportStatus.PREVIEW, ImportStatus.REJECTED,
                                        ImportStatus.FAILED),
        "can_commit": batch.status == ImportStatus.PREVIEW and not batch.dry_run
        and (not batch.errors or batch.commit_valid_only),
        "can_commit_dry": batch.status == ImportStatus.PREVIEW and batch.dry_run
        and (not batch.errors or batch.commit_valid_only),
        "can_rollback": batch.status == ImportStatus.COMMITTED,
        "percent": int(100 * batch.progress_done / batch.progress_total)
        if batch.progress_total else (100 if batch.status not in RUNNING else 0),
    }
    return render(request, "budgets/import_detail.html", context)


def _page_number(value) -> int:
    try:
        return max(int(value or 1), 1)
    except (TypeError, ValueError):
        return 1


@login_required
@require_POST
def import_discard(request, pk: int):
    batch = _batch(request, pk)
    try:
        with audit_via("web"):
            imports.import_batch_discard(user=request.user, batch=batch)
    except imports.ImportRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Batch #%(id)d dibuang; tidak ada data yang berubah.")
                         % {"id": batch.pk})
    return redirect("budgets:import-detail", pk=batch.pk)


@login_required
@require_GET
def import_progress(request, pk: int):
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "id": batch.pk,
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "done": batch.progress_done,
            "total": batch.progress_total,
            "running": batch.status in RUNNING,
            "message": batch.message,
            "url": reverse("budgets:import-detail", args=[batch.pk]),
        }
    )


@login_required
@require_POST
def import_commit(request, pk: int):
    batch = _batch(request, pk)
    if batch.dry_run:
        # A dry run is confirmed by saving it now: the user asked for it here.
        ImportBatch.objects.filter(pk=batch.pk).update(dry_run=False)
        batch.dry_run = False
    if batch.status == ImportStatus.COMMITTING:
        # A commit whose worker died never blocks a new one.
        batch = imports.import_batch_recover(batch_id=batch.pk) or batch
    if batch.status != ImportStatus.PREVIEW:
        messages.error(request, _("Batch #%(id)d berstatus %(status)s dan tidak dapat "
                                  "disimpan.") % {"id": batch.pk,
                                                  "status": batch.get_status_display()})
        return redirect("budgets:import-detail", pk=batch.pk)
    access.ensure_can_import(request.user, batch.region_id)
    # The worker writes (in-process when no broker is configured); the page shows
    # the progress until the batch is committed.
    from .tasks import import_batch_commit

    user_id = request.user.pk
    with audit_via("web"):
        transaction.on_commit(lambda: import_batch_commit.delay(batch.pk, user_id))
    batch.refresh_from_db()
    if batch.status == ImportStatus.COMMITTED:
        messages.success(request, _("Batch #%(id)d tersimpan. %(msg)s")
                         % {"id": batch.pk, "msg": batch.message})
    elif batch.status == ImportStatus.PREVIEW and batch.message:
        messages.error(request, batch.message)
    return redirect("budgets:import-detail", pk=batch.pk)


@login_required
@require_POST
def import_rollback(request, pk: int):
    batch = _batch(request, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Centang konfirmasi untuk membatalkan batch."))
        return redirect("budgets:import-detail", pk=batch.pk)
    try:
        with audit_via("web"), transaction.atomic():
            imports.import_batch_rollback(
                user=request.user, batch=batch, reason=request.POST.get("reason", "")[:500]
            )
    except imports.ImportRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Batch #%(id)d dibatalkan; data kembali seperti "
                                    "sebelum impor.") % {"id": batch.pk})
    return redirect("budgets:import-detail", pk=batch.pk)


@login_required
@require_GET
def import_errors(request, pk: int):
    batch = _batch(request, pk)
    if not batch.errors or not batch.kind:
        raise Http404(_("Batch ini tidak memiliki daftar kesalahan per baris."))
    try:
        path = imports.error_workbook_path(batch)
    except imports.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("budgets:import-detail", pk=batch.pk)
    stem = os.path.splitext(batch.original_name)[0][:80] or "berkas"
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=download_name(f"kesalahan-{stem}.xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def import_file(request, pk: int):
    batch = _batch(request, pk)
    try:
        handle = batch.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Berkas batch ini tidak ditemukan.")) from None
    return FileResponse(handle, as_attachment=True, filename=download_name(batch.original_name))
