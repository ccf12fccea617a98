"""API policy classes named in ``REST_FRAMEWORK`` settings.

Kept apart from ``config.api_common`` (viewsets, fields): DRF imports these
while it is itself being imported, so this module must not import DRF views.
"""

from rest_framework import permissions
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions import access

MAX_PAGE_SIZE = 500


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = gettext_lazy(
        "Jumlah baris per halaman (paling banyak 500). / Rows per page (at most 500)."
    )
    page_query_description = gettext_lazy("Nomor halaman. / Page number.")
    invalid_page_message = gettext_lazy(
        "Halaman tidak ada: nomor halaman melewati halaman terakhir atau bukan angka."
    )


class PortalPermission(permissions.IsAuthenticated):
    """Read within scope for every role; write only for roles that may change."""

    message = gettext_lazy("Anda tidak berwenang melakukan tindakan ini.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "read_only_for_everyone", False):
            return False
        if not access.can_change_anything(request.user):
            self.message = _(
                "Peran Anda hanya boleh membaca data. Perubahan dilakukan oleh "
                "koordinator wilayah atau admin."
            )
            return False
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        region = view.region_code_of(obj)
        if not access.can_change(request.user, region):
            self.message = _(
                "Anda tidak berwenang mengubah data wilayah %(code)s."
            ) % {"code": region or "-"}
            return False
        return True


class PortalOrderingFilter(OrderingFilter):
    """``?ordering=`` among the view's ``ordering_fields``, always ending on the id
    so pages never overlap or skip rows."""

    ordering_description = gettext_lazy(
        "Urutan: nama kolom, awali '-' untuk menurun, pisahkan dengan koma. / "
        "Ordering: field names, '-' for descending, comma separated."
    )

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(o.lstrip("-") in ("pk", "id") for o in ordering):
            ordering.append("pk")
        return ordering
