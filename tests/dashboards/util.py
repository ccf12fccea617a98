"""Small builders for the dashboard tests (tests.factories.UnitFactory's
get_or_create on ``region`` cannot take ``region_id``)."""

from budgets.models import Unit, UnitKind

_seq = iter(range(1, 10_000))


def make_unit(region: str, name: str | None = None, code: str | None = None, kind=UnitKind.OPD) -> Unit:
    n = next(_seq)
    return Unit.objects.create(
        region_id=region,
        code=code or f"1.06.0.00.0.00.{n % 90 + 1:02d}.{n:04d}",
        name=name or f"Dinas Uji {n}",
        kind=kind,
    )
