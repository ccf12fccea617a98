"""The plan of a batch: its parsed file checked against the database and diffed
against what is stored. Nothing is written to budget data here."""

from __future__ import annotations

from ..models import ImportBatch, ImportKind
from .common import Plan, cell_dict, set_progress
from .parse import check_region, check_stage, check_year, parse
from .realisation import plan_cash_plan, plan_realisation
from .refs import Refs
from .rekap import plan_rekap


def plan_for(batch: ImportBatch, *, keep: bool = False, reuse: bool = False,
             names: bool = True) -> Plan:
    result, rejected = parse(batch, keep=keep, reuse=reuse)
    return plan_from(batch, result, rejected, names=names)


def plan_from(batch: ImportBatch, result, rejected, *, names: bool = True) -> Plan:
    """The plan of a parsed file (or its refusal). ``names``: say in the plan what
    the file does to stored names (for a preview someone reads before the commit;
    the commit reports what it meets itself)."""
    if rejected is not None:
        return Plan(kind="", fiscal_year=batch.fiscal_year, stage=batch.stage,
                    rejected=rejected)
    set_progress(batch, 0, len(result.rows))
    plan = Plan(kind=result.kind, fiscal_year=None)
    plan.errors = [cell_dict(e) for e in result.errors]
    plan.warnings = [cell_dict(e) for e in result.warnings]
    refusal = check_region(batch, result)
    if refusal is None:
        refusal = check_year(batch, result, plan)
    if refusal is None:
        refusal = check_stage(batch, result, plan)
    if refusal is not None:
        plan.rejected = refusal
        return plan
    # The stage read from the file's TAHAPAN column is the batch's from now on.
    batch.stage = plan.stage
    if result.kind == ImportKind.REKAP:
        plan_rekap(batch, result, plan)
    elif result.kind == ImportKind.RAK:
        plan_cash_plan(batch, result, plan)
    else:
        plan_realisation(batch, result, plan)
    if names and plan.ref_rows:
        money = plan.ref_rows if result.kind != ImportKind.REKAP else [
            line.row for line in plan.rows]
        plan.warnings += Refs(batch, plan.fiscal_year).name_warnings(plan.ref_rows, money)
    set_progress(batch, len(result.rows))
    plan.errors.sort(key=lambda e: (e["row"] or 0))
    return plan
