from django.contrib import admin

from regions import access

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """The record is read-only: nobody edits or deletes it from the application."""

    list_display = ("created_at", "username", "action", "model", "object_repr", "region_code", "via")
    list_filter = ("action", "via", "model")
    search_fields = ("username", "object_repr", "object_id", "reason", "region_code")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditRecord._meta.fields]

    def has_module_permission(self, request):
        return access.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
