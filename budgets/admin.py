from django.contrib import admin

from audit.admin_mixins import ScopedAuditedAdmin

from .models import (
    Account,
    BudgetLine,
    FundingSource,
    ImportBatch,
    Nomenclature,
    Tag,
    Unit,
)


@admin.register(Nomenclature)
class NomenclatureAdmin(ScopedAuditedAdmin):
    region_field = None
    list_display = ("fiscal_year", "level", "code", "name")
    list_filter = ("fiscal_year", "level")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Unit)
class UnitAdmin(ScopedAuditedAdmin):
    list_display = ("code", "name", "kind", "region", "parent", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("code", "name", "short_name", "region__name")
    raw_id_fields = ("region", "parent")


@admin.register(FundingSource)
class FundingSourceAdmin(ScopedAuditedAdmin):
    region_field = None
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Account)
class AccountAdmin(ScopedAuditedAdmin):
    region_field = None
    list_display = ("code", "name", "group")
    list_filter = ("group",)
    search_fields = ("code", "name")


class TagInline(admin.TabularInline):
    model = Tag
    extra = 0
    fields = ("source", "pillar", "strategy", "label", "basis", "reason", "created_by")
    readonly_fields = ("created_by",)
    fk_name = "budget_line"


@admin.register(BudgetLine)
class BudgetLineAdmin(ScopedAuditedAdmin):
    list_display = (
        "fiscal_year", "stage", "region", "unit", "sub_kegiatan", "account", "pagu",
        "realisasi", "pillar", "origin", "is_demo",
    )
    list_filter = ("fiscal_year", "stage", "origin", "pillar", "strategy", "is_demo")
    search_fields = ("sub_kegiatan__code", "sub_kegiatan__name", "unit__name", "account__code")
    list_select_related = ("region", "unit", "sub_kegiatan", "account", "pillar")
    raw_id_fields = (
        "region", "unit", "sub_unit", "sub_kegiatan", "funding_source", "account",
        "import_batch", "entered_by",
    )
    inlines = [TagInline]


@admin.register(Tag)
class TagAdmin(ScopedAuditedAdmin):
    region_field = "budget_line__region__code"
    list_display = ("budget_line", "pillar", "strategy", "label", "source", "basis", "created_at")
    list_filter = ("source", "pillar", "strategy")
    search_fields = ("label", "reason", "budget_line__sub_kegiatan__code")
    raw_id_fields = ("budget_line", "sub_kegiatan", "import_batch", "created_by")


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAuditedAdmin):
    list_display = (
        "id", "original_name", "region", "kind", "fiscal_year", "status", "rows",
        "created", "updated", "uploaded_by", "created_at",
    )
    list_filter = ("status", "kind", "fiscal_year")
    search_fields = ("original_name", "sha256", "uploaded_by__username")
    raw_id_fields = ("region", "uploaded_by", "committed_by", "rolled_back_by")
    readonly_fields = ("sha256", "size", "errors", "warnings", "preview")
