"""Budget reference data in the API: units, nomenclature, funding sources and
accounts. Read-only: imports and admins maintain them."""

from rest_framework import serializers

from budgets.filters import (
    AccountFilterSet,
    FundingSourceFilterSet,
    NomenclatureFilterSet,
    UnitFilterSet,
)
from budgets.models import Account, FundingSource, Nomenclature, Unit
from config.api_common import PortalViewSet, RegionField
from regions import access


def _reference_qs(user, queryset):
    """Reference data is visible to every user with a read scope, to nobody else."""
    if access.access_for(user).read_root is None:
        return queryset.none()
    return queryset


class UnitSerializer(serializers.ModelSerializer):
    region = RegionField(read_only=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "region", "code", "name", "short_name", "kind", "parent", "is_demo"]
        read_only_fields = fields


class NomenclatureSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Nomenclature
        fields = ["id", "fiscal_year", "level", "code", "name", "parent"]
        read_only_fields = fields


class FundingSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingSource
        fields = ["id", "code", "name"]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "code", "name", "group"]
        read_only_fields = fields


class UnitViewSet(PortalViewSet):
    """Perangkat daerah (OPD) dan sub unit (UPTD) tiap pemda, dalam lingkup wilayah Anda.

    Regional agencies (OPD) and their sub units (UPTD), within your region scope."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["id", "region_id", "code", "name", "kind"]
    ordering = ["region_id", "code", "id"]
    read_only_for_everyone = True
    doc_name = ("perangkat daerah/unit", "units")
    export_title = "Perangkat daerah"

    def queryset_for(self, user):
        return Unit.objects.filter(access.readable_q(user))


class NomenclatureViewSet(PortalViewSet):
    """Nomenklatur Kepmendagri (urusan sampai sub kegiatan) per tahun anggaran:
    kode yang sama bisa bernama lain di tahun lain, jadi saring dengan `fiscal_year`.

    Kepmendagri nomenclature (urusan to sub kegiatan) per fiscal year: the same
    code may name different things in two years, so filter by `fiscal_year`."""

    serializer_class = NomenclatureSerializer
    filterset_class = NomenclatureFilterSet
    ordering_fields = ["id", "fiscal_year", "code", "level", "name"]
    ordering = ["fiscal_year", "code", "id"]
    read_only_for_everyone = True
    region_path = None
    doc_name = ("nomenklatur", "nomenclature entries")
    export_title = "Nomenklatur"

    def queryset_for(self, user):
        return _reference_qs(user, Nomenclature.objects.all())


class FundingSourceViewSet(PortalViewSet):
    """Sumber dana menurut kode SIPD. / Funding sources by SIPD code."""

    serializer_class = FundingSourceSerializer
    filterset_class = FundingSourceFilterSet
    ordering_fields = ["id", "code", "name"]
    ordering = ["code"]
    read_only_for_everyone = True
    region_path = None
    doc_name = ("sumber dana", "funding sources")
    export_title = "Sumber dana"

    def queryset_for(self, user):
        return _reference_qs(user, FundingSource.objects.all())


class AccountViewSet(PortalViewSet):
    """Kode rekening belanja beserta kelompoknya (tiga tingkat pertama).

    Account codes with their group (first three levels)."""

    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet
    ordering_fields = ["id", "code", "name", "group"]
    ordering = ["code"]
    read_only_for_everyone = True
    region_path = None
    doc_name = ("kode rekening", "accounts")
    export_title = "Kode rekening"

    def queryset_for(self, user):
        return _reference_qs(user, Account.objects.all())
