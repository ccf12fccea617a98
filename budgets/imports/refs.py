"""Reference data a file names (units, nomenclature, funding sources, accounts):
code -> id maps, created when missing, named as SIPD names them.

Names come from SIPD's files of that year: a file's name replaces a name typed
by hand or made up for the demo (and the preview says so); a SIPD name already
stored that the file names otherwise is kept and reported.
"""

from __future__ import annotations

from collections import deque
from operator import itemgetter

from django.utils.translation import gettext as _

from ..codes import account_group, canonical_code
from ..models import (
    Account,
    FundingSource,
    ImportBatch,
    NameSource,
    Nomenclature,
    Unit,
    UnitKind,
)
from .common import warning


def same_name(a: str, b: str) -> bool:
    return " ".join((a or "").upper().split()) == " ".join((b or "").upper().split())


def column(rows, name):
    """One field of every row (rows are NamedTuples of one class)."""
    if not rows:
        return []
    return list(map(itemgetter(type(rows[0])._fields.index(name)), rows))


def first_distinct(rows, names) -> list:
    """Distinct tuples of the named fields, in order of first appearance."""
    if not rows:
        return []
    get = itemgetter(*(type(rows[0])._fields.index(n) for n in names))
    return list(dict.fromkeys(map(get, rows)))


def first_distinct_rows(rows, names) -> list:
    """The first row of each distinct combination of the named fields, in file order."""
    if not rows:
        return []
    get = itemgetter(*(type(rows[0])._fields.index(n) for n in names))
    first: dict = {}
    deque(map(first.setdefault, map(get, rows), rows), maxlen=0)
    return list(first.values())


def first_named(rows, code_f, name_f) -> dict:
    """code -> the name on the first row naming that code (file order kept)."""
    out: dict = {}
    for code, name in first_distinct(rows, (code_f, name_f)):
        out.setdefault(code, name)
    return out


def last_named(rows, code_f, name_f) -> dict:
    """code -> the name on the last row naming that code (first-appearance order)."""
    return dict(zip(column(rows, code_f), column(rows, name_f), strict=True))


UNIT_NOMENCLATURE_FIELDS = (
    "kode_skpd", "nama_skpd", "kode_sub_unit", "nama_sub_unit",
    "kode_urusan", "nama_urusan", "kode_bidang", "nama_bidang",
    "kode_program", "nama_program", "kode_kegiatan", "nama_kegiatan",
    "kode_sub_kegiatan", "nama_sub_kegiatan",
)
LEVELS = (
    ("urusan", "kode_urusan", "nama_urusan"),
    ("bidang", "kode_bidang", "nama_bidang"),
    ("program", "kode_program", "nama_program"),
    ("kegiatan", "kode_kegiatan", "nama_kegiatan"),
    ("sub_kegiatan", "kode_sub_kegiatan", "nama_sub_kegiatan"),
)
PARENT_LEVEL = {"urusan": None, "bidang": "urusan", "program": "bidang",
                "kegiatan": "program", "sub_kegiatan": "kegiatan"}


