"""Reads of roadmaps, actions, obstacles, meetings and submissions (read scope)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from audit.models import AuditRecord
from regions import access
from regions.models import Level, Region

from .filters import (
    MeetingFilterSet,
    ObstacleFilterSet,
    QuarterSubmissionFilterSet,
    RoadmapActionFilterSet,
    RoadmapFilterSet,
)
from .models import (
    Decision,
    Meeting,
    Obstacle,
    QuarterSubmission,
    Roadmap,
    RoadmapAction,
    SubmissionStatus,
    late_q,
)

VERIFICATION_MODELS = ("roadmap.QuarterSubmission",)


def _filtered(qs, filterset_class, filters):
    if filters:
        filterset = filterset_class(data=filters, queryset=qs)
        qs = filterset.qs if filterset.is_valid() else qs.none()
    return qs


def roadmap_list(*, user, filters: dict | None = None) -> QuerySet[Roadmap]:
    qs = Roadmap.objects.filter(access.readable_q(user)).select_related("region")
    qs = qs.annotate(
        action_count=Count("actions", distinct=True),
        late_count=Count("actions", filter=late_q(prefix="actions__"), distinct=True),
    )
    return _filtered(qs, RoadmapFilterSet, filters)


def action_list(*, user, filters: dict | None = None) -> QuerySet[RoadmapAction]:
    qs = RoadmapAction.objects.filter(
        access.readable_q(user, field="roadmap__region__code")
    ).select_related("roadmap", "roadmap__region", "owner_unit", "pillar", "strategy")
    return _filtered(qs, RoadmapActionFilterSet, filters)


def obstacle_list(*, user, filters: dict | None = None) -> QuerySet[Obstacle]:
    qs = Obstacle.objects.filter(access.readable_q(user)).select_related(
        "region", "action", "intervention", "responsible_unit", "decision"
    )
    return _filtered(qs, ObstacleFilterSet, filters)


def meeting_list(*, user, filters: dict | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(access.readable_q(user)).select_related("region")
    qs = qs.annotate(
        decision_count=Count("decisions", distinct=True),
        open_count=Count(
            "decisions", filter=~Q(decisions__follow_up_status="selesai"), distinct=True
        ),
    )
    return _filtered(qs, MeetingFilterSet, filters)


def decision_list(*, user) -> QuerySet[Decision]:
    return Decision.objects.filter(
        access.readable_q(user, field="meeting__region__code")
    ).select_related("meeting")


def submission_list(*, user, filters: dict | None = None) -> QuerySet[QuarterSubmission]:
    qs = QuarterSubmission.objects.filter(access.readable_q(user)).select_related("region")
    return _filtered(qs, QuarterSubmissionFilterSet, filters)


def changes_since(*, region_code: str, since: datetime.datetime | None) -> int:
    """Recorded changes to a region's data after a moment (the last verification)."""
    if since is None:
        return 0
    return (
        AuditRecord.objects.filter(
            Q(region_code=region_code) | Q(region_code__startswith=region_code + "."),
            created_at__gt=since,
        )
        .exclude(model__in=VERIFICATION_MODELS)
        .count()
    )


def verification_board(*, user, fiscal_year: int) -> list[dict]:
    """One row per kab/kota the user may read: its quarters, and changes since
    its last verification."""
    regions = Region.objects.filter(
        access.readable_q(user, field="code"), level__in=[Level.KABUPATEN, Level.KOTA]
    ).order_by("code")
    submissions = {
        (s.region_id, s.quarter): s
        for s in QuarterSubmission.objects.filter(
            region__in=regions, fiscal_year=fiscal_year
        )
    }
    last_verified = {}
    for s in QuarterSubmission.objects.filter(
        region__in=regions, verified_at__isnull=False
    ).order_by("verified_at"):
        last_verified[s.region_id] = s.verified_at
    rows = []
    for region in regions:
        quarters = [submissions.get((region.code, q)) for q in (1, 2, 3, 4)]
        since = last_verified.get(region.code)
        rows.append(
            {
                "region": region,
                "quarters": quarters,
                "last_verified": since,
                "changed_since": changes_since(region_code=region.code, since=since),
                "pending": any(
                    s is not None and s.status == SubmissionStatus.SUBMITTED for s in quarters
                ),
            }
        )
    return rows


def current_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1
