from django.contrib import admin

from audit.admin_mixins import ScopedAuditedAdmin

from .models import (
    Decision,
    Meeting,
    Obstacle,
    QuarterSubmission,
    Roadmap,
    RoadmapAction,
    VerificationEvent,
)


class ActionInline(admin.TabularInline):
    model = RoadmapAction
    extra = 0
    fields = ("title", "owner_unit", "target_year", "target_quarter", "status", "progress")
    raw_id_fields = ("owner_unit",)


@admin.register(Roadmap)
class RoadmapAdmin(ScopedAuditedAdmin):
    list_display = ("title", "region", "fiscal_year", "is_demo")
    list_filter = ("fiscal_year", "is_demo")
    search_fields = ("title", "policy_direction", "region__name")
    raw_id_fields = ("region",)
    inlines = [ActionInline]


@admin.register(RoadmapAction)
class RoadmapActionAdmin(ScopedAuditedAdmin):
    region_field = "roadmap__region__code"
    list_display = ("title", "roadmap", "target_year", "target_quarter", "status", "progress")
    list_filter = ("status", "target_year", "target_quarter")
    search_fields = ("title", "description", "progress_notes")
    raw_id_fields = ("roadmap", "owner_unit", "decision")
    filter_horizontal = ("partner_units",)


@admin.register(Obstacle)
class ObstacleAdmin(ScopedAuditedAdmin):
    list_display = ("title", "region", "category", "status", "fiscal_year", "is_demo")
    list_filter = ("category", "status", "fiscal_year", "is_demo")
    search_fields = ("title", "description", "resolution", "region__name")
    raw_id_fields = ("region", "action", "intervention", "responsible_unit", "decision", "raised_by")


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ScopedAuditedAdmin):
    list_display = ("title", "date", "place", "region", "is_demo")
    list_filter = ("is_demo",)
    date_hierarchy = "date"
    search_fields = ("title", "place", "participants", "summary")
    raw_id_fields = ("region",)
    inlines = [DecisionInline]


@admin.register(Decision)
class DecisionAdmin(ScopedAuditedAdmin):
    region_field = "meeting__region__code"
    list_display = ("text", "meeting", "responsible", "due_date", "follow_up_status")
    list_filter = ("follow_up_status",)
    search_fields = ("text", "responsible", "follow_up_notes")
    raw_id_fields = ("meeting",)


class VerificationEventInline(admin.TabularInline):
    model = VerificationEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "username", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarterSubmission)
class QuarterSubmissionAdmin(ScopedAuditedAdmin):
    """Read-only: state changes go through the verification pages (and their record)."""

    list_display = ("region", "fiscal_year", "quarter", "status", "verified_at")
    list_filter = ("fiscal_year", "quarter", "status")
    readonly_fields = ("region", "fiscal_year", "quarter", "status", "verified_at",
                       "verified_totals")
    inlines = [VerificationEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
