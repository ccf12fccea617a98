"""FilterSets shared by the HTML list pages and the API.

``?fiscal_year=2024&region=36.02&pillar=jaminan_sosial`` means the same on
``/anggaran/baris/`` and ``/api/v1/budget-lines/``.
"""

import django_filters

from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField
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


# ``stage=terakhir`` (or ``latest``, or no stage at all): each pemda's latest stage.
LATEST = "terakhir"
LATEST_ALIASES = (LATEST, "latest")
STAGE_FILTER_CHOICES = [(LATEST, _("Tahapan terakhir per pemda")), *Stage.choices]


def stage_choice(value) -> str | None:
    """``LATEST`` for no stage or an alias of it, the stage code for a code,
    None for anything else (the caller refuses it)."""
    value = (str(value).strip() if value is not None else "")
    if value in ("", *LATEST_ALIASES):
        return LATEST
    return value if value in Stage.values else None


def latest_stage_only(queryset: QuerySet) -> QuerySet:
    """THE rule of a year's budget (DOMAIN.md 4): each stage is a complete
    snapshot, so a pemda's budget for a year is its latest stage, taken per
    (region, fiscal year); stages are never added.

    ``queryset`` is of lines or of summary rows (both have ``region_id``,
    ``fiscal_year`` and ``stage``). The latest stage is a correlated subquery
    on the lines' index ``line_region_scope`` (region, fiscal_year, stage):
    one index probe per row, never a scan. The summary rows of a clean scope
    have exactly the stages of its lines, so both read the same stage.
    """
    latest = (
        BudgetLine.objects.filter(
            region_id=OuterRef("region_id"), fiscal_year=OuterRef("fiscal_year")
        )
        .order_by("-stage")
        .values("stage")[:1]
    )
    return queryset.filter(stage=Subquery(latest))


class StageField(django_filters.fields.ChoiceField):
    """The stage choice; ``latest`` is accepted as ``terakhir``."""

    def to_python(self, value):
        value = super().to_python(value)
        return LATEST if value in LATEST_ALIASES else value


class StageFilter(django_filters.ChoiceFilter):
    field_class = StageField


def filter_region_subtree(queryset, name, value):
    if not value:
        return queryset
    return queryset.filter(subtree_q(value.strip(), field=name))


class BudgetLineFilterSet(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(label=_("Tahun anggaran"), **YEAR_BOUNDS)
    stage = StageFilter(
        choices=STAGE_FILTER_CHOICES, method="filter_stage", empty_label=None,
        label=_("Tahapan (kode; kosong atau 'terakhir' = tahapan terakhir tiap pemda)"),
    )
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

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Applied here, not in ``filter_stage``: django-filter skips a filter
        # without a value, and no stage is the default, the latest one.
        if stage_choice(self.form.cleaned_data.get("stage")) == LATEST:
            queryset = latest_stage_only(queryset)
        return queryset

    def filter_stage(self, queryset, name, value):
        choice = stage_choice(value)
        if choice == LATEST:
            return queryset  # filter_queryset takes each pemda's latest stage
        return queryset.filter(stage=choice)

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
