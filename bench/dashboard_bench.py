"""Dashboard speed at 10k, 100k and 1M budget lines (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tkpkd_bench \
        python bench/dashboard_bench.py --lines 1000000

WARNING: uses the database in DATABASE_URL and REPLACES all its budget lines
(use a database of its own). It migrates, loads the regions of all 38
provinces, creates 16 units per pemda (12 OPD, 4 UPTD), fills synthetic lines
with COPY (spread over every province and kab/kota, 3 fiscal years, the
units and a set of sub kegiatan and accounts), rebuilds the summary table
(``budget_summary_rebuild``, as the import commit would keep it current) and
prints, per size, the server time (median of 5 after a warm-up) and the SQL
query count of the province dashboard (as the Banten Pejabat) and of the
summary API (``/api/v1/budget-lines/summary/?group_by=pillar`` when the API is
installed; otherwise ``budget_line_summary`` directly, and says so).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, Resolver404, resolve  # noqa: E402

BIDANG = [
    ("1.06", "05"), ("1.02", "02"), ("1.04", "02"), ("2.07", "03"), ("2.09", "02"),
    ("2.13", "05"), ("2.17", "07"), ("3.27", "03"), ("3.25", "03"), ("1.01", "02"),
    ("1.03", "05"), ("2.08", "02"),
]
YEARS = (2022, 2023, 2024)
ACCOUNTS = ["5.1.06.01.01.0001", "5.1.02.01.01.0052", "5.1.02.02.01.0026",
            "5.1.02.03.02.0035", "5.2.03.01.01.0001"]


def setup_reference():
    from budgets.codes import account_group
    from budgets.models import Account, FundingSource, Nomenclature, Unit, UnitKind
    from regions.models import Level, Region, Role
    from regions.services import user_scope_set

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(level=Level.PROVINSI).count() >= 38:
        call_command("load_regions", verbosity=0)
    pemdas = list(
        Region.objects.filter(level__in=[Level.PROVINSI, Level.KABUPATEN, Level.KOTA])
        .values_list("code", flat=True)
    )
    if not Unit.objects.filter(code__endswith=".9999").exists():
        units = []
        for code in pemdas:
            for bidang, _prog in BIDANG:
                units.append(Unit(region_id=code, code=f"{bidang}.0.00.0.00.01.9999",
                                  name=f"Dinas Bench {bidang} {code}", kind=UnitKind.OPD))
        Unit.objects.bulk_create(units, batch_size=5000)
        opd = {(u.region_id, u.code[:4]): u for u in Unit.objects.filter(code__endswith=".9999")}
        uptd = []
        for code in pemdas:
            for bidang, _prog in BIDANG[:4]:
                uptd.append(Unit(region_id=code, code=f"{bidang}.0.00.0.00.01.9998",
                                 name=f"UPTD Bench {bidang} {code}", kind=UnitKind.UPTD,
                                 parent=opd[(code, bidang)]))
        Unit.objects.bulk_create(uptd, batch_size=5000)
    for year in YEARS:
        for bidang, prog in BIDANG:
            for level_digit in ("1", "2"):
                for seq in range(1, 5):
                    code = f"{bidang}.{prog}.{level_digit}.01.{seq:04d}"
                    Nomenclature.objects.get_or_create(
                        fiscal_year=year, level="sub_kegiatan", code=code,
                        defaults={"name": f"Sub kegiatan bench {code}"},
                    )
            Nomenclature.objects.get_or_create(
                fiscal_year=year, level="bidang", code=bidang, defaults={"name": f"Bidang {bidang}"}
            )
    for code in ACCOUNTS:
        Account.objects.get_or_create(code=code, defaults={"name": code, "group": account_group(code)})
    FundingSource.objects.get_or_create(code="1.1", defaults={"name": "PAD"})
    user, _ = get_user_model().objects.get_or_create(username="bench.pejabat")
    user_scope_set(user=user, role=Role.PEJABAT, region_code="36")
    return user


def fill(n: int) -> None:
    """Replace all lines with ``n`` synthetic ones, written with COPY."""
    from budgets.models import Account, FundingSource, ImportBatch, Nomenclature, Unit
    from budgets.summary import budget_summary_rebuild
    from programs.models import Pillar, Strategy

    rng = random.Random(n)
    units = list(Unit.objects.filter(code__regex=r"\.99(99|98)$").values_list("id", "region_id", "code", "kind", "parent_id"))
    opd = [u for u in units if u[3] == "opd"]
    uptd_by_parent = {u[4]: u[0] for u in units if u[3] == "uptd"}
    nomen = {}
    for pk, year, code in Nomenclature.objects.filter(level="sub_kegiatan", name__startswith="Sub kegiatan bench").values_list("id", "fiscal_year", "code"):
        nomen.setdefault((year, code[:4], code[8]), []).append(pk)
    accounts = list(Account.objects.filter(code__in=ACCOUNTS).values_list("id", flat=True))
    funding = FundingSource.objects.get(code="1.1").pk
    pillars = list(Pillar.objects.values_list("id", flat=True)) + [None]
    strategies = list(Strategy.objects.values_list("id", flat=True)) + [None]
    user = get_user_model().objects.get(username="bench.pejabat")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE budgets_budgetline, budgets_tag, budgets_budgetsummary, budgets_summarydirty CASCADE")
    ImportBatch.objects.filter(original_name__startswith="bench-").delete()
    batches = {}
    for region in ("36", "36.02", "36.03"):
        for year in YEARS:
            batches[(region, year)] = ImportBatch.objects.create(
                region_id=region, uploaded_by=user, original_name=f"bench-{region}-{year}.xlsx",
                sha256="0" * 64, fiscal_year=year, status="committed",
            ).pk
    columns = ("fiscal_year", "stage", "region_id", "unit_id", "sub_unit_id", "sub_kegiatan_id",
               "funding_source_id", "account_id", "package", "package_name", "pagu", "realisasi",
               "pillar_id", "strategy_id", "origin", "import_batch_id", "is_demo",
               "created_at", "updated_at")
    chunk = 200_000
    written = 0
    while written < n:
        buf = io.StringIO()
        for i in range(written, min(n, written + chunk)):
            unit_id, region, code, _kind, _parent = opd[rng.randrange(len(opd))]
            sub_unit = uptd_by_parent.get(unit_id, unit_id) if rng.random() < 0.3 else unit_id
            year = YEARS[i % 3]
            level = "1" if "." not in region else "2"
            sub = rng.choice(nomen[(year, code[:4], level)])
            pagu = rng.randrange(10_000_000, 5_000_000_000)
            real = int(pagu * rng.uniform(0.3, 1.0))
            p = pillars[hash(code[:4]) % len(pillars)]
            s = strategies[hash(code[:4]) % len(strategies)]
            batch = batches.get((region, year))
            buf.write(
                f"{year}\tmurni\t{region}\t{unit_id}\t{sub_unit}\t{sub}\t{funding}\t"
                f"{accounts[i % len(accounts)]}\tb{i}\t\t{pagu}\t{real}\t"
                f"{p if p else chr(92) + 'N'}\t{s if s else chr(92) + 'N'}\t"
                f"{'import' if batch else 'manual'}\t{batch or chr(92) + 'N'}\tf\tnow()\tnow()\n"
            )
        buf.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_from(buf, "budgets_budgetline", columns=columns, null="\\N")
        written = min(n, written + chunk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE budgets_budgetline SET created_at = now(), updated_at = now() WHERE false")
    budget_summary_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE budgets_budgetline; ANALYZE budgets_budgetsummary")


def measure(client: Client, url: str, runs: int = 5) -> tuple[float, int, int]:
    client.get(url)  # warm-up
    times = []
    count = 0
    status = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        count, status = len(ctx), response.status_code
    return statistics.median(times) * 1000, count, status


def api_available() -> bool:
    try:
        resolve("/api/v1/budget-lines/summary/")
        return True
    except (Resolver404, NoReverseMatch):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="Largest size (default 1000000).")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at PostgreSQL (the bench uses COPY).")
    sizes = [s for s in (10_000, 100_000, 1_000_000) if s <= args.lines] or [args.lines]
    if args.lines not in sizes:
        sizes.append(args.lines)
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    user = setup_reference()
    client = Client()
    client.force_login(user)
    use_api = api_available()
    print(f"summary measured via {'the API' if use_api else 'budget_line_summary() directly (API not installed)'}")
    print(f"{'lines':>10} {'fill s':>7} {'dasbor ms':>10} {'queries':>8} {'summary ms':>11} {'queries':>8}")
    results = {}
    for size in sizes:
        start = time.perf_counter()
        fill(size)
        fill_s = time.perf_counter() - start
        page_ms, page_q, status = measure(client, "/dasbor/")
        assert status == 200, status
        if use_api:
            api_ms, api_q, api_status = measure(client, "/api/v1/budget-lines/summary/?group_by=pillar")
        else:
            from budgets.selectors import budget_line_summary

            times = []
            for _ in range(6):
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    budget_line_summary(user=user, filters={}, group_by=["pillar"])
                    times.append(time.perf_counter() - t)
            api_ms, api_q = statistics.median(times[1:]) * 1000, len(ctx)
        results[size] = page_ms
        print(f"{size:>10} {fill_s:>7.1f} {page_ms:>10.1f} {page_q:>8} {api_ms:>11.1f} {api_q:>8}")
    first, last = results[sizes[0]], results[sizes[-1]]
    print(f"page time at {sizes[-1]} lines / at {sizes[0]} lines: {last / first:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
