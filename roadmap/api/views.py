"""Roadmaps, actions, obstacles, Rakor meetings and decisions in the API.

Every write goes through ``roadmap.services`` (access rule, validation, change
record). Foreign keys in input resolve only among objects the user may read;
the services then check they belong to the record's region.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.utils.translation import gettext, gettext_lazy

from budgets.models import Unit
from config.api_common import (
    PortalViewSet,
    RegionField,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    refuse_region_move,
)
from programs.models import Intervention, Pillar, Strategy
from regions import access
from roadmap import services
from roadmap.filters import (
    DecisionFilterSet,
    MeetingFilterSet,
    ObstacleFilterSet,
    RoadmapActionFilterSet,
    RoadmapFilterSet,
)
from roadmap.models import Decision, Meeting, Obstacle, Roadmap, RoadmapAction

_REASON = {
    "write_only": True,
    "required": False,
    "allow_blank": True,
    "max_length": 1000,
    "help_text": gettext_lazy("Alasan perubahan (riwayat). / Reason, for the history."),
}
_YEAR = {"min_value": 2000, "max_value": 2100}


def _pop_reason(data: dict) -> str:
    return data.pop("reason", "")


def _refuse_move(data: dict, instance, field: str, message: str) -> None:
    """A child record stays with its parent: pointing it at another is refused."""
    parent = data.pop(field, None)
    if parent is not None and parent.pk != getattr(instance, f"{field}_id"):
        raise serializers.ValidationError({field: [message]})


class _WriteViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    PortalViewSet,
):
    pass


class _RegionOwnedWrites:
    """Create, update and delete of a record that belongs to one region, through
    its ``roadmap.services`` functions: ``<service>_create(region_code=...)``,
    ``<service>_update(<service>=obj)``, ``<service>_delete(<service>=obj)``."""

    service: str  # e.g. "obstacle"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        region = data.pop("region")
        obj = getattr(services, f"{self.service}_create")(
            user=self.request.user, region_code=region.pk, reason=_pop_reason(data), **data
        )
        serializer.instance = self.refreshed(obj)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        refuse_region_move(serializer.instance, data.pop("region", None))
        obj = getattr(services, f"{self.service}_update")(
            user=self.request.user, reason=_pop_reason(data),
            **{self.service: serializer.instance}, **data,
        )
        serializer.instance = self.refreshed(obj)

    def perform_destroy(self, instance):
        getattr(services, f"{self.service}_delete")(
            user=self.request.user, **{self.service: instance}
        )


# --- roadmaps -------------------------------------------------------------------


class RoadmapSerializer(serializers.ModelSerializer):
    region = RegionField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    action_count = serializers.IntegerField(source="_action_count", read_only=True)
    reason = serializers.CharField(**_REASON)

    class Meta:
        model = Roadmap
        fields = [
            "id", "region", "region_name", "fiscal_year", "title", "policy_direction",
            "action_count", "is_demo", "created_at", "updated_at", "reason",
        ]
        read_only_fields = ["id", "is_demo", "created_at", "updated_at"]
        extra_kwargs = {"fiscal_year": _YEAR}
        # The one-roadmap-per-region-and-year rule is checked by the service
        # (full_clean), with its own message.
        validators = []


class RoadmapViewSet(
    _RegionOwnedWrites,
    mixins.CreateModelMixin, mixins.UpdateModelMixin, PortalViewSet
):
    """Peta jalan intervensi satu wilayah untuk satu tahun (satu per wilayah dan
    tahun). Tidak dapat dihapus lewat API: aksinya adalah riwayat koordinasi.

    The intervention roadmap of a region for one year (one per region and year).
    Not deletable through the API: its actions are the coordination record."""

    service = "roadmap"
    serializer_class = RoadmapSerializer
    filterset_class = RoadmapFilterSet
    ordering_fields = ["id", "fiscal_year", "region_id", "title", "updated_at"]
    ordering = ["-fiscal_year", "region_id", "id"]
    doc_name = ("peta jalan", "roadmaps")
    export_title = "Peta jalan"

    def queryset_for(self, user):
        from django.db.models import Count

        return (
            Roadmap.objects.filter(access.readable_q(user))
            .select_related("region")
            .annotate(_action_count=Count("actions"))
        )



# --- actions --------------------------------------------------------------------


class RoadmapActionSerializer(serializers.ModelSerializer):
    roadmap = ScopedPrimaryKeyRelatedField(queryset=Roadmap.objects.all())
    region = serializers.CharField(source="roadmap.region_id", read_only=True)
    pillar = ScopedSlugRelatedField(
        slug_field="code", queryset=Pillar.objects.all(), required=False, allow_null=True
    )
    strategy = ScopedSlugRelatedField(
        slug_field="code", queryset=Strategy.objects.all(), required=False, allow_null=True
    )
    owner_unit = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    owner_unit_name = serializers.CharField(
        source="owner_unit.name", read_only=True, allow_null=True
    )
    partner_units = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False
    )
    decision = ScopedPrimaryKeyRelatedField(
        queryset=Decision.objects.all(), scope_field="meeting__region__code",
        required=False, allow_null=True,
    )
    effective_status = serializers.SerializerMethodField(
        help_text="Status tampil: 'terlambat' bila belum selesai melewati triwulan "
        "target. / Shown status: late when past its quarter."
    )
    due_date = serializers.DateField(read_only=True)
    reason = serializers.CharField(**_REASON)

    class Meta:
        model = RoadmapAction
        fields = [
            "id", "roadmap", "region", "title", "description", "pillar", "strategy",
            "owner_unit", "owner_unit_name", "partner_units", "target_year",
            "target_quarter", "status", "effective_status", "due_date", "progress",
            "progress_notes", "decision", "completed_at", "is_demo", "created_at",
            "updated_at", "reason",
        ]
        read_only_fields = ["id", "completed_at", "is_demo", "created_at", "updated_at"]
        extra_kwargs = {
            "target_year": {**_YEAR, "required": False},
            "target_quarter": {"min_value": 1, "max_value": 4},
            "progress": {"min_value": 0, "max_value": 100},
        }

    def get_effective_status(self, obj) -> str:
        return obj.effective_status()


class RoadmapActionViewSet(_WriteViewSet):
    """Aksi peta jalan: OPD penanggung jawab, triwulan target, status dan kemajuan.
    'Terlambat' dihitung, tidak diisi.

    Roadmap actions: owner agency, target quarter, status and progress. 'Late'
    is computed, never typed."""

    serializer_class = RoadmapActionSerializer
    filterset_class = RoadmapActionFilterSet
    ordering_fields = [
        "id", "roadmap_id", "target_year", "target_quarter", "status", "progress",
        "title", "updated_at",
    ]
    ordering = ["roadmap_id", "target_year", "target_quarter", "id"]
    region_path = "roadmap.region_id"
    doc_name = ("aksi peta jalan", "roadmap actions")
    export_title = "Aksi peta jalan"

    def queryset_for(self, user):
        return (
            RoadmapAction.objects.filter(access.readable_q(user, field="roadmap__region__code"))
            .select_related("roadmap", "pillar", "strategy", "owner_unit")
            .prefetch_related("partner_units")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        roadmap = data.pop("roadmap")
        action_obj = services.action_create(
            user=self.request.user, roadmap=roadmap, reason=_pop_reason(data), **data
        )
        serializer.instance = self.refreshed(action_obj)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        _refuse_move(
            data, serializer.instance, "roadmap",
            gettext("Aksi tidak dapat dipindah ke peta jalan lain."),
        )
        action_obj = services.action_update(
            user=self.request.user, action=serializer.instance,
            reason=_pop_reason(data), **data,
        )
        serializer.instance = self.refreshed(action_obj)

    def perform_destroy(self, instance):
        services.action_delete(user=self.request.user, action=instance)


# --- obstacles --------------------------------------------------------------------


class ObstacleSerializer(serializers.ModelSerializer):
    region = RegionField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    action = ScopedPrimaryKeyRelatedField(
        queryset=RoadmapAction.objects.all(), scope_field="roadmap__region__code",
        required=False, allow_null=True,
    )
    intervention = ScopedPrimaryKeyRelatedField(
        queryset=Intervention.objects.all(), required=False, allow_null=True
    )
    responsible_unit = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    decision = ScopedPrimaryKeyRelatedField(
        queryset=Decision.objects.all(), scope_field="meeting__region__code",
        required=False, allow_null=True,
    )
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    reason = serializers.CharField(**_REASON)

    class Meta:
        model = Obstacle
        fields = [
            "id", "region", "region_name", "fiscal_year", "title", "description",
            "category", "action", "intervention", "responsible", "responsible_unit",
            "status", "resolution", "resolved_at", "decision", "raised_by", "is_demo",
            "created_at", "updated_at", "reason",
        ]
        read_only_fields = ["id", "resolved_at", "is_demo", "created_at", "updated_at"]
        extra_kwargs = {"fiscal_year": _YEAR}


class ObstacleViewSet(_RegionOwnedWrites, _WriteViewSet):
    service = "obstacle"
    """Hambatan dan kendala yang diajukan wilayah, dengan aksi atau intervensi yang
    terhambat, pihak yang harus bertindak, dan penyelesaiannya.

    Obstacles and constraints raised by a region, with the blocked action or
    intervention, who must act, and how it was resolved."""

    serializer_class = ObstacleSerializer
    filterset_class = ObstacleFilterSet
    ordering_fields = [
        "id", "created_at", "updated_at", "fiscal_year", "region_id", "status",
        "category", "title",
    ]
    ordering = ["-created_at", "-id"]
    doc_name = ("hambatan dan kendala", "obstacles")
    export_title = "Hambatan dan kendala"

    def queryset_for(self, user):
        return Obstacle.objects.filter(access.readable_q(user)).select_related(
            "region", "raised_by"
        )



# --- meetings and decisions --------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):
    meeting = ScopedPrimaryKeyRelatedField(queryset=Meeting.objects.all())
    reason = serializers.CharField(**_REASON)

    class Meta:
        model = Decision
        fields = [
            "id", "meeting", "text", "responsible", "due_date", "follow_up_status",
            "follow_up_notes", "is_demo", "reason",
        ]
        read_only_fields = ["id", "is_demo"]


class NestedDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id", "text", "responsible", "due_date", "follow_up_status",
            "follow_up_notes", "is_demo",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    region = RegionField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    decisions = NestedDecisionSerializer(many=True, read_only=True)
    minutes_url = serializers.SerializerMethodField()
    reason = serializers.CharField(**_REASON)

    class Meta:
        model = Meeting
        fields = [
            "id", "region", "region_name", "title", "date", "place", "participants",
            "summary", "minutes_name", "minutes_url", "decisions", "is_demo",
            "created_at", "updated_at", "reason",
        ]
        read_only_fields = ["id", "minutes_name", "is_demo", "created_at", "updated_at"]

    def get_minutes_url(self, obj) -> str | None:
        return obj.minutes.url if obj.minutes else None


class MeetingViewSet(_RegionOwnedWrites, _WriteViewSet):
    service = "meeting"
    """Rapat koordinasi (Rakor) beserta keputusannya. Keputusan ditulis lewat
    `/api/v1/decisions/`; notulen diunggah di halaman Rakor.

    Coordination meetings (Rakor) with their decisions. Decisions are written
    through `/api/v1/decisions/`; minutes are uploaded on the Rakor page."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    ordering_fields = ["id", "date", "region_id", "title", "updated_at"]
    ordering = ["-date", "-id"]
    doc_name = ("rapat koordinasi", "coordination meetings")
    export_title = "Rapat koordinasi"
    export_exclude = ("decisions", "minutes_url")

    def queryset_for(self, user):
        return (
            Meeting.objects.filter(access.readable_q(user))
            .select_related("region")
            .prefetch_related("decisions")
        )



