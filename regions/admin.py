from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from audit.admin_mixins import ScopedAuditedAdmin

from .models import Region, UserScope


@admin.register(Region)
class RegionAdmin(ScopedAuditedAdmin):
    region_field = "code"
    list_display = ("code", "name", "level", "population", "area_km2")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


class UserScopeInline(admin.StackedInline):
    model = UserScope
    can_delete = False
    autocomplete_fields = ("region",)


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(BaseUserAdmin):
    inlines = [UserScopeInline]
    list_display = ("username", "get_full_name", "scope_role", "scope_region", "is_active")
    list_select_related = ("scope", "scope__region")
    list_filter = ("is_active", "scope__role")

    @admin.display(description="Peran")
    def scope_role(self, obj):
        return getattr(getattr(obj, "scope", None), "role", "")

    @admin.display(description="Wilayah")
    def scope_region(self, obj):
        return getattr(getattr(obj, "scope", None), "region_id", "")


@admin.register(UserScope)
class UserScopeAdmin(ScopedAuditedAdmin):
    list_display = ("user", "role", "region")
    list_filter = ("role",)
    search_fields = ("user__username", "region__name", "region__code")
    autocomplete_fields = ("region",)
