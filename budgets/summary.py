"""Keeping the budget summary table current, and deciding when to read it.

``budget_summary_refresh()`` rebuilds the summary rows of every (fiscal year,
region) the lines trigger marked dirty. Every service that writes lines or
their classification calls it inside its transaction (``budgets.services``);
the SIPD import commit calls it once after its upsert. A bulk load may call it
once at the end (``manage.py budget_summary_refresh``).

``summary_source(user, filters)`` answers the selectors: read the summary
table when the filters only use columns it has and no scope is dirty,
otherwise read the lines. Both give the same sums to the rupiah.
"""

from __future__ import annotations

import contextvars
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Substr

from regions import access
from regions.selectors import subtree_q

from .models import BudgetLine, UnitKind
from .models_summary import BudgetSummary, SummaryDirty

# Filters the summary table can answer (BudgetLineFilterSet names).
SUMMARY_FILTERS = {
    "fiscal_year", "stage", "region", "pemda", "unit", "sub_unit", "unit_kind",
    "pillar", "strategy", "sub_kegiatan",
}
# Filters only the lines can answer.
LINE_ONLY_FILTERS = {"account", "funding_source", "origin", "import_batch", "q"}
PROGRAM_CODE_LENGTH = 7  # "1.06.05"

_LOCK_KEY = zlib.crc32(b"budgets.summary.refresh")


def _lock() -> None:
    """Serialise refreshes: two concurrent rebuilds of a scope must not both insert."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _insert_select(where: str, params: list) -> None:
    line = BudgetLine._meta.db_table
    summary = BudgetSummary._meta.db_table
    qn = connection.ops.quote_name
    sql = f"""
        INSERT INTO {summary} (fiscal_year, stage, region_id, unit_id, sub_unit_id,
            sub_unit_kind, pillar_id, strategy_id, bidang, program, account_group,
            pagu, realisasi, lines, last_batch_id)
        SELECT l.fiscal_year, l.stage, l.region_id, l.unit_id, l.sub_unit_id, su.kind,
            l.pillar_id, l.strategy_id, SUBSTR(n.code, 1, 4), SUBSTR(n.code, 1, 7),
            a.{qn("group")}, SUM(l.pagu), SUM(l.realisasi), COUNT(*),
            MAX(l.import_batch_id)
        FROM {line} l
        JOIN budgets_unit su ON su.id = l.sub_unit_id
        JOIN budgets_nomenclature n ON n.id = l.sub_kegiatan_id
        JOIN budgets_account a ON a.id = l.account_id
        WHERE {where}
        GROUP BY l.fiscal_year, l.stage, l.region_id, l.unit_id, l.sub_unit_id, su.kind,
            l.pillar_id, l.strategy_id, SUBSTR(n.code, 1, 4), SUBSTR(n.code, 1, 7),
            a.{qn("group")}
    """  # noqa: S608 - table names from model meta, values as parameters
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner expects about one group per line and, with the default
            # 4 MB, sorts 100,000 lines on disk (0.8 s); the real groups (a few
            # thousand) fit a hash table in memory (0.2 s). Only for this statement.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = DEFAULT")


@transaction.atomic
def budget_summary_refresh(*, scopes: Iterable[tuple[int, str]] | None = None) -> int:
    """Rebuild the summary rows of the given (fiscal year, region code) scopes,
    or of every scope marked dirty when ``scopes`` is None. Returns the number
    of scopes rebuilt."""
    _lock()
    if scopes is None:
        pending = list(SummaryDirty.objects.values_list("fiscal_year", "region_id"))
    else:
        pending = sorted({(int(y), str(r)) for y, r in scopes})
    for year, region in pending:
        BudgetSummary.objects.filter(fiscal_year=year, region_id=region).delete()
        _insert_select("l.fiscal_year = %s AND l.region_id = %s", [year, region])
        SummaryDirty.objects.filter(fiscal_year=year, region_id=region).delete()
    return len(pending)


@transaction.atomic
def budget_summary_rebuild() -> int:
    """Rebuild the whole summary table from the lines (after a bulk load)."""
    _lock()
    BudgetSummary.objects.all().delete()
    _insert_select("1 = 1", [])
    SummaryDirty.objects.all().delete()
    return BudgetSummary.objects.count()


# --- reading ------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where aggregates come from, and how each measure and key is spelled there."""

    qs: QuerySet
    from_summary: bool
    lines: object  # aggregate expression for the line count
    groups: dict
    unit: str
    sub_unit: str
    sub_unit_kind: str
    last_batch: object


