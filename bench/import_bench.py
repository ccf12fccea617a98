"""Benchmark of the SIPD import against the floor and against what a user would write.

    DATABASE_URL=postgres://... python bench/import_bench.py --rows 100000

Generates (bench/sipd_workbook.py), in the real layouts and proportions:

* a recap of ``--rows`` rows in the 23-column "rekap5" layout, about 15% rows
  without budget and about 20% rows repeating a key (summed by the import);
* a "Laporan Realisasi Per Dokumen" of ``--rows`` rows in SIPD's SheetJS layout
  (every cell text, Indonesian amounts, long dates, Total row merged over A:W);

and measures on PostgreSQL, each step in a fresh process, timed after the
interpreter (and, for the import, Django) has started; the whole-process wall
time is printed beside it:

1. the bare read of the recap: a loop over
   ``CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()``;
2. ``pandas.read_excel(engine="calamine")`` + ``DataFrame.to_sql``;
3. the portal's recap import, from opening the file to the commit: upload,
   parse (memory-capped child), validate, sum, diff, commit;
4. the same file again (every line unchanged);
5. the bare read of the realisation report (as in 1);
6. the portal's realisation import (documents, booking on the lines).

The measured steps connect as a database role that is no superuser and has
no grant beyond the tables (``tkpkd_bench``, made by the reset step).

Steps run in rounds (``--rounds``, default 5), interleaved, and the median of
each is compared (a shared two-core machine varies by a third between runs).
Before each step the database settles (VACUUM ANALYZE, CHECKPOINT). Memory: the
step's process and its children sampled together every 50 ms (PSS), at least
the largest own peak RSS.

The imports write into a bench-only region "99" that is emptied first.
Targets: (3) <= 2.5 x (1) and (3) < (2); (4) <= (3); (6) <= 3 x (5);
import peak < 400 MB.
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
    n = 0
    for _row in pc.CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows():
        n += 1
    return {"seconds": time.perf_counter() - t, "rows": n - 1}


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


PLAIN_ROLE = "tkpkd_bench"


def _plain_url(url: str) -> str:
    """DATABASE_URL with the plain role as the user (trust or peer auth locally)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{PLAIN_ROLE}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def phase_reset() -> dict:
    _django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from budgets.models import BudgetLine, ImportBatch, RealisationDocument, Tag, Unit

    _bench_user_and_region()
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [PLAIN_ROLE])
        if cur.fetchone() is None:
            cur.execute(f"CREATE ROLE {PLAIN_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        cur.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {PLAIN_ROLE}")
        cur.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {PLAIN_ROLE}")
        cur.execute(f"GRANT CREATE ON SCHEMA public TO {PLAIN_ROLE}")  # pandas' table
        cur.execute("SELECT current_database()")
        cur.execute(f'GRANT TEMP ON DATABASE "{cur.fetchone()[0]}" TO {PLAIN_ROLE}')
    RealisationDocument.objects.filter(region_id=BENCH_REGION).delete()
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

    from budgets.models import (
        BudgetLine,
        BudgetSummary,
        ImportLineChange,
        RealisationDocument,
        Tag,
        Unit,
    )

    checkpoint = True
    with connection.cursor() as cur:
        for model in (BudgetLine, ImportLineChange, BudgetSummary, Tag, Unit,
                  RealisationDocument):
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
        "error_sample": [e.get("message", "") for e in (batch.errors or [])[:3]],
    }


PHASES = {"calamine": phase_calamine, "pandas": phase_pandas, "import": phase_import,
          "reset": phase_reset, "settle": phase_settle}
MEASURED = {"calamine", "pandas", "import"}


def run_phase(name: str, path: str) -> dict:
    env = dict(os.environ)
    if name in MEASURED:
        env["DATABASE_URL"] = _plain_url(os.environ["DATABASE_URL"])
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", path],
        capture_output=True, text=True, cwd=ROOT, check=False, env=env,
    )
    wall = time.perf_counter() - t
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"phase {name} failed")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = wall
    return result


