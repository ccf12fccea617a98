"""Writes to roadmaps, actions, obstacles, meetings and decisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audited_delete, audited_save, snapshot
from regions import access

from .locks import ensure_quarter_unlocked, ensure_year_unlocked
from .models import (
    ActionStatus,
    Decision,
    FollowUpStatus,
    Meeting,
    Obstacle,
    ObstacleStatus,
    Roadmap,
    RoadmapAction,
    SubmissionStatus,
)


def _check_unit(unit, region_code: str) -> None:
    if unit is None:
        return
    if not (access.covers(region_code, unit.region_id) or unit.region_id == region_code[:2]):
        raise PermissionDenied(
            _("OPD %(unit)s bukan milik wilayah %(region)s.")
            % {"unit": unit, "region": region_code}
        )


def _apply(instance, data: dict, fields: tuple[str, ...]) -> None:
    for key, value in data.items():
        if key in fields:
            setattr(instance, key, value)


# --- roadmap ---------------------------------------------------------------

ROADMAP_FIELDS = ("fiscal_year", "title", "policy_direction")


def roadmap_create(*, user, region_code: str, reason: str = "", **data) -> Roadmap:
    access.ensure_can_change(user, region_code)
    roadmap = Roadmap(region_id=region_code)
    _apply(roadmap, data, ROADMAP_FIELDS)
    ensure_year_unlocked(region_code, roadmap.fiscal_year)
    return audited_save(user=user, instance=roadmap, reason=reason)


def roadmap_update(*, user, roadmap: Roadmap, reason: str = "", **data) -> Roadmap:
    access.ensure_can_change(user, roadmap.region_id)
    ensure_year_unlocked(roadmap.region_id, roadmap.fiscal_year)
    before = snapshot(roadmap)
    _apply(roadmap, data, ROADMAP_FIELDS)
    ensure_year_unlocked(roadmap.region_id, roadmap.fiscal_year)
    return audited_save(user=user, instance=roadmap, reason=reason, before=before)


# --- actions ----------------------------------------------------------------

ACTION_FIELDS = (
    "title", "description", "pillar", "strategy", "owner_unit", "target_year",
    "target_quarter", "status", "progress", "progress_notes", "decision",
)


def _finish_action(action: RoadmapAction) -> None:
    if action.status == ActionStatus.DONE:
        action.progress = 100
        action.completed_at = action.completed_at or timezone.localdate()
    else:
        action.completed_at = None


def action_create(*, user, roadmap: Roadmap, reason: str = "", **data) -> RoadmapAction:
    access.ensure_can_change(user, roadmap.region_id)
    partners = data.pop("partner_units", None)
    action = RoadmapAction(roadmap=roadmap, target_year=roadmap.fiscal_year)
    _apply(action, data, ACTION_FIELDS)
    ensure_quarter_unlocked(roadmap.region_id, action.target_year, action.target_quarter)
    _check_unit(action.owner_unit, roadmap.region_id)
    for unit in partners or []:
        _check_unit(unit, roadmap.region_id)
    _finish_action(action)
    m2m = {"partner_units": partners} if partners is not None else None
    return audited_save(user=user, instance=action, m2m=m2m, reason=reason)


def action_update(*, user, action: RoadmapAction, reason: str = "", **data) -> RoadmapAction:
    region = action.roadmap.region_id
    access.ensure_can_change(user, region)
    ensure_quarter_unlocked(region, action.target_year, action.target_quarter)
    before = snapshot(action)
    partners = data.pop("partner_units", None)
    _apply(action, data, ACTION_FIELDS)
    ensure_quarter_unlocked(region, action.target_year, action.target_quarter)
    _check_unit(action.owner_unit, region)
    for unit in partners or []:
        _check_unit(unit, region)
    _finish_action(action)
    m2m = {"partner_units": partners} if partners is not None else None
    return audited_save(user=user, instance=action, m2m=m2m, reason=reason, before=before)


def action_delete(*, user, action: RoadmapAction, reason: str = "") -> None:
    access.ensure_can_change(user, action.roadmap.region_id)
    ensure_quarter_unlocked(
        action.roadmap.region_id, action.target_year, action.target_quarter
    )
    audited_delete(user=user, instance=action, reason=reason)


# --- obstacles ----------------------------------------------------------------

OBSTACLE_FIELDS = (
    "fiscal_year", "title", "description", "category", "action", "intervention",
    "responsible", "responsible_unit", "status", "resolution", "decision",
)


def _check_obstacle_links(obstacle: Obstacle) -> None:
    region = obstacle.region_id
    if obstacle.action is not None and not access.covers(
        region, obstacle.action.roadmap.region_id
    ):
        raise PermissionDenied(_("Aksi yang dipilih bukan milik wilayah ini."))
    if obstacle.intervention is not None and not access.covers(
        region, obstacle.intervention.region_id
    ):
        raise PermissionDenied(_("Intervensi yang dipilih bukan milik wilayah ini."))
    _check_unit(obstacle.responsible_unit, region)


def _finish_obstacle(obstacle: Obstacle) -> None:
    if obstacle.status == ObstacleStatus.RESOLVED:
        obstacle.resolved_at = obstacle.resolved_at or timezone.localdate()
    else:
        obstacle.resolved_at = None


def obstacle_create(*, user, region_code: str, reason: str = "", **data) -> Obstacle:
    access.ensure_can_change(user, region_code)
    obstacle = Obstacle(
        region_id=region_code,
        raised_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _apply(obstacle, data, OBSTACLE_FIELDS)
    _check_obstacle_links(obstacle)
    _finish_obstacle(obstacle)
    return audited_save(user=user, instance=obstacle, reason=reason)


def obstacle_update(*, user, obstacle: Obstacle, reason: str = "", **data) -> Obstacle:
    access.ensure_can_change(user, obstacle.region_id)
    before = snapshot(obstacle)
    _apply(obstacle, data, OBSTACLE_FIELDS)
    _check_obstacle_links(obstacle)
    _finish_obstacle(obstacle)
    return audited_save(user=user, instance=obstacle, reason=reason, before=before)


def obstacle_delete(*, user, obstacle: Obstacle, reason: str = "") -> None:
    access.ensure_can_change(user, obstacle.region_id)
    audited_delete(user=user, instance=obstacle, reason=reason)


# --- meetings and decisions --------------------------------------------------

MEETING_FIELDS = ("title", "date", "place", "participants", "summary", "minutes", "minutes_name")
DECISION_FIELDS = ("text", "responsible", "due_date", "follow_up_status", "follow_up_notes")


def _prepare_minutes(data: dict) -> None:
    """A minutes file is type-checked by its bytes and stored under a generated name."""
    upload = data.get("minutes")
    if upload is None or not hasattr(upload, "read") or getattr(upload, "_committed", False):
        return
    import uuid

    from django.core.exceptions import ValidationError

    from programs.services import EVIDENCE_MAX_BYTES, evidence_sniff

    name = (upload.name or "").rsplit("/", 1)[-1][:255]
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {"minutes": _("Berkas notulen terlalu besar; batasnya 10 MB.")}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        _type, ext = evidence_sniff(head=head, name=name)
    except ValidationError as exc:
        raise ValidationError({"minutes": exc.messages}) from None
    data["minutes_name"] = name
    upload.name = f"{uuid.uuid4().hex}.{ext}"


def meeting_create(*, user, region_code: str, reason: str = "", **data) -> Meeting:
    access.ensure_can_change(user, region_code)
    _prepare_minutes(data)
    meeting = Meeting(region_id=region_code)
    _apply(meeting, data, MEETING_FIELDS)
    return audited_save(user=user, instance=meeting, reason=reason)


def meeting_update(*, user, meeting: Meeting, reason: str = "", **data) -> Meeting:
    access.ensure_can_change(user, meeting.region_id)
    _prepare_minutes(data)
    before = snapshot(meeting)
    _apply(meeting, data, MEETING_FIELDS)
    return audited_save(user=user, instance=meeting, reason=reason, before=before)


def meeting_delete(*, user, meeting: Meeting, reason: str = "") -> None:
    access.ensure_can_change(user, meeting.region_id)
    audited_delete(user=user, instance=meeting, reason=reason)


def decision_create(*, user, meeting: Meeting, reason: str = "", **data) -> Decision:
    access.ensure_can_change(user, meeting.region_id)
    decision = Decision(meeting=meeting)
    _apply(decision, data, DECISION_FIELDS)
    return audited_save(user=user, instance=decision, reason=reason)


def decision_update(*, user, decision: Decision, reason: str = "", **data) -> Decision:
    access.ensure_can_change(user, decision.meeting.region_id)
    before = snapshot(decision)
    _apply(decision, data, DECISION_FIELDS)
    return audited_save(user=user, instance=decision, reason=reason, before=before)


def decision_delete(*, user, decision: Decision, reason: str = "") -> None:
    access.ensure_can_change(user, decision.meeting.region_id)
    audited_delete(user=user, instance=decision, reason=reason)


def decision_to_action(
    *, user, decision: Decision, roadmap: Roadmap, target_quarter: int, owner_unit=None
) -> RoadmapAction:
    """Turn a Rakor decision into a roadmap action that tracks its follow-up."""
    access.ensure_can_change(user, decision.meeting.region_id)
    with transaction.atomic():
        action = action_create(
            user=user,
            roadmap=roadmap,
            title=decision.text[:255],
            target_quarter=target_quarter,
            owner_unit=owner_unit,
            decision=decision,
            reason=_("Tindak lanjut keputusan Rakor"),
        )
        if decision.follow_up_status == FollowUpStatus.OPEN:
            decision_update(
                user=user, decision=decision, follow_up_status=FollowUpStatus.IN_PROGRESS
            )
    return action


def decision_resolves_obstacle(
    *, user, decision: Decision, obstacle: Obstacle, resolution: str
) -> Obstacle:
    """Record that a Rakor decision resolves an obstacle."""
    access.ensure_can_change(user, obstacle.region_id)
    return obstacle_update(
        user=user,
        obstacle=obstacle,
        decision=decision,
        resolution=resolution,
        status=ObstacleStatus.RESOLVED,
        reason=_("Diselesaikan oleh keputusan Rakor"),
    )


# --- quarterly verification ------------------------------------------------------


def _is_verifier(user, region_code: str) -> bool:
    """A province-tier coordinator (or an admin) whose scope covers the region from above."""
    if access.is_admin(user):
        return True
    root = access.access_for(user).change_root
    return bool(root) and root != region_code and access.covers(root, region_code)


def _ensure_kabkota(region_code: str) -> None:
    from regions.models import Region

    region = Region.objects.filter(code=region_code).first()
    if region is None or not region.is_kabkota:
        raise ValidationError(
            _("Hanya kabupaten/kota yang mengajukan laporan triwulan untuk diverifikasi.")
        )


def _transition(*, user, submission, action: str, to_status: str, comment: str = ""):
    from audit.models import AuditAction
    from audit.services import audit_record

    from .models import VerificationEvent

    from_status = submission.status if submission.pk else ""
    before = {"status": from_status} if from_status else None
    submission.status = to_status
    submission.full_clean()
    with transaction.atomic():
        submission.save()
        VerificationEvent.objects.create(
            submission=submission, action=action, from_status=from_status,
            to_status=to_status, user=user if user.is_authenticated else None,
            username=user.get_username() if user.is_authenticated else "",
            comment=comment,
        )
        audit_record(
            user=user, action=AuditAction.STATE if from_status else AuditAction.CREATE,
            instance=submission, before=before, after={"status": to_status},
            reason=comment,
        )
    return submission


def submission_open(*, user, region_code: str, fiscal_year: int, quarter: int):
    """Open a quarter (draft) for a kab/kota; the previous quarter must be verified."""
    from .models import QuarterSubmission

    access.ensure_can_change(user, region_code)
    _ensure_kabkota(region_code)
    if not 1 <= int(quarter) <= 4:
        raise ValidationError(_("Triwulan harus 1 sampai 4."))
    existing = QuarterSubmission.objects.filter(
        region_id=region_code, fiscal_year=fiscal_year, quarter=quarter
    ).first()
    if existing is not None:
        return existing
    if quarter > 1 and not QuarterSubmission.objects.filter(
        region_id=region_code, fiscal_year=fiscal_year, quarter=quarter - 1,
        status=SubmissionStatus.VERIFIED,
    ).exists():
        raise ValidationError(
            _("Triwulan %(p)d tahun %(y)d belum diverifikasi; selesaikan dulu sebelum "
              "membuka triwulan %(q)d.")
            % {"p": quarter - 1, "y": fiscal_year, "q": quarter}
        )
    submission = QuarterSubmission(
        region_id=region_code, fiscal_year=fiscal_year, quarter=quarter,
        status=SubmissionStatus.DRAFT,
    )
    return _transition(
        user=user, submission=submission, action="open", to_status=SubmissionStatus.DRAFT
    )


def submission_submit(*, user, submission, comment: str = ""):
    """The kab/kota coordinator submits the quarter to the province."""
    access.ensure_can_change(user, submission.region_id)
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        raise ValidationError(
            _("Triwulan ini berstatus %(s)s; hanya draf atau yang dikembalikan yang "
              "dapat diajukan.") % {"s": submission.get_status_display()}
        )
    return _transition(
        user=user, submission=submission, action="submit",
        to_status=SubmissionStatus.SUBMITTED, comment=comment,
    )


def _ensure_verifier(user, submission) -> None:
    if not _is_verifier(user, submission.region_id):
        raise PermissionDenied(
            _("Hanya koordinator provinsi yang membawahi %(code)s yang dapat "
              "memverifikasi, mengembalikan atau membuka kembali triwulan ini.")
            % {"code": submission.region_id}
        )


def _require_comment(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Catatan wajib diisi untuk %(what)s.") % {
            "what": what}})
    return comment


def submission_return(*, user, submission, comment: str):
    """The province returns a submitted quarter with a comment saying what to fix."""
    _ensure_verifier(user, submission)
    comment = _require_comment(comment, _("mengembalikan"))
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Hanya triwulan yang sudah diajukan yang dapat dikembalikan."))
    return _transition(
        user=user, submission=submission, action="return",
        to_status=SubmissionStatus.RETURNED, comment=comment,
    )


def submission_verify(*, user, submission, comment: str = ""):
    """The province verifies a submitted quarter: it locks, and its figures are kept."""
    from budgets.selectors import budget_line_summary

    _ensure_verifier(user, submission)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Hanya triwulan yang sudah diajukan yang dapat diverifikasi."))
    summary = budget_line_summary(
        user=user,
        filters={"fiscal_year": submission.fiscal_year, "region": submission.region_id},
        group_by=["pillar"],
    )
    submission.verified_totals = {
        "pagu": str(summary.pagu), "realisasi": str(summary.realisasi),
        "lines": summary.lines,
        "by_pillar": {
            str(row.key["pillar"] or ""): {"pagu": str(row.pagu), "realisasi": str(row.realisasi)}
            for row in summary.rows
        },
    }
    submission.verified_at = timezone.now()
    return _transition(
        user=user, submission=submission, action="verify",
        to_status=SubmissionStatus.VERIFIED, comment=comment,
    )


def submission_reopen(*, user, submission, comment: str):
    """The province reopens a verified quarter (with a reason): the lock is lifted."""
    _ensure_verifier(user, submission)
    comment = _require_comment(comment, _("membuka kembali"))
    if submission.status != SubmissionStatus.VERIFIED:
        raise ValidationError(_("Hanya triwulan terverifikasi yang dapat dibuka kembali."))
    return _transition(
        user=user, submission=submission, action="reopen",
        to_status=SubmissionStatus.RETURNED, comment=comment,
    )
