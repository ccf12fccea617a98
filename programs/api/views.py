"""Pillars, strategies and interventions in the API.

Pillars, strategy focuses and strategies are reference data (read-only; admins
edit them). Interventions are written through ``programs.services``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from django.utils.translation import gettext_lazy

from budgets.models import BudgetLine, Unit
from config.api_common import (
    PortalViewSet,
    RegionField,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    refuse_region_move,
)
from programs import services
from programs.filters import (
    InterventionFilterSet,
    PillarFilterSet,
    StrategyFilterSet,
    StrategyFocusFilterSet,
)
from programs.models import Intervention, Pillar, Strategy, StrategyFocus
from regions import access

REFERENCE_FIELDS = ["id", "code", "name", "name_en", "description", "basis", "order"]


class PillarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pillar
        fields = REFERENCE_FIELDS
        read_only_fields = fields


class StrategySerializer(serializers.ModelSerializer):
    class Meta:
        model = Strategy
        fields = REFERENCE_FIELDS
        read_only_fields = fields


class StrategyFocusSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategyFocus
        fields = REFERENCE_FIELDS
        read_only_fields = fields


class _ReferenceViewSet(PortalViewSet):
    ordering_fields = ["id", "order", "code", "name"]
    ordering = ["order", "code"]
    read_only_for_everyone = True
    region_path = None
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    model = None

    def queryset_for(self, user):
        if access.access_for(user).read_root is None:
            return self.model.objects.none()
        return self.model.objects.all()


class PillarViewSet(_ReferenceViewSet):
    """Tiga pilar program yang langsung menyasar warga miskin (kode sebagai id).

    The three pillars of programs aimed directly at the poor (code as id)."""

    model = Pillar
    serializer_class = PillarSerializer
    filterset_class = PillarFilterSet
    doc_name = ("pilar", "pillars")
    export_title = "Pilar"


class StrategyViewSet(_ReferenceViewSet):
    """Tiga strategi Inpres 4/2022 (kode sebagai id).

    The three strategies of Inpres 4/2022 (code as id)."""

    model = Strategy
    serializer_class = StrategySerializer
    filterset_class = StrategyFilterSet
    doc_name = ("strategi", "strategies")
    export_title = "Strategi"


class StrategyFocusViewSet(_ReferenceViewSet):
    """Dua fokus strategi: melindungi yang miskin sementara, memberdayakan yang
    miskin kronis (kode sebagai id).

    The two strategy focuses (code as id)."""

    model = StrategyFocus
    serializer_class = StrategyFocusSerializer
    filterset_class = StrategyFocusFilterSet
    doc_name = ("fokus strategi", "strategy focuses")
    export_title = "Fokus strategi"


_REASON = {
    "write_only": True,
    "required": False,
    "allow_blank": True,
    "max_length": 1000,
    "help_text": gettext_lazy("Alasan perubahan (riwayat). / Reason, for the history."),
}


class InterventionSerializer(serializers.ModelSerializer):
    region = RegionField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    pillar = ScopedSlugRelatedField(
        slug_field="code", queryset=Pillar.objects.all(), required=False, allow_null=True
    )
    strategy = ScopedSlugRelatedField(
        slug_field="code", queryset=Strategy.objects.all(), required=False, allow_null=True
    )
    focus = ScopedSlugRelatedField(
        slug_field="code", queryset=StrategyFocus.objects.all(), required=False,
        allow_null=True,
    )
    lead_unit = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    lead_unit_name = serializers.CharField(
        source="lead_unit.name", read_only=True, allow_null=True
    )
    partner_units = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False
    )
    target_regions = RegionField(many=True, required=False)
    budget_lines = ScopedPrimaryKeyRelatedField(
        queryset=BudgetLine.objects.all(), many=True, required=False
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    reason = serializers.CharField(**_REASON)

    class Meta:
        model = Intervention
        fields = [
            "id", "region", "region_name", "fiscal_year", "name", "description",
            "pillar", "strategy", "focus", "lead_unit", "lead_unit_name",
            "partner_units", "target_regions", "target_group", "beneficiaries_target",
            "beneficiaries_reached", "start_date", "end_date", "status", "budget_lines",
            "is_demo", "created_by", "created_at", "updated_at", "reason",
        ]
        read_only_fields = ["id", "is_demo", "created_at", "updated_at"]
        extra_kwargs = {
            "fiscal_year": {"min_value": 2000, "max_value": 2100},
            "beneficiaries_target": {"max_value": 2_000_000_000},
            "beneficiaries_reached": {"max_value": 2_000_000_000},
        }


class InterventionCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class InterventionProgressSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    reached = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class InterventionViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    PortalViewSet,
):
    """Intervensi penanggulangan kemiskinan suatu wilayah: OPD pengampu dan mitra,
    sasaran, penerima manfaat, anggaran terkait. Unit, wilayah sasaran dan baris
    anggaran yang dirujuk harus berada di wilayah intervensi.

    Poverty interventions of a region: lead and partner agencies, targets,
    beneficiaries, linked budget lines. Referenced units, target regions and
    budget lines must lie in the intervention's region."""

    serializer_class = InterventionSerializer
    filterset_class = InterventionFilterSet
    ordering_fields = [
        "id", "fiscal_year", "region_id", "name", "status", "start_date", "end_date",
        "beneficiaries_target", "beneficiaries_reached", "updated_at",
    ]
    ordering = ["-fiscal_year", "region_id", "name", "id"]
    doc_name = ("intervensi", "interventions")
    export_title = "Intervensi"

    def queryset_for(self, user):
        return (
            Intervention.objects.filter(access.readable_q(user))
            .select_related("region", "pillar", "strategy", "focus", "lead_unit", "created_by")
            .prefetch_related("partner_units", "target_regions", "budget_lines")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        region = data.pop("region")
        reason = data.pop("reason", "")
        intervention = services.intervention_create(
            user=self.request.user, region_code=region.pk, reason=reason, **data
        )
        serializer.instance = self.refreshed(intervention)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        refuse_region_move(serializer.instance, data.pop("region", None))
        intervention = services.intervention_update(
            user=self.request.user, intervention=serializer.instance, reason=reason, **data
        )
        serializer.instance = self.refreshed(intervention)

    def perform_destroy(self, instance):
        services.intervention_delete(user=self.request.user, intervention=instance)

    @extend_schema(
        summary="Tutup intervensi / Close an intervention",
        description="Menandai intervensi selesai. / Marks the intervention closed.",
        request=InterventionCloseSerializer,
        responses={200: InterventionSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        intervention = self.get_object()
        body = InterventionCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.intervention_close(
            user=request.user, intervention=intervention,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(self.refreshed(intervention)).data)

    @extend_schema(
        summary="Capaian triwulan / Quarterly progress",
        description=(
            "Mencatat penerima manfaat tercapai pada satu triwulan; total tercapai "
            "mengikuti. / Records beneficiaries reached in a quarter; the total follows."
        ),
        request=InterventionProgressSerializer,
        responses={200: InterventionSerializer},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        intervention = self.get_object()
        body = InterventionProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.intervention_progress_set(
            user=request.user, intervention=intervention, **body.validated_data
        )
        return Response(self.get_serializer(self.refreshed(intervention)).data)
