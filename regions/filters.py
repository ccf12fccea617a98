"""FilterSets of the region tree, shared by pages and the API."""

import django_filters

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Level, Region
from .selectors import subtree_q


def filter_region_subtree(queryset, name, value):
    """``region=36.02``: the region and everything under it."""
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(subtree_q(value, field=name))


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Tingkat"))
    parent = django_filters.CharFilter(
        field_name="parent_id", label=_("Kode wilayah induk (anak langsung saja)")
    )
    region = django_filters.CharFilter(
        field_name="code", method=filter_region_subtree,
        label=_("Wilayah (kode, termasuk wilayah di bawahnya)"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Cari nama atau kode"))

    class Meta:
        model = Region
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
