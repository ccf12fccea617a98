from django.contrib import admin

from audit.admin_mixins import ScopedAuditedAdmin

from .models import Intervention, InterventionProgress, Pillar, Strategy, StrategyFocus


@admin.register(Pillar, StrategyFocus, Strategy)
class ReferenceAdmin(ScopedAuditedAdmin):
    region_field = None
    list_display = ("order", "code", "name", "name_en", "basis")
    list_display_links = ("code", "name")
    search_fields = ("code", "name", "name_en")


class ProgressInline(admin.TabularInline):
    model = InterventionProgress
    extra = 0


@admin.register(Intervention)
class InterventionAdmin(ScopedAuditedAdmin):
    list_display = ("name", "region", "fiscal_year", "pillar", "strategy", "status", "is_demo")
    list_filter = ("fiscal_year", "status", "pillar", "strategy", "is_demo")
    search_fields = ("name", "description", "target_group", "region__name")
    raw_id_fields = ("region", "lead_unit", "created_by")
    filter_horizontal = ("partner_units",)
    autocomplete_fields = ("target_regions",)
    readonly_fields = ("budget_lines",)
    inlines = [ProgressInline]
