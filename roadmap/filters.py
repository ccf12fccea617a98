"""FilterSets of roadmaps, actions, obstacles and meetings, shared by the HTML
list pages and the API."""

import django_filters

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.filters import ID_BOUNDS, YEAR_BOUNDS, filter_region_subtree

from .models import (
    LATE,
    LATE_LABEL,
    ActionStatus,
    Decision,
    FollowUpStatus,
    Meeting,
    Obstacle,
    ObstacleCategory,
    ObstacleStatus,
    Roadmap,
    RoadmapAction,
)


def late_q(today=None) -> Q:
    """Actions not done whose target quarter has ended (computed, never stored)."""
    today = today or timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return ~Q(status=ActionStatus.DONE) & (
        Q(target_year__lt=today.year)
        | Q(target_year=today.year, target_quarter__lt=quarter)
    )


class RoadmapFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree,
        label=_("Wilayah (kode, termasuk wilayah di bawahnya)"),
    )
    fiscal_year = django_filters.NumberFilter(label=_("Tahun"), **YEAR_BOUNDS)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Cari"))

    class Meta:
        model = Roadmap
        fields = []


class RoadmapActionFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="roadmap__region__code", method=filter_region_subtree,
        label=_("Wilayah (kode, termasuk wilayah di bawahnya)"),
    )
    fiscal_year = django_filters.NumberFilter(
        field_name="roadmap__fiscal_year", label=_("Tahun peta jalan"), **YEAR_BOUNDS
    )
    roadmap = django_filters.NumberFilter(field_name="roadmap_id", **ID_BOUNDS, label=_("Peta jalan (id)"))
    status = django_filters.ChoiceFilter(
        choices=[*ActionStatus.choices, (LATE, LATE_LABEL)], method="filter_status",
        label=_("Status (terlambat dihitung dari triwulan target)"),
    )
    pillar = django_filters.CharFilter(field_name="pillar__code", label=_("Pilar (kode)"))
    strategy = django_filters.CharFilter(field_name="strategy__code", label=_("Strategi (kode)"))
    target_quarter = django_filters.NumberFilter(
        label=_("Triwulan target"), min_value=1, max_value=4
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = RoadmapAction
        fields = []

    def filter_status(self, queryset, name, value):
        if value == LATE:
            return queryset.filter(late_q())
        if value == ActionStatus.DONE:
            return queryset.filter(status=value)
        return queryset.filter(status=value).exclude(late_q())

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class ObstacleFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree,
        label=_("Wilayah (kode, termasuk wilayah di bawahnya)"),
    )
    fiscal_year = django_filters.NumberFilter(label=_("Tahun"), **YEAR_BOUNDS)
    status = django_filters.ChoiceFilter(choices=ObstacleStatus.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(choices=ObstacleCategory.choices, label=_("Kategori"))
    pillar = django_filters.CharFilter(
        method="filter_pillar", label=_("Pilar (kode) dari intervensi atau aksinya")
    )
    strategy = django_filters.CharFilter(
        method="filter_strategy", label=_("Strategi (kode) dari intervensi atau aksinya")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = Obstacle
        fields = []

    def filter_pillar(self, queryset, name, value):
        return queryset.filter(
            Q(intervention__pillar__code=value) | Q(action__pillar__code=value)
        )

    def filter_strategy(self, queryset, name, value):
        return queryset.filter(
            Q(intervention__strategy__code=value) | Q(action__strategy__code=value)
        )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(responsible__icontains=value)
        )


class MeetingFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree,
        label=_("Wilayah penyelenggara (kode, termasuk wilayah di bawahnya)"),
    )
    fiscal_year = django_filters.NumberFilter(field_name="date__year", label=_("Tahun"), **YEAR_BOUNDS)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("Dari tanggal"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Sampai tanggal"))
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = Meeting
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


class DecisionFilterSet(django_filters.FilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id", **ID_BOUNDS, label=_("Rapat (id)"))
    region = django_filters.CharFilter(
        field_name="meeting__region__code", method=filter_region_subtree,
        label=_("Wilayah rapat (kode, termasuk wilayah di bawahnya)"),
    )
    follow_up_status = django_filters.ChoiceFilter(
        choices=FollowUpStatus.choices, label=_("Status tindak lanjut")
    )
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label=_("Cari"))

    class Meta:
        model = Decision
        fields = []