def _median(values: list[float]) -> float:
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5,
                    help="interleaved rounds of the four steps; medians are compared")
    ap.add_argument("--file", help="use this recap instead of generating one")
    ap.add_argument("--realisasi-file", help="use this realisation report instead")
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
    tmp = tempfile.TemporaryDirectory(prefix="import-bench-")
    path = args.file or os.path.join(tmp.name, f"rekap_{args.rows}.xlsx")
    real_path = args.realisasi_file or os.path.join(tmp.name, f"realisasi_{args.rows}.xlsx")
    t = time.perf_counter()
    # In a process of its own: Linux carries a process's peak RSS over fork + exec,
    # so a driver grown by writing the workbooks would lend its peak to every step.
    todo = []
    if not args.file:
        todo.append(("generate_rekap", path))
    if not args.realisasi_file:
        todo.append(("generate_realisasi", real_path))
    for fn, out_path in todo:
        subprocess.run(
            [sys.executable, "-c",
             "import sys; sys.path.insert(0, sys.argv[1]); "
             f"from bench.sipd_workbook import {fn}; "
             f"{fn}(sys.argv[2], rows=int(sys.argv[3]))",
             str(ROOT), out_path, str(args.rows)],
            check=True, cwd=ROOT,
        )
        print(f"generated {args.rows:,} rows ({os.path.getsize(out_path) / 1e6:.1f} MB): "
              f"{out_path}")
    print(f"generation took {time.perf_counter() - t:.1f}s")
    labels = {
        1: "1 bare read, recap",
        2: "2 pandas read_excel + to_sql",
        3: "3 portal recap import (first)",
        4: "4 portal recap import (same)",
        5: "5 bare read, realisation",
        6: "6 portal realisation import",
    }
    steps = ((1, "calamine", path), (2, "pandas", path), (3, "import", path),
             (4, "import", path), (5, "calamine", real_path), (6, "import", real_path))
    runs: dict[int, list[dict]] = {k: [] for k in labels}
    checkpoint = True
    for rnd in range(1, args.rounds + 1):
        run_phase("reset", path)
        for step, phase, file in steps:
            checkpoint = run_phase("settle", file)["checkpoint"] and checkpoint
            r = run_phase(phase, file)
            runs[step].append(r)
            print(f"round {rnd} {labels[step]:32} {r['seconds']:7.2f} s "
                  f"(process {r['process_seconds']:5.2f} s) {r['peak_mb']:6.0f} MB", flush=True)
            if r.get("errors"):
                print("   errors:", r.get("error_sample"))
    med = {k: _median([r["seconds"] for r in v]) for k, v in runs.items()}
    proc = {k: _median([r["process_seconds"] for r in v]) for k, v in runs.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in runs.items()}
    print()
    print(f"{'step (median of ' + str(args.rounds) + ')':34} {'seconds':>8} {'range':>13} "
          f"{'process':>8} {'peak MB':>8} {'parent':>7} {'child':>6}  detail")
    for step, label in labels.items():
        rs = runs[step]
        last = rs[-1]
        detail = ""
        if "status" in last:
            detail = (f"{last['status']}: {last['created']:,} new, {last['updated']:,} "
                      f"changed, {last['unchanged']:,} unchanged, {last['errors']} errors")
        lo = min(r["seconds"] for r in rs)
        hi = max(r["seconds"] for r in rs)
        print(f"{label:34} {med[step]:8.2f} {lo:6.2f}-{hi:<6.2f} {proc[step]:8.2f} "
              f"{peak[step]:8.0f} {max(r['own_mb'] for r in rs):7.0f} "
              f"{max(r['child_mb'] for r in rs):6.0f}  {detail}")
    print()
    print(f"recap import / bare read:       {med[3] / med[1]:.2f} x "
          f"(whole processes {proc[3] / proc[1]:.2f} x)")
    print(f"realisation import / bare read: {med[6] / med[5]:.2f} x "
          f"(whole processes {proc[6] / proc[5]:.2f} x)")
    checks = [
        ("(3) <= 2.5 x (1)", med[3] <= 2.5 * med[1]),
        ("(3) < (2)", med[3] < med[2]),
        ("(4) <= (3)", med[4] <= med[3]),
        ("(6) <= 3 x (5)", med[6] <= 3 * med[5]),
        ("import peak < 400 MB", max(peak[3], peak[4], peak[6]) < 400),
    ]
    for label, ok in checks:
        print(f"target {label:24} {'OK' if ok else 'MISSED'}")
    load = os.getloadavg()
    print("seconds: timed inside the step's process after start-up; process: the whole "
          "process. peak MB: the step's processes together at their largest (sampled "
          "PSS, at least the largest own peak); parent, child: each one's own peak RSS.")
    print(f"Load average now {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on "
          f"{os.cpu_count()} CPUs; CHECKPOINT before each step: "
          f"{'yes' if checkpoint else 'no (role may not)'}; measured steps as role "
          f"{PLAIN_ROLE} (no superuser, no extra grant).")
    run_phase("reset", path)
    tmp.cleanup()


if __name__ == "__main__":
    main()
