"""Reads of interventions, always within the user's read scope."""

from __future__ import annotations

from django.db.models import QuerySet

from regions import access

from .filters import InterventionFilterSet
from .models import Intervention, InterventionEvidence


def _filtered(qs, filterset_class, filters):
    if filters:
        filterset = filterset_class(data=filters, queryset=qs)
        qs = filterset.qs if filterset.is_valid() else qs.none()
    return qs


def intervention_list(*, user, filters: dict | None = None) -> QuerySet[Intervention]:
    qs = Intervention.objects.filter(access.readable_q(user)).select_related(
        "region", "pillar", "strategy", "focus", "lead_unit"
    )
    return _filtered(qs, InterventionFilterSet, filters)


def intervention_get(*, user, pk: int) -> Intervention | None:
    return (
        intervention_list(user=user)
        .prefetch_related("partner_units", "target_regions", "progress")
        .filter(pk=pk)
        .first()
    )


def evidence_get(*, user, pk: int) -> InterventionEvidence | None:
    return (
        InterventionEvidence.objects.filter(
            access.readable_q(user, field="intervention__region__code")
        )
        .select_related("intervention")
        .filter(pk=pk)
        .first()
    )