class Refs:
    """Code -> id maps of the reference data a file names, created when missing.

    ``ref_rows`` name units and nomenclature (rows without budget too);
    ``money_rows`` name funding sources and accounts.
    """

    def __init__(self, batch: ImportBatch, fiscal_year: int):
        self.batch = batch
        self.year = fiscal_year
        self.warnings: list[dict] = []
        self.units: dict = {}
        self.nomenclature: dict = {}
        self.sources: dict = {}
        self.accounts: dict = {}

    # --- names -------------------------------------------------------------

    def _renamed(self, what: str, code: str, stored: str, source: str, named: str):
        """The name to store for an existing entry, or None to keep it."""
        if not named or same_name(stored, named):
            return named if source != NameSource.SIPD and named else None
        if source != NameSource.SIPD or stored == code:
            self.warnings.append(warning(
                "name_replaced",
                _("%(what)s %(code)s bernama '%(stored)s' (bukan dari SIPD) diganti dengan "
                  "nama di berkas SIPD: '%(named)s'.")
                % {"what": what, "code": code, "stored": stored, "named": named},
                f"{what} {code} '{stored}' (not from SIPD) renamed to SIPD's '{named}'.",
                value=named,
            ))
            return named
        self.warnings.append(warning(
            "name_differs",
            _("%(what)s %(code)s tersimpan bernama '%(stored)s' dari impor SIPD "
              "sebelumnya, di berkas ini '%(named)s'; nama tersimpan dipertahankan. "
              "Periksa berkas SIPD yang benar.")
            % {"what": what, "code": code, "stored": stored, "named": named},
            f"{what} {code} is stored as '{stored}' from an earlier SIPD import, this "
            f"file says '{named}'; kept.",
            value=named,
        ))
        return None

    def _rename_all(self, model, renames: dict, limit: int) -> None:
        for pk, name in renames.items():
            model.objects.filter(pk=pk).update(name=name[:limit], name_source=NameSource.SIPD)

    # --- the maps ----------------------------------------------------------

    def name_warnings(self, ref_rows, money_rows) -> list[dict]:
        """What ``ensure`` would say about names, with nothing kept: it runs in a
        savepoint that is rolled back (the preview says before the commit which
        names SIPD's file replaces or disagrees with)."""
        from django.db import transaction

        class _Undo(Exception):
            pass

        try:
            with transaction.atomic():
                self.ensure(ref_rows, money_rows)
                raise _Undo
        except _Undo:
            pass
        warnings, self.warnings = self.warnings, []
        return warnings

    def ensure(self, ref_rows, money_rows) -> None:
        named = first_distinct_rows(ref_rows, UNIT_NOMENCLATURE_FIELDS)
        self.units = self._units(named)
        self.nomenclature = self._nomenclature(named)
        if money_rows:
            self.sources = self._simple(
                FundingSource, last_named(money_rows, "kode_sumber_dana", "nama_sumber_dana"),
                _("Sumber dana"), 255,
            )
            self.accounts = self._simple(
                Account, last_named(money_rows, "kode_rekening", "nama_rekening"),
                _("Rekening"), 500, account=True,
            )

    def _simple(self, model, named: dict, what: str, limit: int, account=False) -> dict:
        named = {c: n for c, n in named.items() if c}
        existing = {c: (pk, n, src) for pk, c, n, src in model.objects.filter(
            code__in=list(named)).values_list("pk", "code", "name", "name_source")}
        missing, renames = [], {}
        for code, name in named.items():
            if code in existing:
                pk, stored, source = existing[code]
                new = self._renamed(what, code, stored, source, name)
                if new is not None:
                    renames[pk] = new
                continue
            obj = model(code=code, name=(name or code)[:limit], name_source=NameSource.SIPD,
                        canonical_code=canonical_code(code))
            if account:
                obj.group = account_group(code)
            missing.append(obj)
        model.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
        self._rename_all(model, renames, limit)
        return dict(model.objects.filter(code__in=list(named)).values_list("code", "pk"))

    def _units(self, rows) -> dict:
        region = self.batch.region_id
        skpd_names = {c: n for c, n in first_named(rows, "kode_skpd", "nama_skpd").items() if c}
        sub_units = {}
        for skpd, sub, name in first_distinct(
            rows, ("kode_skpd", "kode_sub_unit", "nama_sub_unit")
        ):
            sub = sub or skpd
            if sub and sub != skpd:
                sub_units.setdefault(sub, (name, skpd))
        existing = {c: (pk, n, src) for pk, c, n, src in Unit.objects.filter(region_id=region)
                    .values_list("pk", "code", "name", "name_source")}
        new, renames = [], {}
        for code, name in skpd_names.items():
            if code in existing:
                pk, stored, source = existing[code]
                renamed = self._renamed(_("SKPD"), code, stored, source, name)
                if renamed is not None:
                    renames[pk] = renamed
                continue
            new.append(Unit(region_id=region, code=code, name=(name or code)[:255],
                            kind=UnitKind.OPD, name_source=NameSource.SIPD))
        Unit.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        ids = dict(Unit.objects.filter(region_id=region, code__in=list(skpd_names))
                   .values_list("code", "pk"))
        new = []
        for code, (name, parent) in sub_units.items():
            if code in existing:
                pk, stored, source = existing[code]
                renamed = self._renamed(_("Sub unit"), code, stored, source, name)
                if renamed is not None:
                    renames[pk] = renamed
                continue
            kind = UnitKind.UPTD if (name or "").strip().upper().startswith("UPTD") \
                else UnitKind.SUB_UNIT
            new.append(Unit(region_id=region, code=code, name=(name or code)[:255],
                            kind=kind, parent_id=ids.get(parent),
                            name_source=NameSource.SIPD))
        Unit.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        self._rename_all(Unit, renames, 255)
        codes = list(skpd_names) + list(sub_units)
        return dict(Unit.objects.filter(region_id=region, code__in=codes)
                    .values_list("code", "pk"))

    def _nomenclature(self, rows) -> dict:
        existing = {(lv, c): (pk, n, src) for pk, lv, c, n, src in Nomenclature.objects.filter(
            fiscal_year=self.year).values_list("pk", "level", "code", "name", "name_source")}
        ids = {k: v[0] for k, v in existing.items()}
        renames = {}
        for index, (level, code_f, name_f) in enumerate(LEVELS):
            named = {c: n or "" for c, n in first_named(rows, code_f, name_f).items() if c}
            parent_of = {}
            if index:
                parent_of = {
                    c: p or "" for c, p in
                    first_named(rows, code_f, LEVELS[index - 1][1]).items() if c
                }
            new = []
            for code, name in named.items():
                old = existing.get((level, code))
                if old is not None:
                    renamed = self._renamed(_("Nomenklatur"), code, old[1], old[2], name)
                    if renamed is not None:
                        renames[old[0]] = renamed
                    continue
                parent_id = ids.get((PARENT_LEVEL[level], parent_of.get(code))) if index else None
                new.append(Nomenclature(fiscal_year=self.year, level=level, code=code,
                                        name=(name or code)[:500], parent_id=parent_id,
                                        name_source=NameSource.SIPD))
            Nomenclature.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
            if new:
                ids.update({
                    (level, c): pk for pk, c in Nomenclature.objects.filter(
                        fiscal_year=self.year, level=level, code__in=[n.code for n in new]
                    ).values_list("pk", "code")
                })
        self._rename_all(Nomenclature, renames, 500)
        return {c: pk for (lv, c), pk in ids.items() if lv == "sub_kegiatan"}
