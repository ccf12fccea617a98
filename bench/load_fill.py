"""Fill the database with N budget lines for the load test (bench/load.sh).

    python bench/load_fill.py --lines 100000 [--year 2024]

Idempotent: tops the lines of the year up to N with bulk inserts through the
ORM (units, nomenclature and accounts are made with get_or_create), and tags
every fourth line with a pillar so summaries by pillar have something to sum.
Used when bench/dashboard_bench.py (the dashboards' own generator) does not
offer a fill step. Only for benchmark databases: the lines are marked as demo.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from budgets.models import (  # noqa: E402
    Account,
    BudgetLine,
    FundingSource,
    LineOrigin,
    Nomenclature,
    Stage,
    Tag,
    TagSource,
    Unit,
    UnitKind,
)
from programs.models import Pillar  # noqa: E402
from regions.models import Region  # noqa: E402

BATCH = 5000


def fill(lines: int, year: int) -> int:
    rng = random.Random(year)
    have = BudgetLine.objects.filter(fiscal_year=year).count()
    if have >= lines:
        return 0
    regions = list(Region.objects.filter(code__regex=r"^36(\.\d{2})?$").values_list("code", flat=True))
    if not regions:
        raise SystemExit("no Banten regions: run `manage.py load_regions --prefix 36` first")
    funding, _ = FundingSource.objects.get_or_create(code="1.1", defaults={"name": "PAD"})
    accounts = [
        Account.objects.get_or_create(
            code=f"5.1.02.01.01.{n:04d}", defaults={"name": f"Belanja beban {n}", "group": "5.1"}
        )[0]
        for n in range(1, 21)
    ]
    subs = [
        Nomenclature.objects.get_or_create(
            fiscal_year=year, level="sub_kegiatan", code=f"1.06.05.2.02.{n:04d}",
            defaults={"name": f"Sub kegiatan beban {n}"},
        )[0]
        for n in range(1, 201)
    ]
    units = {
        code: [
            Unit.objects.get_or_create(
                region_id=code, code=f"9.99.0.00.0.00.{n:02d}.0000",
                defaults={"name": f"Dinas Beban {n}", "kind": UnitKind.OPD},
            )[0]
            for n in range(1, 11)
        ]
        for code in regions
    }
    pillars = list(Pillar.objects.all())
    made = 0
    serial = BudgetLine.objects.filter(fiscal_year=year, package__startswith="beban-").count()
    while have + made < lines:
        batch = []
        for _ in range(min(BATCH, lines - have - made)):
            serial += 1
            region = regions[serial % len(regions)]
            unit = units[region][serial % 10]
            pagu = Decimal(rng.randrange(1_000_000, 5_000_000_000))
            batch.append(
                BudgetLine(
                    fiscal_year=year, stage=Stage.MURNI, region_id=region, unit=unit,
                    sub_unit=unit, sub_kegiatan=subs[serial % len(subs)],
                    funding_source=funding, account=accounts[serial % len(accounts)],
                    package=f"beban-{serial}", pagu=pagu,
                    realisasi=(pagu * Decimal(rng.randrange(0, 100)) / 100).quantize(Decimal("1")),
                    origin=LineOrigin.MANUAL, is_demo=True,
                )
            )
        created = BudgetLine.objects.bulk_create(batch)
        if pillars:
            Tag.objects.bulk_create(
                Tag(budget_line=line, pillar=pillars[i % len(pillars)], source=TagSource.PERSON,
                    reason="beban", is_demo=True)
                for i, line in enumerate(created) if i % 4 == 0 and line.pk
            )
        made += len(batch)
        print(f"  {have + made} lines", flush=True)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    started = time.monotonic()
    made = fill(args.lines, args.year)
    print(f"made {made} lines in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
