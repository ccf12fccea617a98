"""Writes to the region tree and user scopes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from .models import REGION_CODE_VALIDATOR, Level, Region, UserScope

LEVELS = {choice.value for choice in Level}


@dataclass
class RegionLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RegionFileError(ValueError):
    """The region CSV has a row the loader cannot use."""


def _parse_row(row: dict, line: int) -> Region:
    code = (row.get("kode") or "").strip()
    try:
        REGION_CODE_VALIDATOR(code)
    except Exception:
        raise RegionFileError(f"Baris {line}: kode wilayah {code!r} tidak sah.") from None
    level = (row.get("tingkat") or "").strip()
    if level not in LEVELS:
        raise RegionFileError(f"Baris {line}: tingkat {level!r} tidak dikenal.")
    population = (row.get("penduduk") or "").strip()
    area = (row.get("luas_km2") or "").strip()
    try:
        area_value = Decimal(area).quantize(Decimal("0.001")) if area else None
        population_value = int(population) if population else None
    except (InvalidOperation, ValueError):
        raise RegionFileError(f"Baris {line}: penduduk/luas tidak terbaca.") from None
    return Region(
        code=code,
        name=(row.get("nama") or "").strip(),
        level=level,
        parent_id=code.rsplit(".", 1)[0] if "." in code else None,
        population=population_value,
        area_km2=area_value,
    )


FIELDS = ("name", "level", "parent_id", "population", "area_km2")


@transaction.atomic
def regions_load(*, path: Path, prefix: str | None = None) -> RegionLoadResult:
    """Create or update regions from a ``wilayah`` CSV; idempotent.

    ``prefix`` limits the load to one province's tree (plus all provinces and
    kabupaten/kota stay untouched outside it).
    """
    with open(path, newline="", encoding="utf-8") as handle:
        incoming = [
            _parse_row(row, line)
            for line, row in enumerate(csv.DictReader(handle), start=2)
        ]
    if prefix:
        incoming = [
            r for r in incoming if r.code == prefix or r.code.startswith(prefix + ".")
        ]
    existing = {r.code: r for r in Region.objects.all()}
    result = RegionLoadResult()
    to_create, to_update = [], []
    for region in sorted(incoming, key=lambda r: (r.code.count("."), r.code)):
        current = existing.get(region.code)
        if current is None:
            to_create.append(region)
            continue
        if all(getattr(current, f) == getattr(region, f) for f in FIELDS):
            result.unchanged += 1
            continue
        for f in FIELDS:
            setattr(current, f, getattr(region, f))
        to_update.append(current)
    Region.objects.bulk_create(to_create, batch_size=1000)
    Region.objects.bulk_update(to_update, FIELDS, batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def user_scope_set(*, user, role: str, region_code: str) -> UserScope:
    scope, _ = UserScope.objects.update_or_create(
        user=user, defaults={"role": role, "region_id": region_code}
    )
    scope.full_clean()
    user.__dict__.pop("_tkpkd_access", None)
    return scope
