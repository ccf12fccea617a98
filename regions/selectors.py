"""Reads of the region tree."""

from django.db.models import Q, QuerySet

from . import access
from .models import Level, Region


def subtree_q(code: str, *, field: str = "code") -> Q:
    """``code`` and everything under it, as one prefix filter."""
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def region_descendants(*, code: str, include_self: bool = True) -> QuerySet[Region]:
    qs = Region.objects.filter(subtree_q(code))
    return qs if include_self else qs.exclude(code=code)


def region_list(*, user, filters: dict | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(access.readable_q(user, field="code"))
    filters = filters or {}
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if parent := filters.get("parent"):
        qs = qs.filter(parent_id=parent)
    return qs


def kabkota_of(*, province_code: str) -> QuerySet[Region]:
    return Region.objects.filter(
        parent_id=province_code, level__in=[Level.KABUPATEN, Level.KOTA]
    )


def kabkota_code(code: str | None) -> str | None:
    """The kabupaten/kota a region code belongs to (``36.02.05.2001`` -> ``36.02``)."""
    if not code or "." not in code:
        return None
    return code[:5]
