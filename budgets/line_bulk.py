"""Writing many budget lines at once on PostgreSQL (the SIPD import's commit).

``lines_write_pg`` takes the lines an import writes (new and changed, already
resolved to ids) and, inside the caller's transaction:

1. COPYs them into a temporary staging table (CSV made a few thousand rows at
   a time, so the whole file's CSV is never held at once);
2. records the before-state of the stored lines they change (for rollback);
3. in one statement, updates those lines from the staging table, inserts the
   rest and records them as created (as runs of consecutive ids, see
   ``ImportLineChange``).

Referential integrity, set-based. A plain INSERT of 100,000 lines makes
PostgreSQL check each of the line table's foreign keys row by row at COMMIT
(one trigger call and one index probe per key per line: 700,000 checks, most
of the commit's time). Every line written here refers to a handful of parent
rows (units, nomenclature, funding sources, accounts, the region, the batch),
so when the database role may set ``session_replication_role`` (PostgreSQL's
own switch for bulk loads and replication; a superuser may, another role after
``GRANT SET ON PARAMETER session_replication_role``) the insert runs with
row-level checks off, after the distinct parent rows were locked
``FOR KEY SHARE`` and counted, which is what each row check does: a parent
missing refuses the whole write, and a parent cannot be deleted before the
commit. The lines table's summary triggers do not fire in that mode, so the
scope is marked for the summary refresh here. Without the privilege the same
statements run with the ordinary per-row checks (correct, slower).

Updates of changed lines share the statement, and the mode, of the insert.
They keep every foreign key but the batch, and the batch's row is among the
parents locked above (with row checks on, PostgreSQL checks only that key).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from itertools import islice

from django.db import DatabaseError, connection, transaction

from regions.models import Region

from .models import (
    Account,
    BudgetLine,
    FundingSource,
    ImportBatch,
    ImportLineChange,
    LineChangeAction,
    LineOrigin,
    Nomenclature,
    Unit,
)
from .models_summary import SummaryDirty

log = logging.getLogger(__name__)

# Natural key columns (besides fiscal_year and stage) in the staging table.
KEY = ("unit_id", "sub_unit_id", "sub_kegiatan_id", "funding_source_id", "account_id",
       "package")
STAGE_COLUMNS = KEY + ("package_name", "pagu", "realisasi")


class MissingParent(DatabaseError):
    """A line would refer to a parent row that no longer exists."""


class CsvStream:
    """A file-like object COPY reads from: CSV made ``chunk_rows`` rows at a time."""

    def __init__(self, records: Iterable, chunk_rows: int = 5000):
        self._records = iter(records)
        self._chunk_rows = chunk_rows
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf, lineterminator="\n")
        self._text = ""
        self._pos = 0
        self._done = False

    def _fill(self) -> None:
        self._buf.seek(0)
        self._buf.truncate()
        rows = list(islice(self._records, self._chunk_rows))
        if len(rows) < self._chunk_rows:
            self._done = True
        self._writer.writerows(rows)
        self._text = self._text[self._pos:] + self._buf.getvalue()
        self._pos = 0

    def read(self, size: int = -1) -> str:
        while not self._done and (size < 0 or len(self._text) - self._pos < size):
            self._fill()
        end = len(self._text) if size < 0 else self._pos + size
        out = self._text[self._pos:end]
        self._pos += len(out)
        return out


def _bulk_mode(cur) -> bool:
    """Switch row-level foreign key checks off for this transaction, if allowed."""
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves the transaction usable
            cur.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError as exc:
        log.info("import: per-row foreign key checks (%s)", str(exc).strip()[:120])
        return False
    return True


def _lock_parents(cur, parents: dict) -> None:
    """Lock every parent row the new lines refer to, as each row check would;
    raise MissingParent when one is gone."""
    for model, column, wanted in (
        (Unit, "id", parents["units"]),
        (Nomenclature, "id", parents["nomenclature"]),
        (FundingSource, "id", parents["funding_sources"]),
        (Account, "id", parents["accounts"]),
        (ImportBatch, "id", {parents["batch"]}),
    ):
        wanted = sorted(wanted)
        if not wanted:
            continue
        cur.execute(
            f"SELECT {column} FROM {model._meta.db_table} "  # noqa: S608 - names from models
            f"WHERE {column} = ANY(%s) FOR KEY SHARE",
            [wanted],
        )
        found = {row[0] for row in cur.fetchall()}
        if len(found) != len(wanted):
            missing = sorted(set(wanted) - found)[:5]
            raise MissingParent(f"{model._meta.db_table}: {missing}")
    region = Region._meta.db_table
    cur.execute(
        f"SELECT code FROM {region} WHERE code = %s FOR KEY SHARE",  # noqa: S608
        [parents["region"]],
    )
    if cur.fetchone() is None:
        raise MissingParent(f"{region}: {parents['region']}")


def lines_write_pg(
    *,
    batch_id: int,
    region_id: str,
    fiscal_year: int,
    stage: str,
    records: Iterable[tuple],
    parents: dict,
    set_realisasi: bool,
) -> None:
    """Write lines (tuples in STAGE_COLUMNS order) for one scope; see the module doc.

    ``parents``: the distinct ids the records name ("units", "nomenclature",
    "funding_sources", "accounts" as sets) and "region", "batch".
    ``set_realisasi``: changed lines take the record's realisasi (else they keep
    theirs); new lines always take it.
    Runs inside the caller's transaction.
    """
    table = BudgetLine._meta.db_table
    changes = ImportLineChange._meta.db_table
    join = " AND ".join(f"l.{k} = s.{k}" for k in KEY)
    scope = "l.fiscal_year = %s AND l.stage = %s AND l.region_id = %s"
    scope_params = [fiscal_year, stage, region_id]
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE import_stage (n bigint GENERATED ALWAYS AS IDENTITY, "
            "unit_id bigint, sub_unit_id bigint, sub_kegiatan_id bigint, "
            "funding_source_id bigint, account_id bigint, package varchar(100), "
            "package_name varchar(500), pagu numeric(18,2), realisasi numeric(18,2)) "
            "ON COMMIT DROP"
        )
        raw = cur.cursor if hasattr(cur, "cursor") else cur
        raw.copy_expert(
            f"COPY import_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
            CsvStream(records),
        )
        # Matching staged rows to stored lines is one set against another: a hash
        # join whatever the line table's statistics say (right after a first
        # import they may still say "empty", and a nested loop over 100,000
        # lines per staged row would take minutes).
        cur.execute("SET LOCAL enable_nestloop = off")
        # Before-state of the lines about to change (every column, amounts as
        # text). Table names come from the models, values are parameters.
        cur.execute(
            f"INSERT INTO {changes} (batch_id, line_id, action, before) "  # noqa: S608
            f"SELECT %s, l.id, %s, to_jsonb(l) || jsonb_build_object("
            f"'pagu', l.pagu::text, 'realisasi', l.realisasi::text) "
            f"FROM {table} l JOIN import_stage s ON {join} WHERE {scope}",
            [batch_id, LineChangeAction.UPDATED, *scope_params],
        )
        bulk = _bulk_mode(cur)
        if bulk:
            _lock_parents(cur, parents)
        realisasi = "s.realisasi" if set_realisasi else "l.realisasi"
        # One statement: update the staged rows that match a line, insert the
        # others (told apart by the update's RETURNING, never by reading the
        # table being inserted into), record the new ids as runs.
        cur.execute(
            f"WITH upd AS (UPDATE {table} l SET pagu = s.pagu, "  # noqa: S608
            f"package_name = s.package_name, realisasi = {realisasi}, origin = %s, "
            f"import_batch_id = %s, updated_at = now() "
            f"FROM import_stage s WHERE {join} AND {scope} RETURNING s.n), "
            f"ins AS (INSERT INTO {table} (fiscal_year, stage, region_id, unit_id, "
            f"sub_unit_id, sub_kegiatan_id, funding_source_id, account_id, package, "
            f"package_name, pagu, realisasi, origin, import_batch_id, entered_by_id, "
            f"is_demo, created_at, updated_at) "
            f"SELECT %s, %s, %s, s.unit_id, s.sub_unit_id, s.sub_kegiatan_id, "
            f"s.funding_source_id, s.account_id, s.package, s.package_name, s.pagu, "
            f"s.realisasi, %s, %s, NULL, false, now(), now() "
            f"FROM import_stage s WHERE NOT EXISTS (SELECT 1 FROM upd WHERE upd.n = s.n) "
            f"RETURNING id), "
            f"runs AS (SELECT id, id - row_number() OVER (ORDER BY id) AS run FROM ins) "
            f"INSERT INTO {changes} (batch_id, line_id, last_line_id, action, before) "
            f"SELECT %s, min(id), max(id), %s, NULL FROM runs GROUP BY run",
            [LineOrigin.IMPORT, batch_id, *scope_params,
             fiscal_year, stage, region_id, LineOrigin.IMPORT, batch_id,
             batch_id, LineChangeAction.CREATED],
        )
        cur.execute("SET LOCAL enable_nestloop = DEFAULT")
        if bulk:
            cur.execute("SET LOCAL session_replication_role = DEFAULT")
            # The lines table's summary triggers did not fire for these statements.
            cur.execute(
                f"INSERT INTO {SummaryDirty._meta.db_table} (fiscal_year, region_id) "  # noqa: S608
                f"VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [fiscal_year, region_id],
            )
        cur.execute("DROP TABLE import_stage")
