"""Writing many budget lines at once on PostgreSQL (the SIPD import's commit).

``lines_write_pg`` takes the lines an import writes (new and changed, already
resolved to ids) and, inside the caller's transaction:

1. COPYs them into a temporary staging table (CSV made from the columns ten
   thousand rows at a time, so the whole file's CSV is never held at once);
2. records the before-state of the stored lines they change (for rollback);
3. in one statement, updates those lines from the staging table, inserts the
   rest and records them as created (as runs of consecutive ids, see
   ``ImportLineChange``); when the caller's diff found only new lines, the
   statement only inserts.

Referential integrity, set-based. The lines table has no database foreign key
on its reference data (unit, sub unit, sub kegiatan, sumber dana, rekening; see
``BudgetLine``): checking them row by row was most of a commit. Before writing,
``lock_parents`` locks the distinct parent rows the lines name ``FOR KEY SHARE``
and counts them, which is what each row check did: a parent missing refuses the
whole write, and none can be deleted before the transaction ends (the region
and the batch are among them). No superuser, no special grant.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import DatabaseError, connection

from .models import (
    BudgetLine,
    ImportLineChange,
    LineChangeAction,
    LineOrigin,
)

log = logging.getLogger(__name__)

# Natural key columns (besides fiscal_year and stage) in the staging table.
KEY = ("unit_id", "sub_unit_id", "sub_kegiatan_id", "funding_source_id", "account_id")
STAGE_COLUMNS = KEY + ("items", "pagu", "realisasi")


def _csv_text(value: str) -> str:
    """A text value as a quoted CSV field (an empty string stays a string, never NULL)."""
    return '"' + value.replace('"', '""') + '"'


class CopyColumns:
    """A file-like object COPY (FORMAT csv) reads from, made from columns.

    ``columns`` are equally long lists: ``int`` ids, ``str`` texts, ``Decimal``
    amounts, or None (NULL). Texts are always quoted, so an empty package is
    an empty string in the table and never NULL. SIPD columns repeat a few
    thousand ids and texts over 100,000 lines, so each distinct value is
    encoded once; the rows are then joined a chunk at a time at C speed
    (``csv.writer`` over tuples took most of the COPY's Python time).
    """

    def __init__(self, columns: Sequence[list], chunk_rows: int = 10_000):
        self._columns = columns
        self._n = len(columns[0]) if columns else 0
        self._chunk_rows = chunk_rows
        self._encoders = [self._encoder(col) for col in columns]
        self._start = 0
        self._text = ""
        self._pos = 0

    @staticmethod
    def _encoder(col: list):
        kinds = set(map(type, col))
        if kinds <= {int, str, type(None)}:
            table = {v: ("" if v is None else _csv_text(v) if isinstance(v, str) else str(v))
                     for v in set(col)}
            return table.__getitem__
        return lambda v: "" if v is None else str(v)

    def _fill(self) -> bool:
        a, b = self._start, min(self._start + self._chunk_rows, self._n)
        if a >= b:
            return False
        parts = [list(map(enc, col[a:b]))
                 for enc, col in zip(self._encoders, self._columns, strict=True)]
        rows = map(",".join, zip(*parts, strict=True))
        self._text = self._text[self._pos:] + "\n".join(rows) + "\n"
        self._pos = 0
        self._start = b
        return True

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self._text) - self._pos < size:
            if not self._fill():
                break
        end = len(self._text) if size < 0 else self._pos + size
        out = self._text[self._pos:end]
        self._pos += len(out)
        return out


class MissingParent(DatabaseError):
    """A row would refer to a parent row that no longer exists."""


def lock_parents(parents: dict) -> None:
    """Lock the parent rows ``{model: keys}`` FOR KEY SHARE (by primary key);
    MissingParent when one is gone. Runs inside the caller's transaction."""
    with connection.cursor() as cur:
        for model, ids in parents.items():
            wanted = sorted(set(ids))
            if not wanted:
                continue
            table = model._meta.db_table
            pk = model._meta.pk.column
            if connection.vendor == "postgresql":
                cur.execute(
                    f"SELECT {pk} FROM {table} WHERE {pk} = ANY(%s) FOR KEY SHARE",  # noqa: S608
                    [wanted],
                )
            else:  # SQLite: one writer at a time, so a count is the check
                cur.execute(
                    f"SELECT {pk} FROM {table} WHERE {pk} IN "  # noqa: S608
                    f"({', '.join(['%s'] * len(wanted))})",
                    wanted,
                )
            found = {row[0] for row in cur.fetchall()}
            if len(found) != len(wanted):
                missing = sorted(set(wanted) - found)[:5]
                raise MissingParent(f"{table}: {missing}")


def lines_write_pg(
    *,
    batch_id: int,
    region_id: str,
    fiscal_year: int,
    stage: str,
    columns: Sequence[list],
    set_realisasi: bool,
    only_new: bool = False,
) -> None:
    """Write lines for one scope; see the module doc.

    ``columns``: one list per STAGE_COLUMNS entry, a value per line.
    ``items`` are JSON texts.
    ``set_realisasi``: changed lines take the line's realisasi (else they keep
    theirs); new lines always take it.
    ``only_new``: the caller's diff found no stored line with any of these keys:
    the lines are inserted without looking for ones to update (a line with the
    same key stored meanwhile still fails the unique key, never merges).
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
            "funding_source_id bigint, account_id bigint, items jsonb, "
            "pagu numeric(18,2), realisasi numeric(18,2)) "
            "ON COMMIT DROP"
        )
        _copy(cur, "import_stage", STAGE_COLUMNS, columns)
        # Matching staged rows to stored lines is one set against another: a hash
        # join whatever the line table's statistics say (right after a first
        # import they may still say "empty", and a nested loop over 100,000
        # lines per staged row would take minutes).
        cur.execute("SET LOCAL enable_nestloop = off")
        if not only_new:
            # Before-state of the lines about to change (every column, amounts
            # as text). Table names come from the models, values are parameters.
            cur.execute(
                f"INSERT INTO {changes} (batch_id, line_id, action, before) "  # noqa: S608
                f"SELECT %s, l.id, %s, to_jsonb(l) || jsonb_build_object("
                f"'pagu', l.pagu::text, 'realisasi', l.realisasi::text) "
                f"FROM {table} l JOIN import_stage s ON {join} WHERE {scope}",
                [batch_id, LineChangeAction.UPDATED, *scope_params],
            )
        insert = (
            f"INSERT INTO {table} (fiscal_year, stage, region_id, unit_id, "  # noqa: S608
            f"sub_unit_id, sub_kegiatan_id, funding_source_id, account_id, "
            f"items, pagu, realisasi, origin, import_batch_id, entered_by_id, "
            f"is_demo, created_at, updated_at) "
            f"SELECT %s, %s, %s, s.unit_id, s.sub_unit_id, s.sub_kegiatan_id, "
            f"s.funding_source_id, s.account_id, s.items, s.pagu, "
            f"s.realisasi, %s, %s, NULL, false, now(), now() FROM import_stage s"
        )
        insert_params = [fiscal_year, stage, region_id, LineOrigin.IMPORT, batch_id]
        runs = (
            f"runs AS (SELECT id, id - row_number() OVER (ORDER BY id) AS run FROM ins) "  # noqa: S608
            f"INSERT INTO {changes} (batch_id, line_id, last_line_id, action, before) "
            f"SELECT %s, min(id), max(id), %s, NULL FROM runs GROUP BY run"
        )
        runs_params = [batch_id, LineChangeAction.CREATED]
        if only_new:
            cur.execute(f"WITH ins AS ({insert} RETURNING id), {runs}",
                        insert_params + runs_params)
        else:
            realisasi = "s.realisasi" if set_realisasi else "l.realisasi"
            # One statement: update the staged rows that match a line, insert
            # the others (told apart by the update's RETURNING, never by reading
            # the table being inserted into), record the new ids as runs.
            cur.execute(
                f"WITH upd AS (UPDATE {table} l SET pagu = s.pagu, "  # noqa: S608
                f"items = s.items, realisasi = {realisasi}, origin = %s, "
                f"import_batch_id = %s, updated_at = now() "
                f"FROM import_stage s WHERE {join} AND {scope} RETURNING s.n), "
                f"ins AS ({insert} "
                f"WHERE NOT EXISTS (SELECT 1 FROM upd WHERE upd.n = s.n) RETURNING id), "
                f"{runs}",
                [LineOrigin.IMPORT, batch_id, *scope_params, *insert_params, *runs_params],
            )
        cur.execute("SET LOCAL enable_nestloop = DEFAULT")
        # Django's foreign keys (region, batch) are deferred to COMMIT: check
        # these rows' now, so a failure is reported here with a message.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("DROP TABLE import_stage")


def copy_rows_pg(table: str, names: Sequence[str], columns: Sequence[list]) -> None:
    """COPY rows, given as columns, straight into ``table`` (inside the caller's
    transaction; every constraint is checked by PostgreSQL as for an INSERT)."""
    if not columns or not columns[0]:
        return
    with connection.cursor() as cur:
        _copy(cur, table, names, columns)
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _copy(cur, table: str, names: Sequence[str], columns: Sequence[list]) -> None:
    raw = cur.cursor if hasattr(cur, "cursor") else cur
    raw.copy_expert(
        f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)",
        CopyColumns(columns),
        size=1 << 20,
    )
