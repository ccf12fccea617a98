"""Benchmark of the SIPD import against the floor and against what a user would write.

    DATABASE_URL=postgres://... python bench/import_bench.py --rows 100000

Generates a SIPD-shaped recap (bench/sipd_workbook.py) and measures, on the same
file and the same PostgreSQL database, each step in a fresh process:

1. the bare python-calamine read (the floor);
2. pandas.read_excel(engine="calamine") + DataFrame.to_sql into the database;
3. the portal's full import: upload, parse (memory-capped child), validate,
   diff, commit (COPY into a staging table + set-based upsert);
4. the same file again (every line unchanged).

Peak memory is the peak RSS of the step's process plus the peak RSS of its
children (the reader child), an upper bound of what the step held at once; the
parent's and the child's peaks are printed too (the target is read against the
sum). The machine's load average is printed with the figures: on a shared
machine the ratios move with it.
The import writes into a bench-only region "99" that is emptied first.
Targets: (3) <= 2.5 x (1) and (3) < (2); (4) <= (3); import peak < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_REGION = "99"


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def phase_calamine(path: str) -> dict:
    import python_calamine as pc

    t = time.perf_counter()
    wb = pc.CalamineWorkbook.from_path(path)
    rows = wb.get_sheet_by_index(0).to_python()
    return {"seconds": time.perf_counter() - t, "rows": len(rows) - 1}


def phase_pandas(path: str) -> dict:
    import pandas as pd
    from sqlalchemy import create_engine

    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql+psycopg2://", 1)
    engine = create_engine(url)
    t = time.perf_counter()
    df = pd.read_excel(path, engine="calamine", dtype=str)
    df.to_sql("bench_pandas_rekap", engine, if_exists="replace", index=False,
              chunksize=10_000)
    seconds = time.perf_counter() - t
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_pandas_rekap")
    return {"seconds": seconds, "rows": len(df)}


def _bench_user_and_region():
    from django.contrib.auth import get_user_model

    from regions.models import Level, Region

    Region.objects.get_or_create(
        code=BENCH_REGION, defaults={"name": "Wilayah Uji Kinerja", "level": Level.PROVINSI}
    )
    user, created = get_user_model().objects.get_or_create(
        username="bench.import", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def phase_reset() -> dict:
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from budgets.models import BudgetLine, ImportBatch, Tag, Unit

    _bench_user_and_region()
    lines = BudgetLine.objects.filter(region_id=BENCH_REGION)
    Tag.objects.filter(budget_line__region_id=BENCH_REGION).delete()
    lines._raw_delete(lines.db)
    batches = ImportBatch.objects.filter(region_id=BENCH_REGION)
    for b in batches:
        b.file.delete(save=False)
    batches.delete()
    Unit.objects.filter(region_id=BENCH_REGION, parent__isnull=False).delete()
    Unit.objects.filter(region_id=BENCH_REGION).delete()
    # Vacuum now, so that autovacuum of the rows just deleted does not run
    # during a measured step (on two cores it would take one).
    from django.db import connection

    from budgets.models import BudgetSummary, ImportLineChange

    with connection.cursor() as cur:
        for model in (BudgetLine, ImportLineChange, BudgetSummary, Tag, Unit):
            cur.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return {}


def phase_import(path: str) -> dict:
    _django()
    from budgets import imports

    user = _bench_user_and_region()
    t = time.perf_counter()
    with open(path, "rb") as fh:
        batch = imports.import_batch_create(
            user=user, upload=fh, original_name=os.path.basename(path),
            region_code=BENCH_REGION, enqueue=False,
        )
    batch = imports.import_batch_process(batch_id=batch.pk, commit=True, user=user)
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds, "status": batch.status, "rows": batch.rows,
        "created": batch.created, "updated": batch.updated, "unchanged": batch.unchanged,
        "removed": batch.removed, "errors": len(batch.errors),
    }


PHASES = {"calamine": phase_calamine, "pandas": phase_pandas, "import": phase_import,
          "reset": phase_reset}


def run_phase(name: str, path: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", path],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--file", help="use this workbook instead of generating one")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        result = PHASES[args.phase](args.file) if args.phase != "reset" else phase_reset()
        own, children = _peak_mb()
        result.update(peak_mb=own + children, own_mb=own, child_mb=children)
        print(json.dumps(result))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "DATABASE_URL must point to PostgreSQL (e.g. "
            "postgres://postgres@127.0.0.1:5432/tkpkd_bench); the benchmark measures "
            "the PostgreSQL path and compares it with pandas.to_sql into that database."
        )
    sys.path.insert(0, str(ROOT))
    from bench.sipd_workbook import generate_rekap

    tmp = None
    path = args.file
    if not path:
        tmp = tempfile.TemporaryDirectory(prefix="import-bench-")
        path = os.path.join(tmp.name, f"rekap_{args.rows}.xlsx")
        t = time.perf_counter()
        generate_rekap(path, rows=args.rows)
        print(f"generated {args.rows:,} rows ({os.path.getsize(path) / 1e6:.1f} MB) "
              f"in {time.perf_counter() - t:.1f}s: {path}")
    run_phase("reset", path)
    r1 = run_phase("calamine", path)
    r2 = run_phase("pandas", path)
    r3 = run_phase("import", path)
    r4 = run_phase("import", path)
    rows = [
        ("1 bare calamine read", r1),
        ("2 pandas read_excel + to_sql", r2),
        ("3 portal import (first)", r3),
        ("4 portal import (same file)", r4),
    ]
    print(f"{'step':34} {'seconds':>8} {'x floor':>8} {'peak MB':>8} {'parent':>7} "
          f"{'child':>6}  detail")
    for label, r in rows:
        detail = ""
        if "status" in r:
            detail = (f"{r['status']}: {r['created']:,} new, {r['updated']:,} changed, "
                      f"{r['unchanged']:,} unchanged, {r['errors']} errors")
        print(f"{label:34} {r['seconds']:8.2f} {r['seconds'] / r1['seconds']:8.2f} "
              f"{r['peak_mb']:8.0f} {r['own_mb']:7.0f} {r['child_mb']:6.0f}  {detail}")
    checks = [
        ("(3) <= 2.5 x (1)", r3["seconds"] <= 2.5 * r1["seconds"]),
        ("(3) < (2)", r3["seconds"] < r2["seconds"]),
        ("(4) <= (3)", r4["seconds"] <= r3["seconds"]),
        ("import peak < 400 MB", max(r3["peak_mb"], r4["peak_mb"]) < 400),
    ]
    for label, ok in checks:
        print(f"target {label:24} {'OK' if ok else 'MISSED'}")
    load = os.getloadavg()
    print(f"peak MB = parent + reader child (each its own peak RSS: an upper bound); "
          f"largest single process of the import: "
          f"{max(r3['own_mb'], r3['child_mb'], r4['own_mb'], r4['child_mb']):.0f} MB. "
          f"Load average now {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          f"on {os.cpu_count()} CPUs.")
    run_phase("reset", path)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
