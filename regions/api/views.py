"""Regions in the API: read-only, identified by their Kemendagri code."""

from rest_framework import serializers

from config.api_common import PortalViewSet
from regions import access
from regions.filters import RegionFilterSet
from regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "population", "area_km2"]
        read_only_fields = fields


class RegionViewSet(PortalViewSet):
    """Wilayah Kemendagri (provinsi sampai desa); kode adalah identitasnya.
    Hanya baca: admin mengubahnya di halaman Admin.

    Kemendagri regions (province to village), identified by code. Read-only:
    admins edit them in the admin site."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "name", "level", "population"]
    ordering = ["code"]
    lookup_field = "code"
    lookup_value_regex = r"\d{2}(?:\.\d{2}){0,2}(?:\.\d{4})?"
    region_path = "code"
    read_only_for_everyone = True
    doc_name = ("wilayah", "regions")
    export_title = "Wilayah"

    def queryset_for(self, user):
        return Region.objects.filter(access.readable_q(user, field="code"))
