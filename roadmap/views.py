"""Roadmap, obstacle, Rakor, verification and report pages (thin views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_history
from core.text import download_name
from programs.models import Pillar, Strategy
from regions import access

from . import selectors, services
from .filters import (
    ACTION_STATUS_CHOICES,
    MeetingFilterSet,
    ObstacleFilterSet,
    RoadmapActionFilterSet,
    RoadmapFilterSet,
)
from .forms import (
    ActionForm,
    CommentForm,
    DecisionForm,
    DecisionResolvesForm,
    DecisionToActionForm,
    FollowUpForm,
    MeetingForm,
    ObstacleForm,
    ReportForm,
    RoadmapForm,
    SubmissionOpenForm,
)
from .locks import quarter_lock, year_lock
from .models import LATE
from .report import quarterly_report, quarterly_report_xlsx
from .web import apply_service, ensure_changeable, get_or_404, query_without_page


def _filtered_page(request, base, filterset_class, ordering):
    filterset = filterset_class(data=request.GET or None, queryset=base)
    items = base
    if filterset.is_bound:
        items = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(items.order_by(*ordering), 50).get_page(request.GET.get("page"))
    return filterset, page


def _list_context(request, **extra):
    return {
        "query": query_without_page(request),
        "pillars": Pillar.objects.all(),
        "strategies": Strategy.objects.all(),
        "can_create": access.can_change_anything(request.user),
        **extra,
    }


def _form_page(request, form, title, back_url, **extra):
    return render(request, "roadmap/form_page.html", {
        "form": form, "title": title, "back_url": back_url, **extra,
    }, status=400 if form.is_bound and form.errors else 200)


def _require_changer(request):
    if not access.can_change_anything(request.user):
        raise PermissionDenied(_("Hanya koordinator yang dapat mencatat data ini."))


# --- roadmaps and actions -------------------------------------------------------------


@login_required
def roadmap_list(request):
    filterset, page = _filtered_page(
        request, selectors.roadmap_list(user=request.user), RoadmapFilterSet,
        ("-fiscal_year", "region_id"),
    )
    action_filterset, actions = _filtered_page(
        request, selectors.action_list(user=request.user), RoadmapActionFilterSet,
        ("target_year", "target_quarter", "roadmap__region_id", "id"),
    )
    return render(request, "roadmap/roadmap_list.html", _list_context(
        request, filterset=filterset, page=page, actions=actions if request.GET else None,
        status_choices=ACTION_STATUS_CHOICES,
    ))


@login_required
def roadmap_create(request):
    _require_changer(request)
    form = RoadmapForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        roadmap = apply_service(form, lambda: services.roadmap_create(
            user=request.user, region_code=data["region"].code, reason=data["reason"],
            fiscal_year=data["fiscal_year"], title=data["title"],
            policy_direction=data["policy_direction"],
        ))
        if roadmap is not None:
            messages.success(request, _("Peta jalan tersimpan. Tambahkan aksinya."))
            return redirect("roadmap:roadmap-detail", pk=roadmap.pk)
    return _form_page(request, form, _("Tambah peta jalan"), reverse("roadmap:roadmap-list"))


def _roadmap(request, pk):
    roadmap = selectors.roadmap_list(user=request.user).filter(pk=pk).first()
    return get_or_404(roadmap)


@login_required
def roadmap_detail(request, pk: int):
    roadmap = _roadmap(request, pk)
    actions = list(
        roadmap.actions.select_related("owner_unit", "pillar", "strategy")
        .prefetch_related("partner_units")
        .order_by("target_quarter", "id")
    )
    filter_status = request.GET.get("status")
    for action in actions:
        action.shown_status = action.effective_status()
        action.locked = quarter_lock(roadmap.region_id, action.target_year,
                                     action.target_quarter) is not None
    if filter_status:
        actions = [a for a in actions if a.shown_status == filter_status]
    return render(request, "roadmap/roadmap_detail.html", {
        "item": roadmap, "actions": actions, "late": LATE,
        "can_change": access.can_change(request.user, roadmap.region_id),
        "status_choices": ACTION_STATUS_CHOICES, "filter_status": filter_status,
        "lock": year_lock(roadmap.region_id, roadmap.fiscal_year),
        "history": audit_history(instance=roadmap)[:50],
    })


@login_required
def roadmap_update(request, pk: int):
    roadmap = _roadmap(request, pk)
    ensure_changeable(request.user, roadmap.region_id)
    form = RoadmapForm(request.POST or None, user=request.user, instance=roadmap, initial={
        "region": roadmap.region, "fiscal_year": roadmap.fiscal_year, "title": roadmap.title,
        "policy_direction": roadmap.policy_direction,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = apply_service(form, lambda: services.roadmap_update(
            user=request.user, roadmap=roadmap, reason=data["reason"], title=data["title"],
            policy_direction=data["policy_direction"],
        ))
        if saved is not None:
            messages.success(request, _("Peta jalan tersimpan."))
            return redirect("roadmap:roadmap-detail", pk=pk)
    return _form_page(request, form, _("Ubah peta jalan"),
                      reverse("roadmap:roadmap-detail", args=[pk]))


def _action_data(form):
    data = dict(form.cleaned_data)
    reason = data.pop("reason", "")
    return data, reason


@login_required
def action_create(request, pk: int):
    roadmap = _roadmap(request, pk)
    ensure_changeable(request.user, roadmap.region_id)
    form = ActionForm(request.POST or None, user=request.user, roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        data, reason = _action_data(form)
        action = apply_service(form, lambda: services.action_create(
            user=request.user, roadmap=roadmap, reason=reason, **data
        ))
        if action is not None:
            messages.success(request, _("Aksi tersimpan."))
            return redirect("roadmap:roadmap-detail", pk=pk)
    return _form_page(request, form, _("Tambah aksi: %(t)s") % {"t": roadmap.title},
                      reverse("roadmap:roadmap-detail", args=[pk]))


def _action(request, pk):
    return get_or_404(selectors.action_list(user=request.user).filter(pk=pk).first())


@login_required
def action_detail(request, pk: int):
    action = _action(request, pk)
    return render(request, "roadmap/action_detail.html", {
        "item": action, "shown_status": action.effective_status(), "late": LATE,
        "can_change": access.can_change(request.user, action.roadmap.region_id),
        "lock": quarter_lock(action.roadmap.region_id, action.target_year,
                             action.target_quarter),
        "history": audit_history(instance=action)[:50],
    })


@login_required
def action_update(request, pk: int):
    action = _action(request, pk)
    ensure_changeable(request.user, action.roadmap.region_id)
    initial = {f: getattr(action, f) for f in (
        "title", "description", "pillar", "strategy", "owner_unit", "target_quarter",
        "status", "progress", "progress_notes")}
    initial["partner_units"] = list(action.partner_units.all())
    form = ActionForm(request.POST or None, user=request.user, roadmap=action.roadmap,
                      initial=initial)
    if request.method == "POST" and form.is_valid():
        data, reason = _action_data(form)
        saved = apply_service(form, lambda: services.action_update(
            user=request.user, action=action, reason=reason, **data
        ))
        if saved is not None:
            messages.success(request, _("Aksi tersimpan."))
            return redirect("roadmap:action-detail", pk=pk)
    return _form_page(request, form, _("Ubah aksi"), reverse("roadmap:action-detail", args=[pk]))


# --- obstacles ----------------------------------------------------------------------


@login_required
def obstacle_list(request):
    filterset, page = _filtered_page(
        request, selectors.obstacle_list(user=request.user), ObstacleFilterSet,
        ("-created_at", "-id"),
    )
    return render(request, "roadmap/obstacle_list.html", _list_context(
        request, filterset=filterset, page=page))


def _obstacle_initial(obstacle):
    return {f: getattr(obstacle, f) for f in (
        "region", "fiscal_year", "title", "description", "category", "action", "intervention",
        "responsible", "responsible_unit", "status", "resolution")}


@login_required
def obstacle_create(request):
    _require_changer(request)
    form = ObstacleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region, reason = data.pop("region"), data.pop("reason")
        obstacle = apply_service(form, lambda: services.obstacle_create(
            user=request.user, region_code=region.code, reason=reason, **data
        ))
        if obstacle is not None:
            messages.success(request, _("Hambatan tercatat."))
            return redirect("roadmap:obstacle-detail", pk=obstacle.pk)
    return _form_page(request, form, _("Catat hambatan"), reverse("roadmap:obstacle-list"))


def _obstacle(request, pk):
    return get_or_404(selectors.obstacle_list(user=request.user).filter(pk=pk).first())


@login_required
def obstacle_detail(request, pk: int):
    obstacle = _obstacle(request, pk)
    return render(request, "roadmap/obstacle_detail.html", {
        "item": obstacle, "can_change": access.can_change(request.user, obstacle.region_id),
        "history": audit_history(instance=obstacle)[:50],
    })


@login_required
def obstacle_update(request, pk: int):
    obstacle = _obstacle(request, pk)
    ensure_changeable(request.user, obstacle.region_id)
    form = ObstacleForm(request.POST or None, user=request.user, instance=obstacle,
                        initial=_obstacle_initial(obstacle))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("region")
        reason = data.pop("reason")
        saved = apply_service(form, lambda: services.obstacle_update(
            user=request.user, obstacle=obstacle, reason=reason, **data
        ))
        if saved is not None:
            messages.success(request, _("Hambatan tersimpan."))
            return redirect("roadmap:obstacle-detail", pk=pk)
    return _form_page(request, form, _("Ubah hambatan"),
                      reverse("roadmap:obstacle-detail", args=[pk]))


# --- Rakor meetings and decisions -------------------------------------------------------


@login_required
def meeting_list(request):
    filterset, page = _filtered_page(
        request, selectors.meeting_list(user=request.user), MeetingFilterSet, ("-date", "-id"),
    )
    return render(request, "roadmap/meeting_list.html", _list_context(
        request, filterset=filterset, page=page))


@login_required
def meeting_create(request):
    _require_changer(request)
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region, reason = data.pop("region"), data.pop("reason")
        if not data.get("minutes"):
            data.pop("minutes", None)
        meeting = apply_service(form, lambda: services.meeting_create(
            user=request.user, region_code=region.code, reason=reason, **data
        ))
        if meeting is not None:
            messages.success(request, _("Rakor tersimpan. Catat keputusannya di bawah."))
            return redirect("roadmap:meeting-detail", pk=meeting.pk)
    return _form_page(request, form, _("Catat Rakor"), reverse("roadmap:meeting-list"))


def _meeting(request, pk):
    return get_or_404(selectors.meeting_list(user=request.user).filter(pk=pk).first())


@login_required
def meeting_detail(request, pk: int, forms=None):
    meeting = _meeting(request, pk)
    can_change = access.can_change(request.user, meeting.region_id)
    forms = forms or {}
    decisions = list(meeting.decisions.prefetch_related("actions", "resolved_obstacles"))
    from django.db.models import Q

    from audit.models import AuditRecord

    history = AuditRecord.objects.filter(
        Q(model="roadmap.Meeting", object_id=str(meeting.pk))
        | Q(model="roadmap.Decision", object_id__in=[str(d.pk) for d in decisions])
    )[:100]
    return render(request, "roadmap/meeting_detail.html", {
        "item": meeting, "decisions": decisions, "can_change": can_change,
        "decision_form": forms.get("decision_form") or (DecisionForm() if can_change else None),
        "history": history,
    }, status=400 if forms else 200)


@login_required
def meeting_update(request, pk: int):
    meeting = _meeting(request, pk)
    ensure_changeable(request.user, meeting.region_id)
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user,
                       instance=meeting, initial={f: getattr(meeting, f) for f in (
                           "region", "title", "date", "place", "participants", "summary")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("region")
        reason = data.pop("reason")
        if not data.get("minutes"):
            data.pop("minutes", None)
        saved = apply_service(form, lambda: services.meeting_update(
            user=request.user, meeting=meeting, reason=reason, **data))
        if saved is not None:
            messages.success(request, _("Rakor tersimpan."))
            return redirect("roadmap:meeting-detail", pk=pk)
    return _form_page(request, form, _("Ubah Rakor"), reverse("roadmap:meeting-detail", args=[pk]))


@login_required
def meeting_minutes(request, pk: int):
    meeting = _meeting(request, pk)
    if not meeting.minutes:
        raise Http404
    from django.http import FileResponse

    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True,
                        filename=download_name(
                            meeting.minutes_name or meeting.minutes.name.rsplit("/", 1)[-1]))


@login_required
@require_POST
def decision_create(request, pk: int):
    meeting = _meeting(request, pk)
    ensure_changeable(request.user, meeting.region_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        saved = apply_service(form, lambda: services.decision_create(
            user=request.user, meeting=meeting, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("Keputusan tercatat."))
            return redirect("roadmap:meeting-detail", pk=pk)
    return meeting_detail(request, pk, forms={"decision_form": form})


def _decision(request, pk):
    decision = selectors.decision_list(user=request.user).filter(pk=pk).first()
    decision = get_or_404(decision)
    ensure_changeable(request.user, decision.meeting.region_id)
    return decision


@login_required
def decision_follow_up(request, pk: int):
    decision = _decision(request, pk)
    form = FollowUpForm(request.POST or None, initial={
        "follow_up_status": decision.follow_up_status,
        "follow_up_notes": decision.follow_up_notes})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.decision_update(
            user=request.user, decision=decision, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("Tindak lanjut tersimpan."))
            return redirect("roadmap:meeting-detail", pk=decision.meeting_id)
    return _form_page(request, form, _("Tindak lanjut keputusan"),
                      reverse("roadmap:meeting-detail", args=[decision.meeting_id]),
                      intro=decision.text)


@login_required
def decision_to_action(request, pk: int):
    decision = _decision(request, pk)
    form = DecisionToActionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = apply_service(form, lambda: services.decision_to_action(
            user=request.user, decision=decision, roadmap=data["roadmap"],
            target_quarter=data["target_quarter"], owner_unit=data["owner_unit"]))
        if action is not None:
            messages.success(request, _("Keputusan kini menjadi aksi peta jalan."))
            return redirect("roadmap:action-detail", pk=action.pk)
    return _form_page(request, form, _("Jadikan aksi peta jalan"),
                      reverse("roadmap:meeting-detail", args=[decision.meeting_id]),
                      intro=decision.text)


@login_required
def decision_resolves(request, pk: int):
    decision = _decision(request, pk)
    form = DecisionResolvesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        obstacle = apply_service(form, lambda: services.decision_resolves_obstacle(
            user=request.user, decision=decision, obstacle=data["obstacle"],
            resolution=data["resolution"]))
        if obstacle is not None:
            messages.success(request, _("Hambatan ditandai selesai oleh keputusan ini."))
            return redirect("roadmap:obstacle-detail", pk=obstacle.pk)
    return _form_page(request, form, _("Selesaikan hambatan dengan keputusan ini"),
                      reverse("roadmap:meeting-detail", args=[decision.meeting_id]),
                      intro=decision.text)


# --- verification ---------------------------------------------------------------------


def _year(request):
    from .selectors import current_quarter

    try:
        return int(request.GET.get("fiscal_year") or current_quarter()[0])
    except ValueError:
        return current_quarter()[0]


@login_required
def verification_list(request):
    year = _year(request)
    board = selectors.verification_board(user=request.user, fiscal_year=year)
    for row in board:
        row["can_submit"] = access.can_change(request.user, row["region"].code)
        row["can_verify"] = services._is_verifier(request.user, row["region"].code)
    open_form = SubmissionOpenForm(user=request.user, initial={"fiscal_year": year})
    return render(request, "roadmap/verification_list.html", {
        "board": board, "year": year, "open_form": open_form,
        "can_open": open_form.fields["region"].queryset.exists(),
    })


@login_required
@require_POST
def submission_open(request):
    form = SubmissionOpenForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        submission = apply_service(form, lambda: services.submission_open(
            user=request.user, region_code=data["region"].code,
            fiscal_year=data["fiscal_year"], quarter=data["quarter"]))
        if submission is not None:
            messages.success(request, _("Triwulan %(q)d dibuka sebagai draf.") % {
                "q": submission.quarter})
            return redirect("roadmap:submission-detail", pk=submission.pk)
    for error in [e for errs in form.errors.values() for e in errs]:
        messages.error(request, error)
    return redirect(reverse("roadmap:verification-list"))


def _submission(request, pk):
    return get_or_404(selectors.submission_list(user=request.user).filter(pk=pk).first())


@login_required
def submission_detail(request, pk: int, form=None, form_action=None):
    submission = _submission(request, pk)
    return render(request, "roadmap/submission_detail.html", {
        "item": submission, "events": submission.events.all(),
        "can_submit": access.can_change(request.user, submission.region_id),
        "can_verify": services._is_verifier(request.user, submission.region_id),
        "form": form or CommentForm(), "form_action": form_action,
        "changed_since": selectors.changes_since(
            region_code=submission.region_id, since=submission.verified_at),
        "history": audit_history(instance=submission)[:50],
    }, status=400 if form is not None else 200)


TRANSITIONS = {
    "ajukan": (services.submission_submit, False, _("Triwulan diajukan ke provinsi.")),
    "kembalikan": (services.submission_return, True,
                   _("Triwulan dikembalikan ke kabupaten/kota dengan catatan.")),
    "verifikasi": (services.submission_verify, False,
                   _("Triwulan terverifikasi dan terkunci.")),
    "buka-kembali": (services.submission_reopen, True,
                     _("Triwulan dibuka kembali; datanya dapat diubah lagi.")),
}


@login_required
@require_POST
def submission_transition(request, pk: int, action: str):
    submission = _submission(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    service, required, done = TRANSITIONS[action]
    form = CommentForm(request.POST, required=required)
    if form.is_valid():
        saved = apply_service(form, lambda: service(
            user=request.user, submission=submission, comment=form.cleaned_data["comment"]))
        if saved is not None:
            messages.success(request, done)
            return redirect("roadmap:submission-detail", pk=pk)
    return submission_detail(request, pk, form=form, form_action=action)


# --- quarterly report ---------------------------------------------------------------


@login_required
def report(request):
    from .selectors import current_quarter

    year, quarter = current_quarter()
    root = access.access_for(request.user).read_root
    initial = {"fiscal_year": year, "quarter": quarter,
               "region": root if root and root != access.ALL else "36"}
    form = ReportForm(request.GET or None, user=request.user, initial=initial)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = quarterly_report(user=request.user, region=data["region"],
                                  fiscal_year=data["fiscal_year"], quarter=data["quarter"])
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                quarterly_report_xlsx(result),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            name = (f"laporan-triwulan-{data['region'].code}-{data['fiscal_year']}"
                    f"-T{data['quarter']}.xlsx")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context.update(report=result, query=request.GET.urlencode())
    return render(request, "roadmap/report.html", context,
                  status=400 if form.is_bound and form.errors else 200)

