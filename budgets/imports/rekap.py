"""Budget recap files: rows -> lines (rows sharing a key summed), and the diff of
those lines against the stored lines of the same scope.

Scope = region, fiscal year, stage of the batch, and the SKPD the file names:
an export of one SKPD is a partial file, and only that SKPD's lines are
compared and replaced. Each stage is a snapshot: a file never touches another
stage's lines.

A file row matches a stored line by natural key (SKPD, sub unit, sub kegiatan,
sumber dana, rekening). SIPD writes several rows per key (per paket/kelompok,
per standar harga item); they are distinct money and are summed, exactly, into
one line whose ``items`` keep the rows. Lines whose pagu, items or (when the
file carries it) realisasi differ are "changed"; the rest unchanged and not
written. "Gone" lines are stored lines of the scope that came from an import
and are no longer in the file; hand-entered and demo lines are not SIPD's to
remove.

Rows with no budget (sumber dana, rekening and PAGU empty) record the
nomenclature and units of the year and are counted, never errors.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _q

from django.db import connection
from django.utils.translation import gettext as _

from ..models import (
    Account,
    BudgetLine,
    FundingSource,
    ImportBatch,
    LineOrigin,
    Nomenclature,
    Unit,
)
from .common import ZERO, Plan, error, warning

#: The keys of a detail row in the order PostgreSQL's jsonb writes them (by
#: length, then bytes): the JSON text made here is the text jsonb gives back, so a
#: re-import compares the stored detail as text, with nothing decoded.
ITEM_KEYS = ("row", "code", "kind", "name", "amount")


def items_text(items) -> str:
    """The canonical JSON text of a list of detail rows (jsonb's own output)."""
    return json.dumps([{k: i.get(k) for k in ITEM_KEYS} for i in items or []],
                      ensure_ascii=False)


class Line:
    """One line of the file: the rows sharing a natural key, summed.

    ``items_json`` is the detail as canonical JSON text (see ITEM_KEYS); empty
    ("[]") for a single row naming no paket, kelompok or standar harga."""

    __slots__ = ("key", "pagu", "realisasi", "parts", "items_json", "row", "item_count")

    def __init__(self, key, row):
        self.key = key
        self.row = row  # the first row: names and row number
        self.pagu = ZERO
        self.realisasi = ZERO
        self.parts = []
        self.items_json = "[]"
        self.item_count = 0

    @property
    def row_number(self) -> int:
        return self.row.row_number

    @property
    def items(self) -> list:
        return json.loads(self.items_json)


def _item_json(r) -> tuple[str, bool]:
    """A row's detail as JSON text, and whether it names anything."""
    code = r.kode_standar_harga or ""
    std = r.nama_standar_harga or ""
    if code or std:
        kind, name = "standar_harga", std
    else:
        kind, name = (r.paket or ""), (r.nama_paket or "")
    text = (f'{{"row": {r.row_number}, "code": {_q(code)}, "kind": {_q(kind)}, '
            f'"name": {_q(name)}, "amount": {_q(str(r.pagu))}}}')
    return text, bool(code or kind or name)


def row_key(r) -> tuple:
    return (r.kode_skpd, r.kode_sub_unit or r.kode_skpd, r.kode_sub_kegiatan,
            r.kode_sumber_dana, r.kode_rekening)


def sum_lines(rows, *, has_realisasi: bool) -> list[Line]:
    """The file's lines, in order of first appearance, with their detail rows."""
    lines: dict = {}
    get = lines.get
    named: set = set()
    for r in rows:
        key = row_key(r)
        line = get(key)
        if line is None:
            line = lines[key] = Line(key, r)
        line.pagu += r.pagu
        if has_realisasi and r.realisasi:
            line.realisasi += r.realisasi
        text, names = _item_json(r)
        line.parts.append(text)
        if names:
            named.add(key)
    out = list(lines.values())
    for line in out:
        parts = line.parts
        if len(parts) > 1 or line.key in named:
            line.items_json = "[" + ", ".join(parts) + "]"
            line.item_count = len(parts)
        line.parts = None
    return out


def plan_rekap(batch: ImportBatch, result, plan: Plan) -> None:
    from programs.models import Pillar, Strategy

    has_pilar = "pilar" in result.columns
    has_strategi = "strategi" in result.columns
    has_labels = "label" in result.columns
    plan.has_realisasi = "realisasi" in result.columns
    headers = dict(zip(result.columns, result.raw_headers, strict=False))
    pillars = _index(Pillar) if has_pilar else {}
    strategies = _index(Strategy) if has_strategi else {}
    valid, ref_rows, tags = [], [], {}
    for r in result.rows:
        if not r.ok:
            continue
        ref_rows.append(r)
        if not r.has_budget:
            plan.no_budget_rows += 1
            continue
        pillar_id = strategy_id = None
        bad = False
        if has_pilar and r.pilar:
            pillar_id = pillars.get(r.pilar.strip().lower())
            if pillar_id is None:
                plan.errors.append(error(
                    r.row_number, headers.get("pilar", "PILAR"), r.pilar, "pillar_unknown",
                    _("Baris %(row)d: pilar '%(value)s' tidak dikenal. Tulis kode atau nama "
                      "pilar seperti di portal.") % {"row": r.row_number, "value": r.pilar},
                    f"Row {r.row_number}: unknown pillar '{r.pilar}'.",
                ))
                bad = True
        if has_strategi and r.strategi:
            strategy_id = strategies.get(r.strategi.strip().lower())
            if strategy_id is None:
                plan.errors.append(error(
                    r.row_number, headers.get("strategi", "STRATEGI"), r.strategi,
                    "strategy_unknown",
                    _("Baris %(row)d: strategi '%(value)s' tidak dikenal. Tulis kode atau "
                      "nama strategi Inpres 4/2022 seperti di portal.")
                    % {"row": r.row_number, "value": r.strategi},
                    f"Row {r.row_number}: unknown strategy '{r.strategi}'.",
                ))
                bad = True
        if bad:
            continue
        valid.append(r)
        labels = [str(v or "").strip()[:255] for _h, v in (r.labels or ()) if str(v or "").strip()] \
            if has_labels else []
        if pillar_id or strategy_id or labels:
            entry = tags.setdefault(row_key(r), [None, None, []])
            entry[0] = entry[0] or pillar_id
            entry[1] = entry[1] or strategy_id
            entry[2] += [label for label in labels if label not in entry[2]]
    plan.ref_rows = ref_rows
    plan.file_rows = len(valid)
    lines = sum_lines(valid, has_realisasi=plan.has_realisasi)
    plan.tag_rows = [(key, p, s, labels) for key, (p, s, labels) in tags.items()]
    _skpd_covered(plan, ref_rows)
    if plan.file_rows > len(lines):
        plan.warnings.append(warning(
            "rows_summed",
            _("%(rows)d baris anggaran berkas menjadi %(lines)d baris: baris dengan SKPD, "
              "sub unit, sub kegiatan, sumber dana dan rekening yang sama (per paket/"
              "kelompok atau standar harga) dijumlahkan; rinciannya tetap terbaca pada "
              "baris.") % {"rows": plan.file_rows, "lines": len(lines)},
            f"{plan.file_rows} budget rows became {len(lines)} lines: rows sharing a key "
            "are summed; their detail stays with the line.",
        ))
    if plan.no_budget_rows:
        plan.warnings.append(warning(
            "no_budget",
            _("%(n)d sub kegiatan tanpa anggaran (sumber dana, rekening dan pagu kosong): "
              "nomenklatur dan unitnya dicatat untuk tahun %(year)s, tanpa nilai.")
            % {"n": plan.no_budget_rows, "year": plan.fiscal_year},
            f"{plan.no_budget_rows} sub kegiatan without budget: their nomenclature and "
            "units are recorded, with no money.",
        ))
    diff_lines(batch, plan, lines)


def _index(model) -> dict:
    out = {}
    for pk, code, name in model.objects.values_list("pk", "code", "name"):
        out[code.lower()] = pk
        out[name.lower()] = pk
        out[code.lower().replace("_", " ")] = pk
    return out


def _skpd_covered(plan: Plan, rows) -> None:
    """The SKPD the file names (its scope), and a warning when the region has
    stored lines of other SKPD in this stage: a partial file replaces only its own."""
    named: dict = {}
    for r in rows:
        if r.kode_skpd and r.kode_skpd not in named:
            named[r.kode_skpd] = r.nama_skpd
    plan.skpd = sorted(named.items())
    plan.skpd_codes = set(named)


def partial_warning(batch: ImportBatch, plan: Plan) -> None:
    others = (
        BudgetLine.objects.filter(region_id=batch.region_id, fiscal_year=plan.fiscal_year,
                                  stage=plan.stage)
        .exclude(unit__code__in=list(plan.skpd_codes))
        .values_list("unit__code", flat=True).distinct()
    )
    others = sorted(set(others))
    if not others:
        _new_stage_warning(batch, plan)
        return
    plan.warnings.append(warning(
        "partial_file",
        _("Berkas ini memuat %(n)d SKPD (%(codes)s). Baris %(other)d SKPD lain yang "
          "tersimpan untuk tahapan ini tidak disentuh.")
        % {"n": len(plan.skpd_codes), "codes": ", ".join(sorted(plan.skpd_codes)[:10])
           + (" ..." if len(plan.skpd_codes) > 10 else ""), "other": len(others)},
        f"This file covers {len(plan.skpd_codes)} SKPD; the stored lines of "
        f"{len(others)} other SKPD of this stage are left as they are.",
    ))


def _new_stage_warning(batch: ImportBatch, plan: Plan) -> None:
    """The first file of a later stage that covers fewer SKPD than the stage
    before it: until the other SKPD's files of this stage are in, the stage in
    force (the latest) holds only these SKPD. Said before the commit."""
    before = (
        BudgetLine.objects.filter(region_id=batch.region_id, fiscal_year=plan.fiscal_year,
                                  stage__lt=plan.stage)
        .order_by("-stage").values_list("stage", flat=True).first()
    )
    if before is None:
        return
    missing = set(
        BudgetLine.objects.filter(region_id=batch.region_id, fiscal_year=plan.fiscal_year,
                                  stage=before)
        .values_list("unit__code", flat=True).distinct()
    ) - plan.skpd_codes
    if not missing:
        return
    from ..stages import stage_label

    plan.warnings.append(warning(
        "partial_file",
        _("Ini berkas pertama tahapan %(stage)s dan hanya memuat %(n)d SKPD; %(missing)d "
          "SKPD tahapan %(before)s belum ada di tahapan ini. Tahapan terakhir adalah "
          "anggaran yang berlaku: sampai berkas SKPD lain tahapan ini diimpor, anggaran "
          "dan realisasi SKPD itu tidak terbaca pada tahapan ini.")
        % {"stage": stage_label(plan.stage), "n": len(plan.skpd_codes),
           "missing": len(missing), "before": stage_label(before)},
        f"This is the first file of stage {stage_label(plan.stage)} and covers "
        f"{len(plan.skpd_codes)} SKPD; {len(missing)} SKPD of {stage_label(before)} "
        "are not in this stage yet.",
    ))


def existing_lines(batch: ImportBatch, fiscal_year: int, stage: str, skpd_codes) -> list:
    """Stored lines of the scope: (id, skpd, sub unit, sub kegiatan, sumber dana,
    rekening, pagu, realisasi, items as canonical JSON text, origin).

    On PostgreSQL one raw query returns the lines with their parents' ids, and
    the ids become codes through small id -> code maps: every line's codes are
    then the same few string objects.
    """
    codes = sorted(skpd_codes)
    if not codes:
        return []
    if connection.vendor != "postgresql":
        return [t[:8] + (items_text(t[8]),) + t[9:] for t in BudgetLine.objects.filter(
            fiscal_year=fiscal_year, stage=stage, region_id=batch.region_id,
            unit__code__in=codes,
        ).values_list(
            "id", "unit__code", "sub_unit__code", "sub_kegiatan__code",
            "funding_source__code", "account__code", "pagu", "realisasi", "items", "origin",
        )]
    units = dict(Unit.objects.filter(region_id=batch.region_id).values_list("pk", "code"))
    skpd_ids = [pk for pk, code in units.items() if code in skpd_codes]
    if not skpd_ids:
        return []
    table = BudgetLine._meta.db_table
    sql = (
        f"SELECT l.id, l.unit_id, l.sub_unit_id, l.sub_kegiatan_id, "  # noqa: S608
        f"l.funding_source_id, l.account_id, l.pagu, l.realisasi, l.items, l.origin "
        f"FROM {table} l WHERE l.region_id = %s AND l.fiscal_year = %s AND l.stage = %s "
        f"AND l.unit_id = ANY(%s)"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [batch.region_id, fiscal_year, stage, skpd_ids])
        fetched = cur.fetchall()
    if not fetched:
        return []
    cols = list(zip(*fetched, strict=True))
    del fetched

    def code_map(model, ids) -> dict:
        return dict(model.objects.filter(pk__in=list(ids)).values_list("pk", "code"))

    unit_codes = code_map(Unit, set(cols[1]) | set(cols[2]))
    maps = {
        1: unit_codes, 2: unit_codes,
        3: code_map(Nomenclature, set(cols[3])),
        4: code_map(FundingSource, set(cols[4])),
        5: code_map(Account, set(cols[5])),
    }
    for j, mapping in maps.items():
        cols[j] = map(mapping.__getitem__, cols[j])
    cache: dict = {}
    cols[9] = map(cache.setdefault, cols[9], cols[9])
    # Django reads jsonb as text on this connection: jsonb's canonical text, the
    # form Line.items_json is made in, so it is compared as it is.
    return list(zip(*cols, strict=True))


def diff_lines(batch: ImportBatch, plan: Plan, lines: list[Line]) -> None:
    """Totals of the file's lines and their diff against the stored lines."""
    plan.rows = lines
    plan.total_pagu = sum((line.pagu for line in lines), ZERO)
    if plan.has_realisasi:
        plan.total_realisasi = sum((line.realisasi for line in lines), ZERO)
    existing = {t[1:6]: t for t in existing_lines(
        batch, plan.fiscal_year, plan.stage, plan.skpd_codes)}
    partial_warning(batch, plan)
    if not existing:
        plan.new = list(lines)
        return
    seen = set()
    for line in lines:
        old = existing.get(line.key)
        if old is None:
            plan.new.append(line)
            continue
        seen.add(line.key)
        same = (
            old[6] == line.pagu
            and old[8] == line.items_json
            and (not plan.has_realisasi or old[7] == line.realisasi)
        )
        if same:
            plan.unchanged += 1
        else:
            plan.changed.append((line, old))
    plan.gone = [
        t for key, t in existing.items() if key not in seen and t[9] == LineOrigin.IMPORT
    ]

