"""FilterSets shared by the HTML list pages and the API (``/intervensi/`` and
``/api/v1/interventions/`` read the same parameters)."""

import django_filters

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.filters import filter_region_subtree

from .models import Intervention, InterventionStatus


class InterventionFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree,
        label=_("Wilayah (kode, termasuk wilayah di bawahnya)"),
    )
    fiscal_year = django_filters.NumberFilter(label=_("Tahun anggaran"))
    status = django_filters.ChoiceFilter(choices=InterventionStatus.choices, label=_("Status"))
    pillar = django_filters.CharFilter(field_name="pillar__code", label=_("Pilar (kode)"))
    strategy = django_filters.CharFilter(
        field_name="strategy__code", label=_("Strategi (kode)")
    )
    lead_unit = django_filters.NumberFilter(
        field_name="lead_unit_id", label=_("OPD pengampu (id)")
    )
    target_region = django_filters.CharFilter(
        field_name="target_regions__code", method="filter_target_region",
        label=_("Wilayah sasaran (kode, termasuk di bawahnya)"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = Intervention
        fields = []

    def filter_target_region(self, queryset, name, value):
        return filter_region_subtree(queryset, name, value).distinct()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(target_group__icontains=value)
            | Q(lead_unit__name__icontains=value)
        )
