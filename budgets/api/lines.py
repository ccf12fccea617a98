"""Budget lines, their summary and their tags in the API.

Writes go through ``budgets.services`` (access rule, validation, change
record); reads through ``budgets.selectors`` (read scope), so the summary here
and the dashboards can never disagree.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets import selectors, services
from budgets.exports import (
    BUDGET_LINE_COLUMNS,
    Column,
    budget_line_rows,
    export_response,
)
from budgets.filters import BudgetLineFilterSet, TagFilterSet
from budgets.models import (
    Account,
    BudgetLine,
    FundingSource,
    LineOrigin,
    Nomenclature,
    NomenclatureLevel,
    Tag,
    TagSource,
    Unit,
)
from config.api_common import (
    PortalViewSet,
    RegionField,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    refuse_region_move,
)
from programs.models import Pillar, Strategy
from regions import access

SERAPAN_PLACES = Decimal("0.000001")
NON_FILTER_PARAMS = ("group_by", "format", "page", "page_size", "ordering")


@extend_schema_field(OpenApiTypes.STR)
class SubKegiatanField(serializers.Field):
    """A sub kegiatan by its code; the line's fiscal year picks the version."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Kode sub kegiatan berformat U.BB.PP.L.KK.SSSS, mis. 1.06.05.2.02.0001."
        ),
    }

    def to_representation(self, value):
        return value.code

    def to_internal_value(self, data):
        from budgets.codes import level_of

        if not isinstance(data, str) or level_of(data.strip()) != "sub_kegiatan":
            self.fail("invalid")
        return data.strip()


class BudgetLineSerializer(serializers.ModelSerializer):
    region = RegionField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    unit = ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all())
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    sub_unit = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False,
        help_text=gettext_lazy("Sub unit (id); kosong = sama dengan unit. / Defaults to unit."),
    )
    sub_unit_name = serializers.CharField(source="sub_unit.name", read_only=True)
    sub_kegiatan = SubKegiatanField(
        help_text=gettext_lazy("Kode sub kegiatan, mis. 1.06.05.2.02.0001. / Code.")
    )
    sub_kegiatan_name = serializers.CharField(source="sub_kegiatan.name", read_only=True)
    funding_source = ScopedSlugRelatedField(
        slug_field="code", queryset=FundingSource.objects.all()
    )
    funding_source_name = serializers.CharField(source="funding_source.name", read_only=True)
    account = ScopedSlugRelatedField(slug_field="code", queryset=Account.objects.all())
    account_name = serializers.CharField(source="account.name", read_only=True)
    account_group = serializers.CharField(source="account.group", read_only=True)
    pillar = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    strategy = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    serapan = serializers.SerializerMethodField()
    entered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=1000,
        help_text=gettext_lazy("Alasan perubahan (riwayat). / Reason, for the history."),
    )

    class Meta:
        model = BudgetLine
        fields = [
            "id", "fiscal_year", "stage", "region", "region_name", "unit", "unit_code",
            "unit_name", "sub_unit", "sub_unit_name", "sub_kegiatan", "sub_kegiatan_name",
            "funding_source", "funding_source_name", "account", "account_name",
            "account_group", "items", "pagu", "realisasi", "serapan",
            "pillar", "strategy", "origin", "import_batch", "entered_by", "is_demo",
            "created_at", "updated_at", "reason",
        ]
        read_only_fields = [
            "id", "items", "origin", "import_batch", "is_demo", "created_at", "updated_at",
        ]
        # The natural-key constraint is checked by the service (full_clean) with
        # its own message; DRF's copy would make sub_unit required.
        validators = []
        extra_kwargs = {
            "pagu": {"min_value": Decimal("0"), "max_value": Decimal("9999999999999999.99")},
            "realisasi": {
                "min_value": Decimal("0"), "max_value": Decimal("9999999999999999.99"),
                "required": False,
            },
            "fiscal_year": {"min_value": 2000, "max_value": 2100},
        }

    def get_serapan(self, line) -> str | None:
        value = line.serapan
        return None if value is None else str(value.quantize(SERAPAN_PLACES))

    def validate(self, attrs):
        instance = self.instance
        year = attrs.get("fiscal_year", getattr(instance, "fiscal_year", None))
        code = attrs.get("sub_kegiatan")
        if code is None and instance is not None and "fiscal_year" in attrs:
            code = instance.sub_kegiatan.code
        if code is not None:
            node = Nomenclature.objects.filter(
                fiscal_year=year, level=NomenclatureLevel.SUB_KEGIATAN, code=code
            ).first()
            if node is None:
                raise serializers.ValidationError(
                    {
                        "sub_kegiatan": [
                            _(
                                "Sub kegiatan %(code)s tidak ada di nomenklatur tahun "
                                "%(year)s. Periksa kode dan tahun anggaran."
                            )
                            % {"code": code, "year": year}
                        ]
                    }
                )
            attrs["sub_kegiatan"] = node
        if "unit" in attrs and "sub_unit" not in attrs and instance is None:
            attrs["sub_unit"] = attrs["unit"]
        return attrs


