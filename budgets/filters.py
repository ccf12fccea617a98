"""FilterSets shared by the HTML list pages and the API.

``?fiscal_year=2024&region=36.02&pillar=jaminan_sosial`` means the same on
``/anggaran/baris/`` and ``/api/v1/budget-lines/``.
"""

import django_filters

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from regions.selectors import subtree_q

from .models import (
    Account,
    BudgetLine,
    FundingSource,
    ImportBatch,
    LineOrigin,
    Nomenclature,
    NomenclatureLevel,
    Stage,
    Tag,
    TagSource,
    Unit,
    UnitKind,
)

NONE = "none"
# Bounds on numeric filters, so an absurd number is a clear 400, not a
# database overflow.
ID_BOUNDS = {"min_value": 1, "max_value": 2**63 - 1}
YEAR_BOUNDS = {"min_value": 1, "max_value": 9999}


def filter_region_subtree(queryset, name, value):
    if not value:
        return queryset
    return queryset.filter(subtree_q(value.strip(), field=name))


class BudgetLineFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(label=_("Tahun anggaran"), **YEAR_BOUNDS)
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Tahapan"))
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree,
        label=_("Wilayah (kode, termasuk wilayah di bawahnya)"),
    )
    pemda = django_filters.CharFilter(
        field_name="region_id", label=_("Pemda (kode wilayah persis, tanpa wilayah di bawahnya)")
    )
    unit = django_filters.NumberFilter(field_name="unit_id", **ID_BOUNDS, label=_("Perangkat daerah (id)"))
    sub_unit = django_filters.NumberFilter(field_name="sub_unit_id", **ID_BOUNDS, label=_("Sub unit (id)"))
    unit_kind = django_filters.ChoiceFilter(
        field_name="sub_unit__kind", choices=UnitKind.choices, label=_("Jenis sub unit")
    )
    pillar = django_filters.CharFilter(method="filter_pillar", label=_("Pilar (kode, atau none)"))
    strategy = django_filters.CharFilter(
        method="filter_strategy", label=_("Strategi (kode, atau none)")
    )
    sub_kegiatan = django_filters.CharFilter(
        field_name="sub_kegiatan__code", lookup_expr="startswith",
        label=_("Kode sub kegiatan (awalan: bidang, program, kegiatan)"),
    )
    account = django_filters.CharFilter(
        field_name="account__code", lookup_expr="startswith", label=_("Kode rekening (awalan)")
    )
    funding_source = django_filters.CharFilter(
        field_name="funding_source__code", label=_("Kode sumber dana")
    )
    origin = django_filters.ChoiceFilter(choices=LineOrigin.choices, label=_("Asal data"))
    import_batch = django_filters.NumberFilter(field_name="import_batch_id", **ID_BOUNDS, label=_("Batch impor"))
    q = django_filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = BudgetLine
        fields = []

    def filter_pillar(self, queryset, name, value):
        if value == NONE:
            return queryset.filter(pillar__isnull=True)
        return queryset.filter(pillar__code=value)

    def filter_strategy(self, queryset, name, value):
        if value == NONE:
            return queryset.filter(strategy__isnull=True)
        return queryset.filter(strategy__code=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The detail rows' names (paket/kelompok, standar harga) are searched as text.
        queryset = queryset.annotate(items_text=Cast("items", TextField()))
        return queryset.filter(
            Q(sub_kegiatan__name__icontains=value)
            | Q(sub_kegiatan__code__startswith=value)
            | Q(unit__name__icontains=value)
            | Q(sub_unit__name__icontains=value)
            | Q(items_text__icontains=value)
        )


class UnitFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree, label=_("Wilayah")
    )
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("Jenis"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Cari"))

    class Meta:
        model = Unit
        fields = []


class TagFilterSet(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=TagSource.choices, label=_("Sumber"))
    pillar = django_filters.CharFilter(field_name="pillar__code", label=_("Pilar"))
    strategy = django_filters.CharFilter(field_name="strategy__code", label=_("Strategi"))
    budget_line = django_filters.NumberFilter(field_name="budget_line_id", **ID_BOUNDS)
    fiscal_year = django_filters.NumberFilter(field_name="budget_line__fiscal_year", **YEAR_BOUNDS)

    class Meta:
        model = Tag
        fields = []


class ImportBatchFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", method=filter_region_subtree, label=_("Wilayah")
    )
    fiscal_year = django_filters.NumberFilter(label=_("Tahun anggaran"), **YEAR_BOUNDS)
    status = django_filters.CharFilter(label=_("Status"))
    kind = django_filters.CharFilter(label=_("Jenis"))

    class Meta:
        model = ImportBatch
        fields = []


class NomenclatureFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(label=_("Tahun anggaran"), **YEAR_BOUNDS)
    level = django_filters.ChoiceFilter(choices=NomenclatureLevel.choices, label=_("Tingkat"))
    code = django_filters.CharFilter(
        field_name="code", lookup_expr="startswith", label=_("Kode (awalan)")
    )
    parent = django_filters.NumberFilter(field_name="parent_id", **ID_BOUNDS, label=_("Induk (id)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Cari nama atau kode"))

    class Meta:
        model = Nomenclature
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class FundingSourceFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(
        field_name="code", lookup_expr="startswith", label=_("Kode (awalan)")
    )
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Cari"))

    class Meta:
        model = FundingSource
        fields = []


class AccountFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(
        field_name="code", lookup_expr="startswith", label=_("Kode rekening (awalan)")
    )
    group = django_filters.CharFilter(label=_("Kelompok rekening, mis. 5.1.06"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Cari"))

    class Meta:
        model = Account
        fields = []
