"""Realisation per document and the monthly cash plan (DPA/RAK).

Realisation. A document (Nomor Dokumen x rekening of a sub unit's sub kegiatan)
is one record: reports are cumulative and overlap, so a later report adds only
the documents that are new, and shows a changed amount of a known document as a
change. Documents a report does not list are kept (an earlier report had them).
The spending belongs to the sub unit that spent it (``Kode Sub SKPD``).

A line's realisation is the sum of its documents: ``line_realisation_refresh``
sets it on every line of the region's year (each stage is a complete budget, so
each stage's lines carry the documents), splitting a (sub unit, sub kegiatan,
rekening) over its sumber dana lines in proportion to their pagu, rounded to the
sen, the remainder on the line with the largest pagu. Spending on a key with no
line is kept, never dropped or moved: it is "realisasi tanpa pagu". Until a
region's year has documents, its lines keep the realisation a recap or a person
gave them.

Cash plan. The anggaran kas of one stage replaces, per SKPD the file names, the
plan stored for that stage (like a recap of that stage).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from ..models import (
    BudgetLine,
    CashPlanLine,
    ImportBatch,
    ImportRecordChange,
    LineChangeAction,
    RealisationDocument,
)
from ..money import format_rupiah as rupiah
from ..stages import stage_label
from .common import CENT, ZERO, Plan, warning
from .refs import Refs


class RefRow(NamedTuple):
    """A realisation or cash plan row in the shape Refs reads."""

    row_number: int
    kode_skpd: str
    nama_skpd: str
    kode_sub_unit: str
    nama_sub_unit: str
    kode_urusan: str
    nama_urusan: str
    kode_bidang: str
    nama_bidang: str
    kode_program: str
    nama_program: str
    kode_kegiatan: str
    nama_kegiatan: str
    kode_sub_kegiatan: str
    nama_sub_kegiatan: str
    kode_sumber_dana: str
    nama_sumber_dana: str
    kode_rekening: str
    nama_rekening: str


def _ref_row(r, sub_unit_field: str, sub_unit_name: str) -> RefRow:
    g = lambda name: getattr(r, name, "") or ""  # noqa: E731
    return RefRow(
        r.row_number, r.kode_skpd, g("nama_skpd"),
        g(sub_unit_field) or r.kode_skpd, g(sub_unit_name),
        g("kode_urusan"), g("nama_urusan"), g("kode_bidang"), g("nama_bidang"),
        g("kode_program"), g("nama_program"), g("kode_kegiatan"), g("nama_kegiatan"),
        r.kode_sub_kegiatan, g("nama_sub_kegiatan"), "", "",
        r.kode_rekening, g("nama_rekening"),
    )


class Doc:
    __slots__ = ("key", "row", "amount", "refund", "rows")

    def __init__(self, key, row):
        self.key = key  # (skpd, sub unit, sub kegiatan, rekening, nomor dokumen)
        self.row = row
        self.amount = ZERO
        self.refund = ZERO
        self.rows = 0

    @property
    def row_number(self):
        return self.row.row_number


def plan_realisation(batch: ImportBatch, result, plan: Plan) -> None:
    docs: dict = {}
    refs = []
    named: set = set()  # one row per combination of codes names the reference data
    for r in result.rows:
        if not r.ok:
            continue
        sub = r.kode_sub_skpd or r.kode_skpd
        codes = (r.kode_skpd, sub, r.kode_sub_kegiatan, r.kode_rekening)
        key = codes + (r.nomor_dokumen,)
        doc = docs.get(key)
        if doc is None:
            doc = docs[key] = Doc(key, r)
            if codes not in named:
                named.add(codes)
                refs.append(_ref_row(r, "kode_sub_skpd", "nama_sub_skpd"))
        doc.amount += r.nilai_realisasi or ZERO
        doc.refund += r.nilai_setoran or ZERO
        doc.rows += 1
    plan.rows = list(docs.values())
    plan.ref_rows = refs
    plan.skpd_codes = {d.key[0] for d in plan.rows}
    plan.skpd = sorted({(d.key[0], d.row.nama_skpd) for d in plan.rows})
    plan.total_realisasi = sum((d.amount for d in plan.rows), ZERO)
    plan.total_refund = sum((d.refund for d in plan.rows), ZERO)
    repeated = sum(1 for d in plan.rows if d.rows > 1)
    if repeated:
        plan.warnings.append(warning(
            "rows_summed",
            _("%(n)d dokumen tertulis pada lebih dari satu baris untuk rekening yang sama; "
              "nilainya dijumlahkan.") % {"n": repeated},
            f"{repeated} documents appear on several rows for one rekening; summed.",
        ))
    stored = _stored_documents(batch, plan.fiscal_year)
    for d in plan.rows:
        old = stored.get(d.key)
        if old is None:
            plan.new.append(d)
        elif (old[1], old[2], old[3]) == (d.amount, d.refund, d.row.tanggal_dokumen):
            plan.unchanged += 1
        else:
            plan.changed.append((d, old))
    _line_effects(batch, plan, stored)


def _stored_documents(batch: ImportBatch, fiscal_year: int) -> dict:
    rows = RealisationDocument.objects.filter(
        region_id=batch.region_id, fiscal_year=fiscal_year
    ).values_list(
        "unit__code", "sub_unit__code", "sub_kegiatan__code", "account__code",
        "document_number", "id", "amount", "refund", "document_date",
    )
    return {r[:5]: r[5:] for r in rows}


def _line_effects(batch: ImportBatch, plan: Plan, stored: dict) -> None:
    """What the documents will do to the lines of the budget in force (the latest
    stage of the year): keys split over several sumber dana, and spending with no
    line (realisasi tanpa pagu). Shown in the preview."""
    totals: dict = defaultdict(lambda: ZERO)
    for key, old in stored.items():
        totals[key[1:4]] += old[1]
    for d in plan.rows:
        old = stored.get(d.key)
        if old is not None:
            totals[d.key[1:4]] -= old[1]
        totals[d.key[1:4]] += d.amount
    latest = BudgetLine.objects.filter(
        region_id=batch.region_id, fiscal_year=plan.fiscal_year
    ).aggregate(m=Max("stage"))["m"]
    lines: dict = defaultdict(int)
    if latest:
        for key in BudgetLine.objects.filter(
            region_id=batch.region_id, fiscal_year=plan.fiscal_year, stage=latest
        ).values_list("sub_unit__code", "sub_kegiatan__code", "account__code"):
            lines[key] += 1
    split = [k for k in totals if lines.get(k, 0) > 1]
    without = {k: v for k, v in totals.items() if not lines.get(k) and v}
    plan.line_effects = {
        "stage": latest or "",
        "stage_label": stage_label(latest) if latest else "",
        "split": len(split),
        "without_pagu": len(without),
        "without_pagu_amount": str(sum(without.values(), ZERO)),
    }
    if split:
        plan.warnings.append(warning(
            "split_by_pagu",
            _("%(n)d kombinasi sub unit, sub kegiatan dan rekening dianggarkan dari lebih "
              "dari satu sumber dana: realisasinya dibagi menurut pagu tiap sumber dana.")
            % {"n": len(split)},
            f"{len(split)} sub unit x sub kegiatan x rekening have several sumber dana "
            "lines: their realisation is split in proportion to pagu.",
        ))
    if without:
        amount = sum(without.values(), ZERO)
        plan.warnings.append(warning(
            "realisasi_without_pagu",
            _("%(n)d kombinasi sub unit, sub kegiatan dan rekening tidak punya baris anggaran "
              "pada tahapan berlaku: realisasinya %(amount)s disimpan sebagai 'realisasi "
              "tanpa pagu' (tidak dibuang, tidak dipindah).")
            % {"n": len(without), "amount": rupiah(amount)},
            f"{len(without)} keys have no budget line in the stage in force: "
            f"{amount} kept as realisation without pagu.",
        ))


def _doc_values(d: Doc) -> dict:
    r = d.row
    return {
        "amount": d.amount, "refund": d.refund, "document_date": r.tanggal_dokumen,
        "document_kind": (r.jenis_dokumen or "")[:20],
        "transaction_kind": (r.jenis_transaksi or "")[:20],
        "apbd_stage": (getattr(r, "tahapan_apbd", "") or "")[:60],
    }


def _record_before(batch, model: str, objs) -> None:
    from .commit import json_value

    ImportRecordChange.objects.bulk_create(
        [ImportRecordChange(batch=batch, model=model, record_id=o["id"],
                            action=LineChangeAction.UPDATED,
                            before={k: json_value(v) for k, v in o.items()})
         for o in objs],
        batch_size=2000,
    )


def commit_realisation(batch: ImportBatch, plan: Plan) -> int:
    from .commit import add_name_warnings

    refs = Refs(batch, plan.fiscal_year)
    refs.ensure(plan.ref_rows, plan.ref_rows)
    add_name_warnings(batch, refs)
    changed_ids = [old[0] for _d, old in plan.changed]
    _record_before(batch, "document", RealisationDocument.objects.filter(
        pk__in=changed_ids).values())
    updates = []
    for d, old in plan.changed:
        obj = RealisationDocument(pk=old[0], import_batch_id=batch.pk, **_doc_values(d))
        updates.append(obj)
    RealisationDocument.objects.bulk_update(
        updates, ["amount", "refund", "document_date", "document_kind", "transaction_kind",
                  "apbd_stage", "import_batch"], batch_size=1000,
    )
    if connection.vendor == "postgresql":
        _copy_documents(batch, plan, refs)
    else:
        new = []
        for d in plan.new:
            skpd, sub, sub_kegiatan, account, number = d.key
            new.append(RealisationDocument(
                region_id=batch.region_id, fiscal_year=plan.fiscal_year,
                unit_id=refs.units[skpd], sub_unit_id=refs.units[sub],
                sub_kegiatan_id=refs.nomenclature[sub_kegiatan],
                account_id=refs.accounts[account], document_number=number[:120],
                import_batch_id=batch.pk, **_doc_values(d),
            ))
        RealisationDocument.objects.bulk_create(new, batch_size=2000)
    return len(plan.new) + len(updates)


def _copy_documents(batch: ImportBatch, plan: Plan, refs: Refs) -> None:
    """The new documents in one COPY (the ORM's insert of 100,000 documents spent
    most of its time preparing values one field at a time)."""
    from django.utils import timezone

    from ..line_bulk import copy_rows_pg
    from .commit import lock_reference_rows

    docs = plan.new
    if not docs:
        return
    keys = [d.key for d in docs]
    lock_reference_rows(
        refs, units={refs.units[k[0]] for k in keys} | {refs.units[k[1]] for k in keys},
        nomenclature={refs.nomenclature[k[2]] for k in keys},
        accounts={refs.accounts[k[3]] for k in keys}, batch=batch,
    )
    n = len(docs)
    now = timezone.now().isoformat()
    values = [_doc_values(d) for d in docs]
    copy_rows_pg(
        RealisationDocument._meta.db_table,
        ["region_id", "fiscal_year", "unit_id", "sub_unit_id", "sub_kegiatan_id",
         "account_id", "document_number", "document_kind", "transaction_kind",
         "document_date", "amount", "refund", "apbd_stage", "import_batch_id",
         "created_at", "updated_at"],
        [
            [batch.region_id] * n, [plan.fiscal_year] * n,
            [refs.units[k[0]] for k in keys], [refs.units[k[1]] for k in keys],
            [refs.nomenclature[k[2]] for k in keys], [refs.accounts[k[3]] for k in keys],
            [k[4][:120] for k in keys],
            [v["document_kind"] for v in values], [v["transaction_kind"] for v in values],
            [v["document_date"].isoformat() if v["document_date"] else None
             for v in values],
            [v["amount"] for v in values], [v["refund"] for v in values],
            [v["apbd_stage"] for v in values], [batch.pk] * n, [now] * n, [now] * n,
        ],
    )


def spread(total: Decimal, lines: list[tuple]) -> list[tuple[int, Decimal]]:
    """Split ``total`` over lines ``(id, pagu)`` in proportion to pagu, to the sen;
    the remainder goes to the line with the largest pagu (equal shares when every
    pagu is zero)."""
    if len(lines) == 1:
        return [(lines[0][0], total)]
    pagu_sum = sum((t[1] for t in lines), ZERO)
    shares = []
    for line_id, pagu in lines:
        if pagu_sum:
            share = (total * pagu / pagu_sum).quantize(CENT, rounding=ROUND_DOWN)
        else:
            share = (total / len(lines)).quantize(CENT, rounding=ROUND_DOWN)
        shares.append([line_id, share, pagu])
    remainder = total - sum(s[1] for s in shares)
    biggest = max(shares, key=lambda s: (s[2], -s[0]))
    biggest[1] += remainder
    return [(s[0], s[1]) for s in shares]


def line_realisation_refresh(*, region_id: str, fiscal_year: int | None,
                             batch: ImportBatch | None = None) -> int:
    """Set every line of the region's year to the realisation of its documents;
    returns the number of lines changed. Nothing when the year has no document.

    With ``batch``, the lines it changes that the batch did not write itself are
    recorded with their state before (ImportLineChange), so rolling the batch
    back gives them back their realisation exactly.
    """
    if fiscal_year is None:
        return 0
    docs = RealisationDocument.objects.filter(region_id=region_id, fiscal_year=fiscal_year)
    totals = {
        (r["sub_unit_id"], r["sub_kegiatan_id"], r["account_id"]): r["total"]
        for r in docs.values("sub_unit_id", "sub_kegiatan_id", "account_id")
        .annotate(total=Sum("amount")).order_by()
    }
    if not totals:
        return 0
    groups: dict = defaultdict(list)
    current = {}
    for pk, stage, su, sk, acc, pagu, realisasi in BudgetLine.objects.filter(
        region_id=region_id, fiscal_year=fiscal_year
    ).values_list("pk", "stage", "sub_unit_id", "sub_kegiatan_id", "account_id", "pagu",
                  "realisasi").order_by("pk"):
        groups[(stage, su, sk, acc)].append((pk, pagu))
        current[pk] = realisasi
    changes = []
    for (_stage, su, sk, acc), lines in groups.items():
        total = totals.get((su, sk, acc))
        new = spread(total, lines) if total is not None else [(pk, ZERO) for pk, _p in lines]
        changes += [(pk, value) for pk, value in new if current[pk] != value]
    if not changes:
        return 0
    if batch is not None:
        _record_realisasi_before(batch, changes, current)
    _set_realisasi(changes)
    return len(changes)


def _set_realisasi(changes: list[tuple[int, Decimal]]) -> None:
    if not changes:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {BudgetLine._meta.db_table} l SET realisasi = v.r, "  # noqa: S608
                "updated_at = now() FROM (SELECT unnest(%s::bigint[]) AS id, "
                "unnest(%s::numeric[]) AS r) v WHERE l.id = v.id",
                [[c[0] for c in changes], [c[1] for c in changes]],
            )
    else:
        BudgetLine.objects.bulk_update(
            [BudgetLine(pk=pk, realisasi=value) for pk, value in changes], ["realisasi"],
            batch_size=1000,
        )


#: ImportRecordChange.model of the realisation a batch's documents moved on lines.
LINE_REALISASI = "line_realisasi"


def _record_realisasi_before(batch: ImportBatch, changes, current: dict) -> None:
    """The realisation the lines had before this batch moved it, in one record
    (the line's other columns are the documents' business, not this batch's):
    rollback puts these values back, then books the documents that remain.
    Lines the batch wrote itself are left out (they go with the batch), and a line
    already recorded for this batch keeps its first value."""
    ids = [pk for pk, _value in changes]
    mine = set(BudgetLine.objects.filter(pk__in=ids, import_batch_id=batch.pk)
               .values_list("pk", flat=True))
    record = ImportRecordChange.objects.filter(batch=batch, model=LINE_REALISASI).first()
    before = dict(zip((record.before or {}).get("ids", []),
                      (record.before or {}).get("realisasi", []), strict=True)) \
        if record else {}
    for pk in ids:
        if pk not in mine and pk not in before:
            before[pk] = str(current[pk])
    data = {"ids": list(before), "realisasi": list(before.values())}
    if record is None:
        ImportRecordChange.objects.create(batch=batch, model=LINE_REALISASI, record_id=0,
                                          action=LineChangeAction.UPDATED, before=data)
    else:
        record.before = data
        record.save(update_fields=["before"])


def restore_realisasi(batch: ImportBatch) -> int:
    """Give the lines the realisation they had before ``batch`` (see above)."""
    record = ImportRecordChange.objects.filter(batch=batch, model=LINE_REALISASI).first()
    if record is None:
        return 0
    ids = record.before.get("ids", [])
    values = [Decimal(v) for v in record.before.get("realisasi", [])]
    existing = set(BudgetLine.objects.filter(pk__in=ids).values_list("pk", flat=True))
    changes = [(pk, v) for pk, v in zip(ids, values, strict=True) if pk in existing]
    _set_realisasi(changes)
    return len(changes)


# --- cash plan (DPA / RAK) ----------------------------------------------------------


class Planned:
    __slots__ = ("key", "row", "total", "months")

    def __init__(self, key, row):
        self.key = key  # (skpd, sub unit, sub kegiatan, rekening, sumber dana name)
        self.row = row
        self.total = ZERO
        self.months = [ZERO] * 12

    @property
    def row_number(self):
        return self.row.row_number


def plan_cash_plan(batch: ImportBatch, result, plan: Plan) -> None:
    planned: dict = {}
    refs = []
    for r in result.rows:
        if not r.ok:
            continue
        sub = getattr(r, "kode_sub_unit", "") or r.kode_skpd
        key = (r.kode_skpd, sub, r.kode_sub_kegiatan, r.kode_rekening,
               (r.sumber_dana or "")[:255])
        p = planned.get(key)
        if p is None:
            p = planned[key] = Planned(key, r)
            refs.append(_ref_row(r, "kode_sub_unit", "nama_sub_unit"))
        p.total += r.nilai_rincian or ZERO
        for i, value in enumerate(r.months or ()):
            p.months[i] += value or ZERO
    plan.rows = list(planned.values())
    plan.ref_rows = refs
    plan.skpd_codes = {p.key[0] for p in plan.rows}
    plan.skpd = sorted({(p.key[0], p.row.nama_skpd) for p in plan.rows})
    plan.total_pagu = sum((p.total for p in plan.rows), ZERO)
    stored = {
        r[:5]: r[5:] for r in CashPlanLine.objects.filter(
            region_id=batch.region_id, fiscal_year=plan.fiscal_year, stage=plan.stage,
            unit__code__in=list(plan.skpd_codes),
        ).values_list("unit__code", "sub_unit__code", "sub_kegiatan__code", "account__code",
                      "funding_source_name", "id", "total", "months")
    }
    seen = set()
    for p in plan.rows:
        old = stored.get(p.key)
        if old is None:
            plan.new.append(p)
            continue
        seen.add(p.key)
        if old[1] == p.total and old[2] == [str(m) for m in p.months]:
            plan.unchanged += 1
        else:
            plan.changed.append((p, old))
    plan.gone = [(key, old) for key, old in stored.items() if key not in seen]


def commit_cash_plan(batch: ImportBatch, plan: Plan) -> int:
    from .commit import add_name_warnings, lock_reference_rows

    refs = Refs(batch, plan.fiscal_year)
    refs.ensure(plan.ref_rows, plan.ref_rows)
    add_name_warnings(batch, refs)
    keys = [p.key for p in plan.new]
    lock_reference_rows(
        refs, units={refs.units[k[0]] for k in keys} | {refs.units[k[1]] for k in keys},
        nomenclature={refs.nomenclature[k[2]] for k in keys},
        accounts={refs.accounts[k[3]] for k in keys},
    )
    ids = [old[0] for _p, old in plan.changed] + [old[0] for _k, old in plan.gone]
    before = list(CashPlanLine.objects.filter(pk__in=ids).values())
    gone_ids = {old[0] for _k, old in plan.gone}
    ImportRecordChange.objects.bulk_create(
        [ImportRecordChange(
            batch=batch, model="cashplan", record_id=o["id"],
            action=LineChangeAction.REMOVED if o["id"] in gone_ids else LineChangeAction.UPDATED,
            before={k: (str(v) if isinstance(v, Decimal) else v) for k, v in o.items()})
         for o in before],
        batch_size=2000,
    )
    CashPlanLine.objects.filter(pk__in=gone_ids).delete()
    CashPlanLine.objects.bulk_update(
        [CashPlanLine(pk=old[0], total=p.total, months=[str(m) for m in p.months],
                      document_type=(getattr(p.row, "tipe_dokumen", "") or "")[:40],
                      import_batch_id=batch.pk)
         for p, old in plan.changed],
        ["total", "months", "document_type", "import_batch"], batch_size=1000,
    )
    new = []
    for p in plan.new:
        skpd, sub, sub_kegiatan, account, source = p.key
        new.append(CashPlanLine(
            region_id=batch.region_id, fiscal_year=plan.fiscal_year, stage=plan.stage,
            unit_id=refs.units[skpd], sub_unit_id=refs.units[sub],
            sub_kegiatan_id=refs.nomenclature[sub_kegiatan],
            account_id=refs.accounts[account], funding_source_name=source,
            total=p.total, months=[str(m) for m in p.months],
            document_type=(getattr(p.row, "tipe_dokumen", "") or "")[:40],
            import_batch_id=batch.pk,
        ))
    CashPlanLine.objects.bulk_create(new, batch_size=2000)
    return len(new) + len(plan.changed) + len(gone_ids)