def _filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """Schema parameters for a FilterSet used outside DRF's list machinery."""
    params = []
    for name, flt in filterset_class.base_filters.items():
        kind = OpenApiTypes.STR
        enum = None
        if isinstance(flt, django_filters.NumberFilter):
            kind = OpenApiTypes.INT
        elif isinstance(flt, django_filters.ChoiceFilter):
            enum = [c[0] for c in flt.extra.get("choices", [])]
        params.append(
            OpenApiParameter(
                name, kind, OpenApiParameter.QUERY, enum=enum,
                description=str(flt.label or name),
            )
        )
    return params


class SummaryRowSerializer(serializers.Serializer):
    key = serializers.DictField(
        help_text="Nilai kunci per group_by (kode wilayah, id unit, kode pilar...). / "
        "Group key values."
    )
    label = serializers.CharField()
    pagu = serializers.DecimalField(max_digits=20, decimal_places=2)
    realisasi = serializers.DecimalField(max_digits=20, decimal_places=2)
    serapan = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True,
        help_text="Realisasi / pagu (pecahan, mis. 0.853000). / Absorption rate.",
    )
    lines = serializers.IntegerField()


class SummaryTotalsSerializer(serializers.Serializer):
    pagu = serializers.DecimalField(max_digits=20, decimal_places=2)
    realisasi = serializers.DecimalField(max_digits=20, decimal_places=2)
    serapan = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    lines = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    group_by = serializers.ListField(child=serializers.CharField())
    rows = SummaryRowSerializer(many=True)
    totals = SummaryTotalsSerializer()


def _serapan(value):
    return None if value is None else value.quantize(SERAPAN_PLACES)


class BudgetLineViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    PortalViewSet,
):
    """Baris anggaran: sub kegiatan x sumber dana x rekening x paket dari satu unit.
    Baris hasil impor SIPD hanya berubah lewat impor berikutnya; koordinator dapat
    mencatat, mengubah dan menghapus baris isian sendiri (asal `manual`) di wilayahnya.
    Uang ditulis sebagai teks desimal persis ("1700000000000.00").

    Budget lines: a sub kegiatan x funding source x account of a sub unit, per stage.
    Imported SIPD lines change only through the next import; coordinators may
    record, change and delete hand-entered lines (origin `manual`) in their region.
    Money is written as exact decimal strings."""

    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilterSet
    ordering_fields = [
        "id", "fiscal_year", "stage", "region_id", "unit__code", "sub_unit__code",
        "sub_kegiatan__code", "account__code", "funding_source__code", "pagu",
        "realisasi", "updated_at",
    ]
    ordering = ["fiscal_year", "region_id", "unit__code", "sub_kegiatan__code", "id"]
    export_actions = ("list", "summary")
    stamp_params = ("ordering", "group_by")
    doc_name = ("baris anggaran", "budget lines")
    export_title = "Baris anggaran"

    def queryset_for(self, user):
        return selectors.budget_line_list(user=user)

    def filter_queryset(self, queryset):
        # A line is found by its id whatever its stage; the FilterSet (and its
        # default, each pemda's latest stage) is for lists.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def export(self, queryset, fmt):
        return export_response(
            fmt=fmt,
            title=self.export_title,
            columns=BUDGET_LINE_COLUMNS,
            rows=budget_line_rows(queryset),
            filters=self.applied_filters(),
            user=self.request.user,
            filename="baris-anggaran",
        )

    def _ensure_manual(self, line):
        if line.origin != LineOrigin.MANUAL:
            raise exceptions.PermissionDenied(
                _(
                    "Baris #%(id)s berasal dari %(origin)s dan hanya berubah lewat "
                    "impor berikutnya. Ubah datanya di SIPD lalu impor ulang."
                )
                % {"id": line.pk, "origin": line.get_origin_display()}
            )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        region = data.pop("region")
        reason = data.pop("reason", "")
        line = services.budget_line_create(
            user=self.request.user, region_code=region.pk, reason=reason, **data
        )
        serializer.instance = self.refreshed(line)

    def perform_update(self, serializer):
        line = serializer.instance
        self._ensure_manual(line)
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        refuse_region_move(line, data.pop("region", None))
        line = services.budget_line_update(
            user=self.request.user, line=line, reason=reason, **data
        )
        serializer.instance = self.refreshed(line)

    def perform_destroy(self, instance):
        self._ensure_manual(instance)
        services.budget_line_delete(user=self.request.user, line=instance)

    @extend_schema(
        summary="Ringkasan pagu dan realisasi / Pagu and realisasi summary",
        description=(
            "Pagu, realisasi, serapan dan jumlah baris per kelompok (`group_by`: satu "
            "atau dua dari fiscal_year, stage, region, unit, pillar, strategy, bidang, "
            "program, account_group, dipisah koma), menuruti semua filter daftar baris "
            "anggaran dan lingkup wilayah Anda. `totals` selalu sama dengan jumlah "
            "baris yang tercakup, sampai rupiah. Dasbor memakai fungsi yang sama.\n\n"
            "Pagu, realisasi, absorption and line count per group (`group_by`: one or "
            "two of fiscal_year, stage, region, unit, pillar, strategy, bidang, "
            "program, account_group, comma separated), honouring every budget-line "
            "filter and your region scope. `totals` always equal the sum of the lines "
            "covered, to the rupiah. The dashboards call the same code."
        ),
        parameters=[
            OpenApiParameter(
                "group_by", OpenApiTypes.STR, OpenApiParameter.QUERY,
                description="Satu atau dua kunci, dipisah koma. / One or two keys, "
                "comma separated: " + ", ".join(selectors.GROUP_KEYS),
            ),
            *_filter_parameters(BudgetLineFilterSet),
        ],
        responses={200: SummarySerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def summary(self, request):
        try:
            group_by = selectors.parse_group_by(request.query_params.get("group_by"))
        except selectors.InvalidGrouping as exc:
            raise exceptions.ValidationError({"group_by": [str(exc)]}) from None
        filters = {
            k: v for k, v in request.query_params.items() if k not in NON_FILTER_PARAMS
        }
        filterset = BudgetLineFilterSet(data=filters, queryset=BudgetLine.objects.none())
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        known = {k: v for k, v in filters.items() if k in BudgetLineFilterSet.base_filters}
        summary = selectors.budget_line_summary(
            user=request.user, filters=known or None, group_by=group_by
        )
        fmt = self.export_format()
        if fmt:
            return self._summary_export(summary, group_by, fmt)
        return Response(
            {
                "group_by": group_by,
                "rows": [
                    {
                        "key": row.key,
                        "label": row.label,
                        "pagu": f"{row.pagu:.2f}",
                        "realisasi": f"{row.realisasi:.2f}",
                        "serapan": _text(_serapan(row.serapan)),
                        "lines": row.lines,
                    }
                    for row in summary.rows
                ],
                "totals": {
                    "pagu": f"{summary.pagu:.2f}",
                    "realisasi": f"{summary.realisasi:.2f}",
                    "serapan": _text(_serapan(summary.serapan)),
                    "lines": summary.lines,
                },
            }
        )

    def _summary_export(self, summary, group_by, fmt):
        columns = [Column(f"key_{k}", k.upper()) for k in group_by] + [
            Column("label", "KELOMPOK"),
            Column("pagu", "PAGU", "money"),
            Column("realisasi", "REALISASI", "money"),
            Column("serapan", "SERAPAN", "percent"),
            Column("lines", "JUMLAH BARIS", "number"),
        ]
        rows = [
            {
                **{f"key_{k}": row.key[k] for k in group_by},
                "label": row.label,
                "pagu": services.money(row.pagu),
                "realisasi": services.money(row.realisasi),
                "serapan": _serapan(row.serapan),
                "lines": row.lines,
            }
            for row in summary.rows
        ]
        totals = {
            "label": _("Jumlah"),
            "pagu": services.money(summary.pagu),
            "realisasi": services.money(summary.realisasi),
            "serapan": _serapan(summary.serapan),
            "lines": summary.lines,
        }
        return export_response(
            fmt=fmt,
            title=_("Ringkasan anggaran"),
            columns=columns,
            rows=rows,
            filters=self.applied_filters(),
            user=self.request.user,
            totals=totals,
            filename="ringkasan-anggaran",
        )


def _text(value):
    return None if value is None else f"{value}"


# --- tags ---------------------------------------------------------------------


class TagSerializer(serializers.ModelSerializer):
    pillar = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    strategy = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sub_kegiatan = serializers.CharField(
        source="sub_kegiatan.code", read_only=True, allow_null=True
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Tag
        fields = [
            "id", "budget_line", "fiscal_year", "sub_kegiatan", "pillar", "strategy",
            "label", "source", "basis", "reason", "import_batch", "created_by",
            "is_demo", "created_at",
        ]
        read_only_fields = fields


class TagCreateSerializer(serializers.Serializer):
    budget_lines = ScopedPrimaryKeyRelatedField(
        queryset=BudgetLine.objects.all(), many=True, allow_empty=False,
        help_text=gettext_lazy("Id baris anggaran yang ditandai. / Budget line ids."),
    )
    pillar = ScopedSlugRelatedField(
        slug_field="code", queryset=Pillar.objects.all(), required=False, allow_null=True
    )
    strategy = ScopedSlugRelatedField(
        slug_field="code", queryset=Strategy.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=1000)
    basis = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate_budget_lines(self, value):
        if len(value) > 5000:
            raise serializers.ValidationError(_("Paling banyak 5000 baris sekali tandai."))
        return value

    def validate(self, attrs):
        if not attrs.get("pillar") and not attrs.get("strategy"):
            raise serializers.ValidationError(
                _("Pilih pilar atau strategi untuk penandaan.")
            )
        return attrs


class TagResultSerializer(serializers.Serializer):
    tagged = serializers.IntegerField(help_text="Jumlah baris ditandai. / Lines tagged.")


class TagViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, PortalViewSet):
    """Tag baris anggaran ke pilar dan/atau strategi Inpres 4/2022, dengan sumber
    (impor, manual, aturan) dan dasar hukumnya. Koordinator menandai baris di
    wilayahnya dengan alasan (POST) dan menghapus tag manual (DELETE); tag hasil
    impor hanya hilang bila impornya dibatalkan.

    Tags of budget lines to a pillar and/or an Inpres 4/2022 strategy, with their
    source and legal basis. Coordinators tag lines in their region with a reason
    (POST) and delete hand tags (DELETE); imported tags go only when their import
    is rolled back."""

    serializer_class = TagSerializer
    filterset_class = TagFilterSet
    ordering_fields = ["id", "created_at", "source"]
    ordering = ["-created_at", "-id"]
    region_path = "budget_line.region_id"
    doc_name = ("tag", "tags")
    export_title = "Tag baris anggaran"

    def queryset_for(self, user):
        root = access.access_for(user).read_root
        visible = access.readable_q(user, field="budget_line__region__code")
        if root == access.ALL:
            visible = Q()
        elif root is not None:
            # Tags of a sub kegiatan for a year (no line): those of imports the
            # user may read, and those not tied to any import.
            visible |= Q(budget_line__isnull=True) & (
                access.readable_q(user, field="import_batch__region__code")
                | Q(import_batch__isnull=True)
            )
        return Tag.objects.filter(visible).select_related(
            "pillar", "strategy", "sub_kegiatan", "created_by"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return TagCreateSerializer
        return TagSerializer

    @extend_schema(request=TagCreateSerializer, responses={201: TagResultSerializer})
    def create(self, request, *args, **kwargs):
        serializer = TagCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = BudgetLine.objects.filter(pk__in=[line.pk for line in data["budget_lines"]])
        tagged = services.budget_lines_tag(
            user=request.user,
            lines=lines,
            pillar=data.get("pillar"),
            strategy=data.get("strategy"),
            reason=data["reason"],
            basis=data.get("basis") or None,
        )
        return Response({"tagged": tagged}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if instance.source != TagSource.PERSON:
            raise exceptions.PermissionDenied(
                _("Tag hasil impor hanya hilang bila impornya dibatalkan.")
            )
        services.tag_delete(user=self.request.user, tag=instance)