class DecisionToActionSerializer(serializers.Serializer):
    roadmap = ScopedPrimaryKeyRelatedField(queryset=Roadmap.objects.all())
    target_quarter = serializers.IntegerField(min_value=1, max_value=4)
    owner_unit = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )


class DecisionViewSet(_WriteViewSet):
    """Keputusan Rakor dan tindak lanjutnya; `to-action` menjadikannya aksi peta jalan.

    Rakor decisions and their follow-up; `to-action` turns one into a roadmap
    action."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilterSet
    ordering_fields = ["id", "meeting_id", "due_date", "follow_up_status"]
    ordering = ["meeting_id", "id"]
    region_path = "meeting.region_id"
    doc_name = ("keputusan rapat", "meeting decisions")
    export_title = "Keputusan rapat"

    def queryset_for(self, user):
        return Decision.objects.filter(
            access.readable_q(user, field="meeting__region__code")
        ).select_related("meeting")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        meeting = data.pop("meeting")
        decision = services.decision_create(
            user=self.request.user, meeting=meeting, reason=_pop_reason(data), **data
        )
        serializer.instance = self.refreshed(decision)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        _refuse_move(
            data, serializer.instance, "meeting",
            gettext("Keputusan tidak dapat dipindah ke rapat lain."),
        )
        decision = services.decision_update(
            user=self.request.user, decision=serializer.instance,
            reason=_pop_reason(data), **data,
        )
        serializer.instance = self.refreshed(decision)

    def perform_destroy(self, instance):
        services.decision_delete(user=self.request.user, decision=instance)

    @extend_schema(
        summary="Jadikan aksi peta jalan / Turn into a roadmap action",
        description=(
            "Membuat aksi peta jalan yang melacak tindak lanjut keputusan ini. / "
            "Creates a roadmap action that tracks this decision's follow-up."
        ),
        request=DecisionToActionSerializer,
        responses={201: RoadmapActionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="to-action")
    def to_action(self, request, pk=None):
        decision = self.get_object()
        body = DecisionToActionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        created = services.decision_to_action(
            user=request.user, decision=decision, **body.validated_data
        )
        created = RoadmapActionViewSet.queryset_for(self, request.user).get(pk=created.pk)
        return Response(
            RoadmapActionSerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
