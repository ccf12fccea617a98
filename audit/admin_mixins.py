"""Admin behaviour shared by every app: the access rule and the change record."""

from django.contrib import admin

from regions import access

from .models import AuditAction
from .services import audit_record, snapshot


class ScopedAuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin that shows only rows in the user's read scope, allows
    changes only where the access rule allows them, and records every write."""

    region_field: str | None = "region__code"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.region_field is None:
            return qs
        return qs.filter(access.readable_q(request.user, field=self.region_field))

    def _region_of(self, obj):
        if obj is None or self.region_field is None:
            return None
        value = obj
        for part in self.region_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def has_module_permission(self, request):
        return access.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_add_permission(self, request):
        return access.is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        if not access.is_admin(request.user):
            return False
        if obj is not None and self._locked(obj):
            return False
        return obj is None or self.region_field is None or access.can_change(
            request.user, self._region_of(obj)
        )

    def _locked(self, obj) -> bool:
        """A record a submitted or verified quarter locks is read-only here too."""
        from roadmap.locks import instance_lock

        return obj.pk is not None and instance_lock(obj) is not None

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            before = snapshot(type(obj).objects.get(pk=obj.pk), m2m=False)
        super().save_model(request, obj, form, change)
        audit_record(
            user=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            instance=obj,
            before=before,
            after=snapshot(obj, m2m=False),
            reason=request.POST.get("_reason", ""),
        )

    def delete_model(self, request, obj):
        audit_record(
            user=request.user, action=AuditAction.DELETE, instance=obj,
            before=snapshot(obj, m2m=False),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
