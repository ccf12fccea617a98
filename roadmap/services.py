"""Writes to roadmaps, actions, obstacles, meetings and decisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audited_delete, audited_save, snapshot
from regions import access

from .models import (
    ActionStatus,
    Decision,
    FollowUpStatus,
    Meeting,
    Obstacle,
    ObstacleStatus,
    Roadmap,
    RoadmapAction,
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
    return audited_save(user=user, instance=roadmap, reason=reason)


def roadmap_update(*, user, roadmap: Roadmap, reason: str = "", **data) -> Roadmap:
    access.ensure_can_change(user, roadmap.region_id)
    before = snapshot(roadmap)
    _apply(roadmap, data, ROADMAP_FIELDS)
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
    _check_unit(action.owner_unit, roadmap.region_id)
    for unit in partners or []:
        _check_unit(unit, roadmap.region_id)
    _finish_action(action)
    m2m = {"partner_units": partners} if partners is not None else None
    return audited_save(user=user, instance=action, m2m=m2m, reason=reason)


def action_update(*, user, action: RoadmapAction, reason: str = "", **data) -> RoadmapAction:
    region = action.roadmap.region_id
    access.ensure_can_change(user, region)
    before = snapshot(action)
    partners = data.pop("partner_units", None)
    _apply(action, data, ACTION_FIELDS)
    _check_unit(action.owner_unit, region)
    for unit in partners or []:
        _check_unit(unit, region)
    _finish_action(action)
    m2m = {"partner_units": partners} if partners is not None else None
    return audited_save(user=user, instance=action, m2m=m2m, reason=reason, before=before)


def action_delete(*, user, action: RoadmapAction, reason: str = "") -> None:
    access.ensure_can_change(user, action.roadmap.region_id)
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


def meeting_create(*, user, region_code: str, reason: str = "", **data) -> Meeting:
    access.ensure_can_change(user, region_code)
    meeting = Meeting(region_id=region_code)
    _apply(meeting, data, MEETING_FIELDS)
    return audited_save(user=user, instance=meeting, reason=reason)


def meeting_update(*, user, meeting: Meeting, reason: str = "", **data) -> Meeting:
    access.ensure_can_change(user, meeting.region_id)
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
