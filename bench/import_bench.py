"""Benchmark of the SIPD import against the floor and against what a user would write.

    DATABASE_URL=postgres://... python bench/import_bench.py --rows 100000

Generates a SIPD-shaped recap (bench/sipd_workbook.py) and measures, on the same
file and the same PostgreSQL database, each step in a fresh process:

1. the bare python-calamine read (the floor);
2. pandas.read_excel(engine="calamine") + DataFrame.to_sql into the database;
3. the portal's full import: upload, parse (memory-capped child), validate,
   diff, commit (COPY into a staging table, then one set-based write);
4. the same file again (every line unchanged).

The four steps run in rounds (``--rounds``, default 5), interleaved (1, 2, 3, 4,
then again), and the median of each is compared: on a shared two-core machine
one run of a step can differ from the next by a third, and interleaving spreads
a slow spell over every step alike. Five rounds, not three: with three, one slow
or fast spell moved a median by a tenth and the floor's median ranged 2.4-3.6 s
between full runs; with five the medians of full runs agree far better. Before each step the database settles
(VACUUM ANALYZE of the tables the import writes, and CHECKPOINT when the role
may): otherwise autovacuum of the previous step's rows or a checkpoint of its
WAL runs during the next measured step. Every run's figures are printed.

Memory: the step's process and its children (the import's reader child) are
sampled together every 50 ms (proportional set size, so pages the fork shares
count once): "peak MB" is the most they held at the same moment, or the
largest single process's own peak RSS when that is more (a spike shorter than
the interval). Each process's own peak RSS is printed too ("parent", "child");
their sum is an upper bound that counts shared pages twice and peaks that
never coincide (the parent's comes after the child has exited).

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


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return out


class MemorySampler:
    """Largest sum of PSS of this process and its descendants, sampled."""

    def __init__(self, interval: float = 0.05):
        import threading

        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            pids, todo = [], [me]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(_children(pid))
            self.peak_kb = max(self.peak_kb, sum(map(_pss_kb, pids)))
            self._stop.wait(self.interval)

    def __enter__(self):
        if os.path.exists(f"/proc/{os.getpid()}/smaps_rollup"):
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


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
    return {}


def phase_settle() -> dict:
    """Vacuum what the steps write and checkpoint, so no step inherits that work."""
    _django()
    from django.db import DatabaseError, connection

    from budgets.models import BudgetLine, BudgetSummary, ImportLineChange, Tag, Unit

    checkpoint = True
    with connection.cursor() as cur:
        for model in (BudgetLine, ImportLineChange, BudgetSummary, Tag, Unit):
            cur.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        try:
            cur.execute("CHECKPOINT")  # superuser or pg_checkpoint (PostgreSQL 15)
        except DatabaseError:
            checkpoint = False
    return {"checkpoint": checkpoint}


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
          "reset": phase_reset, "settle": phase_settle}
MEASURED = {"calamine", "pandas", "import"}


def run_phase(name: str, path: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", path],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float:
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5,
                    help="interleaved rounds of the four steps; medians are compared")
    ap.add_argument("--file", help="use this workbook instead of generating one")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        if args.phase in MEASURED:
            with MemorySampler() as sampler:
                result = PHASES[args.phase](args.file)
        else:
            sampler = None
            result = PHASES[args.phase]()
        own, children = _peak_mb()
        # The sampled sum can miss a spike shorter than the interval; no
        # moment held less than either process's own peak.
        sampled = sampler.peak_kb / 1024 if sampler and sampler.peak_kb else own + children
        result.update(own_mb=own, child_mb=children, peak_mb=max(sampled, own, children))
        print(json.dumps(result))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "DATABASE_URL must point to PostgreSQL (e.g. "
            "postgres://postgres@127.0.0.1:5432/tkpkd_bench); the benchmark measures "
            "the PostgreSQL path and compares it with pandas.to_sql into that database."
        )
    tmp = None
    path = args.file
    if not path:
        tmp = tempfile.TemporaryDirectory(prefix="import-bench-")
        path = os.path.join(tmp.name, f"rekap_{args.rows}.xlsx")
        t = time.perf_counter()
        # In a process of its own: Linux carries a process's peak RSS over
        # fork + exec, so a driver grown by writing the workbook would lend its
        # peak to every step it starts.
        subprocess.run(
            [sys.executable, "-c",
             "import sys; sys.path.insert(0, sys.argv[1]); "
             "from bench.sipd_workbook import generate_rekap; "
             "generate_rekap(sys.argv[2], rows=int(sys.argv[3]))",
             str(ROOT), path, str(args.rows)],
            check=True, cwd=ROOT,
        )
        print(f"generated {args.rows:,} rows ({os.path.getsize(path) / 1e6:.1f} MB) "
              f"in {time.perf_counter() - t:.1f}s: {path}")
    labels = {
        1: "1 bare calamine read",
        2: "2 pandas read_excel + to_sql",
        3: "3 portal import (first)",
        4: "4 portal import (same file)",
    }
    runs: dict[int, list[dict]] = {k: [] for k in labels}
    checkpoint = True
    for rnd in range(1, args.rounds + 1):
        run_phase("reset", path)
        for step, phase in ((1, "calamine"), (2, "pandas"), (3, "import"), (4, "import")):
            checkpoint = run_phase("settle", path)["checkpoint"] and checkpoint
            r = run_phase(phase, path)
            runs[step].append(r)
            print(f"round {rnd} {labels[step]:30} {r['seconds']:7.2f} s "
                  f"{r['peak_mb']:6.0f} MB", flush=True)
    med = {k: _median([r["seconds"] for r in v]) for k, v in runs.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in runs.items()}
    print()
    print(f"{'step (median of ' + str(args.rounds) + ')':34} {'seconds':>8} {'range':>13} "
          f"{'x floor':>8} {'peak MB':>8} {'parent':>7} {'child':>6}  detail")
    for step, label in labels.items():
        rs = runs[step]
        last = rs[-1]
        detail = ""
        if "status" in last:
            detail = (f"{last['status']}: {last['created']:,} new, {last['updated']:,} "
                      f"changed, {last['unchanged']:,} unchanged, {last['errors']} errors")
        lo = min(r["seconds"] for r in rs)
        hi = max(r["seconds"] for r in rs)
        print(f"{label:34} {med[step]:8.2f} {lo:6.2f}-{hi:<6.2f} {med[step] / med[1]:8.2f} "
              f"{peak[step]:8.0f} {max(r['own_mb'] for r in rs):7.0f} "
              f"{max(r['child_mb'] for r in rs):6.0f}  {detail}")
    checks = [
        ("(3) <= 2.5 x (1)", med[3] <= 2.5 * med[1]),
        ("(3) < (2)", med[3] < med[2]),
        ("(4) <= (3)", med[4] <= med[3]),
        ("import peak < 400 MB", max(peak[3], peak[4]) < 400),
    ]
    for label, ok in checks:
        print(f"target {label:24} {'OK' if ok else 'MISSED'}")
    load = os.getloadavg()
    print("peak MB: the step's processes together at their largest (sampled PSS, at "
          "least the largest own peak); parent, child: each process's own peak RSS.")
    print(f"Load average now {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on "
          f"{os.cpu_count()} CPUs; CHECKPOINT before each step: "
          f"{'yes' if checkpoint else 'no (role may not)'}.")
    run_phase("reset", path)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
