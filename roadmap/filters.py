"""FilterSets shared by the HTML list pages and the API.

Each takes ``region`` (a code; the region and everything under it),
``fiscal_year``, ``status``, ``pillar``, ``strategy`` and ``q``, so
``?region=36.02&fiscal_year=2024`` means the same everywhere.
"""

import django_filters

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.filters import ID_BOUNDS, YEAR_BOUNDS, filter_region_subtree

from .models import (
    LATE,
    ActionStatus,
    Decision,
    FollowUpStatus,
    Meeting,
    Obstacle,
    ObstacleCategory,
    ObstacleStatus,
    QuarterSubmission,
    Roadmap,
    RoadmapAction,
    SubmissionStatus,
    late_q,
)


def filter_distinct(queryset, name, value):
    """Filter across a to-many relation; each parent once."""
    return queryset.filter(**{name: value}).distinct()

ACTION_STATUS_CHOICES = [*ActionStatus.choices, (LATE, _("Terlambat"))]


class RoadmapFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree, label=_("Wilayah")
    )
    fiscal_year = django_filters.NumberFilter(label=_("Tahun"), **YEAR_BOUNDS)
    status = django_filters.ChoiceFilter(
        choices=ACTION_STATUS_CHOICES, method="filter_status",
        label=_("Memuat aksi berstatus"),
    )
    pillar = django_filters.CharFilter(
        field_name="actions__pillar__code", method=filter_distinct, label=_("Pilar (kode)")
    )
    strategy = django_filters.CharFilter(
        field_name="actions__strategy__code", method=filter_distinct,
        label=_("Strategi (kode)"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = Roadmap
        fields = []

    def filter_status(self, queryset, name, value):
        if value == LATE:
            ids = RoadmapAction.objects.filter(late_q()).values("roadmap_id")
        else:
            ids = RoadmapAction.objects.filter(status=value).exclude(late_q()).values(
                "roadmap_id"
            )
        return queryset.filter(pk__in=ids)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(policy_direction__icontains=value)
        )


class RoadmapActionFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="roadmap__region__code", method=filter_region_subtree, label=_("Wilayah")
    )
    roadmap = django_filters.NumberFilter(
        field_name="roadmap_id", label=_("Peta jalan (id)"), **ID_BOUNDS
    )
    fiscal_year = django_filters.NumberFilter(field_name="target_year", label=_("Tahun target"), **YEAR_BOUNDS)
    quarter = django_filters.NumberFilter(
        field_name="target_quarter", label=_("Triwulan target"), min_value=1, max_value=4
    )
    status = django_filters.ChoiceFilter(
        choices=ACTION_STATUS_CHOICES, method="filter_status",
        label=_("Status (termasuk terlambat)"),
    )
    pillar = django_filters.CharFilter(field_name="pillar__code", label=_("Pilar (kode)"))
    strategy = django_filters.CharFilter(field_name="strategy__code", label=_("Strategi (kode)"))
    owner_unit = django_filters.NumberFilter(field_name="owner_unit_id", label=_("OPD (id)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = RoadmapAction
        fields = []

    def filter_status(self, queryset, name, value):
        """The shown status: "terlambat" is computed, the others exclude late actions."""
        if value == LATE:
            return queryset.filter(late_q())
        return queryset.filter(status=value).exclude(late_q())

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(progress_notes__icontains=value)
        )


class ObstacleFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree, label=_("Wilayah")
    )
    fiscal_year = django_filters.NumberFilter(label=_("Tahun"), **YEAR_BOUNDS)
    status = django_filters.ChoiceFilter(choices=ObstacleStatus.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(choices=ObstacleCategory.choices, label=_("Kategori"))
    pillar = django_filters.CharFilter(method="filter_pillar", label=_("Pilar (kode)"))
    strategy = django_filters.CharFilter(method="filter_strategy", label=_("Strategi (kode)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = Obstacle
        fields = []

    def filter_pillar(self, queryset, name, value):
        return queryset.filter(
            Q(action__pillar__code=value) | Q(intervention__pillar__code=value)
        )

    def filter_strategy(self, queryset, name, value):
        return queryset.filter(
            Q(action__strategy__code=value) | Q(intervention__strategy__code=value)
        )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(responsible__icontains=value)
            | Q(resolution__icontains=value)
        )


class MeetingFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree, label=_("Wilayah")
    )
    fiscal_year = django_filters.NumberFilter(field_name="date__year", label=_("Tahun"), **YEAR_BOUNDS)
    status = django_filters.ChoiceFilter(
        choices=FollowUpStatus.choices, method="filter_status",
        label=_("Memuat keputusan dengan status tindak lanjut"),
    )
    pillar = django_filters.CharFilter(
        field_name="decisions__actions__pillar__code", method=filter_distinct,
        label=_("Pilar aksi tindak lanjut (kode)"),
    )
    strategy = django_filters.CharFilter(
        field_name="decisions__actions__strategy__code", method=filter_distinct,
        label=_("Strategi aksi tindak lanjut (kode)"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = Meeting
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(decisions__follow_up_status=value).distinct()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(place__icontains=value)
            | Q(summary__icontains=value)
            | Q(decisions__text__icontains=value)
        ).distinct()


class QuarterSubmissionFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree, label=_("Wilayah")
    )
    fiscal_year = django_filters.NumberFilter(label=_("Tahun"), **YEAR_BOUNDS)
    quarter = django_filters.NumberFilter(label=_("Triwulan"))
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))

    class Meta:
        model = QuarterSubmission
        fields = []


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