LINE_GROUPS = {
    "fiscal_year": F("fiscal_year"),
    "stage": F("stage"),
    "region": F("region_id"),
    "unit": F("unit_id"),
    "pillar": F("pillar__code"),
    "strategy": F("strategy__code"),
    "bidang": Substr("sub_kegiatan__code", 1, 4),
    "program": Substr("sub_kegiatan__code", 1, 7),
    "account_group": F("account__group"),
}
SUMMARY_GROUPS = {
    "fiscal_year": F("fiscal_year"),
    "stage": F("stage"),
    "region": F("region_id"),
    "unit": F("unit_id"),
    "pillar": F("pillar__code"),
    "strategy": F("strategy__code"),
    "bidang": F("bidang"),
    "program": F("program"),
    "account_group": F("account_group"),
}


def _filters_fit_summary(filters: dict | None) -> bool:
    for key, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if key in LINE_ONLY_FILTERS:
            return False
        if key == "sub_kegiatan" and len(str(value).strip()) > PROGRAM_CODE_LENGTH:
            return False
    return True


def _summary_filtered(qs: QuerySet, filters: dict) -> QuerySet | None:
    """The summary rows matching ``filters``; None when a value is not valid
    (the caller then lets the lines' FilterSet decide, as the list page does)."""
    from .filters import LATEST, NONE, latest_stage_only, stage_choice

    f = {k: str(v).strip() for k, v in filters.items() if k in SUMMARY_FILTERS and v not in (None, "")}
    try:
        if "fiscal_year" in f:
            qs = qs.filter(fiscal_year=int(f["fiscal_year"]))
        if "unit" in f:
            qs = qs.filter(unit_id=int(f["unit"]))
        if "sub_unit" in f:
            qs = qs.filter(sub_unit_id=int(f["sub_unit"]))
    except ValueError:
        return None
    # No stage (or ``terakhir``): each pemda's latest stage, the FilterSet's rule.
    stage = stage_choice(f.get("stage"))
    if stage is None:
        return None
    if stage == LATEST:
        qs = latest_stage_only(qs)
    else:
        qs = qs.filter(stage=stage)
    if "unit_kind" in f:
        if f["unit_kind"] not in UnitKind.values:
            return None
        qs = qs.filter(sub_unit_kind=f["unit_kind"])
    if "region" in f:
        qs = qs.filter(subtree_q(f["region"], field="region__code"))
    if "pemda" in f:
        qs = qs.filter(region_id=f["pemda"])
    for key in ("pillar", "strategy"):
        if key in f:
            if f[key] == NONE:
                qs = qs.filter(**{f"{key}__isnull": True})
            else:
                qs = qs.filter(**{f"{key}__code": f[key]})
    if "sub_kegiatan" in f:
        qs = qs.filter(program__startswith=f["sub_kegiatan"])
    return qs


def summary_enabled() -> bool:
    return getattr(settings, "BUDGET_SUMMARY_TABLE", True)


_in_once: contextvars.ContextVar[bool] = contextvars.ContextVar("budget_summary_once", default=False)
_clean_state: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "budget_summary_clean", default=None
)


@contextmanager
def summary_state_once():
    """Within this block, ask once whether any scope is dirty.

    For a read made of many summary calls (a dashboard page): one query instead
    of one per call. Never wrap writes in it.
    """
    token = _clean_state.set(None)
    once = _in_once.set(True)
    try:
        yield
    finally:
        _in_once.reset(once)
        _clean_state.reset(token)


def _summary_clean() -> bool:
    cached = _clean_state.get()
    if cached is not None:
        return cached
    clean = not SummaryDirty.objects.exists()
    if _in_once.get():
        _clean_state.set(clean)
    return clean


def summary_source(*, user, filters: dict | None, line_scope) -> Source:
    """Summary rows when they can answer exactly, else the lines (``line_scope``
    is ``budgets.selectors.budget_line_scope``, passed to avoid a cycle)."""
    if summary_enabled() and _filters_fit_summary(filters) and _summary_clean():
        qs = BudgetSummary.objects.filter(access.readable_q(user, field="region__code"))
        qs = _summary_filtered(qs, dict(filters or {}))
        if qs is not None:
            return Source(
                qs=qs, from_summary=True, lines=Sum("lines"), groups=SUMMARY_GROUPS,
                unit="unit_id", sub_unit="sub_unit_id", sub_unit_kind="sub_unit_kind",
                last_batch=F("last_batch_id"),
            )
    return Source(
        qs=line_scope(user=user, filters=filters), from_summary=False, lines=Count("id"),
        groups=LINE_GROUPS, unit="unit_id", sub_unit="sub_unit_id",
        sub_unit_kind="sub_unit__kind", last_batch=F("import_batch_id"),
    )

