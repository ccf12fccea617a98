"""Choices every coordination form limits by the one access rule."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.models import Unit
from regions import access
from regions.models import Level, Region

OWNER_LEVELS = (Level.PROVINSI, Level.KABUPATEN, Level.KOTA)


def owner_regions(user):
    """Province or kab/kota the user may change: who can own a record."""
    return access.changeable_regions(user).filter(level__in=OWNER_LEVELS).order_by("code")


def unit_choices(user, region_code: str | None = None):
    """Units of the regions the user may change, plus their province's units."""
    root = access.access_for(user).change_root
    if root is None:
        return Unit.objects.none()
    if region_code:
        q = Q(region_id=region_code) | Q(region_id=region_code[:2])
    elif root == access.ALL:
        q = Q()
    else:
        q = access.changeable_q(user) | Q(region_id=root[:2])
    return Unit.objects.filter(q).select_related("region").order_by("region_id", "code")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.display_name}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.region_id} · {obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.region_id} · {obj.name}"


def check_unit_region(form, field: str, region: Region | None) -> None:
    """Units must belong to the chosen region or to its province."""
    if region is None:
        return
    value = form.cleaned_data.get(field)
    units = value if hasattr(value, "__iter__") else [value] if value else []
    for unit in units:
        if unit.region_id not in (region.code, region.code[:2]):
            form.add_error(
                field,
                _("OPD %(unit)s bukan milik %(region)s atau provinsinya.")
                % {"unit": unit.name, "region": region.name},
            )


YEAR_FIELD = {"min_value": 2015, "max_value": 2100}
REASON_HELP = _("Dicatat di riwayat perubahan.")
