"""The SIPD import service: upload -> parse -> validate -> preview (diff) -> commit,
and rollback. The web pages, the API, the management command and the Celery task
all call these functions; none of them writes budget data another way.

Flow
----
``import_batch_create`` stores the upload (generated name, original name kept as
metadata, SHA-256) and queues ``budgets.tasks.import_batch_process`` on commit.
``import_batch_process`` parses the file (``budgets.importers``, in a memory
capped child process), validates it against the database (region named in the
title rows, fiscal year, pillar/strategy names) and computes the diff against the
lines stored for the same scope. Nothing is written to budget data: the batch
holds the counts, every error and a capped preview. ``import_batch_commit``
writes everything in one transaction; ``import_batch_rollback`` restores the
lines as they were before the batch.

Scope and diff rules
--------------------
* Scope = fiscal year, stage, region of the batch, and the SKPD codes named in
  the file. Lines of other SKPD are never touched.
* A file row matches a stored line by natural key (SKPD, sub unit, sub kegiatan,
  sumber dana, rekening, paket). Matching lines whose pagu, package name or
  (when the file carries it) realisasi differ are "changed"; the rest unchanged.
* "Gone" lines are stored lines of the scope that came from an import
  (``origin=import``) and are no longer in the file. Lines entered by hand or
  demo lines are not SIPD's to remove: they stay.
* Unchanged lines are not written at all: importing the same content again
  writes nothing and says so.

Realisasi files
---------------
``Nilai Realisasi`` is summed per (SKPD, sub kegiatan, rekening). The sum is set
as the realisasi of the matching lines of the scope: onto the single line when
one matches, otherwise spread over the lines (sumber dana / paket) in proportion
to their pagu, rounded to the sen, the rounding remainder going to the line with
the largest pagu (lines with zero pagu share equally when all are zero). Rows
whose key matches no stored line are errors. Lines the file does not mention
keep their realisasi.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from itertools import compress
from operator import attrgetter, itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import audit_via
from audit.models import AuditAction
from audit.services import audit_record
from regions import access
from regions.models import Level, Region

from . import import_faults
from .codes import account_group
from .line_bulk import MissingParent, lines_write_pg
from .models import (
    Account,
    BudgetLine,
    FundingSource,
    ImportBatch,
    ImportKind,
    ImportLineChange,
    ImportStatus,
    LineChangeAction,
    LineOrigin,
    Nomenclature,
    Stage,
    Tag,
    TagSource,
    Unit,
    UnitKind,
    id_runs,
)
from .summary import budget_summary_refresh

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PREVIEW_CAP = 50
IMPORT_REGION_LEVELS = (Level.PROVINSI, Level.KABUPATEN, Level.KOTA)
ALLOWED_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".html", ".htm", ".pdf"}
KEY_FIELDS = ("skpd", "sub_unit", "sub_kegiatan", "sumber_dana", "rekening", "paket")


class ImportRefused(Exception):
    """A request the import cannot accept; ``message`` is Indonesian.

    ``status`` is the HTTP status the API answers with.
    """

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def max_attempts() -> int:
    return int(getattr(settings, "IMPORT_MAX_ATTEMPTS", 3))


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


# --- messages of the checks made against the database --------------------

# code -> (group title id, group title en)
DB_TITLES = {
    "pillar_unknown": ("Pilar tidak dikenal", "Unknown pillar"),
    "strategy_unknown": ("Strategi tidak dikenal", "Unknown strategy"),
    "realisasi_no_line": (
        "Realisasi tanpa baris anggaran", "Realisation without a budget line"
    ),
    "region_mismatch": ("Wilayah tidak cocok", "Region does not match"),
    "year_missing": ("Tahun anggaran tidak diketahui", "Fiscal year unknown"),
    "multiple_years": ("Lebih dari satu tahun anggaran", "More than one fiscal year"),
    "name_differs": ("Nama berbeda dengan yang tersimpan", "Name differs from stored"),
    "same_file": ("Berkas yang sama pernah diunggah", "Same file uploaded before"),
}


def group_title(code: str) -> str:
    from .importers import CATALOG

    if code in CATALOG:
        return CATALOG[code].title_id
    if code in DB_TITLES:
        return DB_TITLES[code][0]
    return code


def _error(row, column, value, code, message, message_en="", severity="error") -> dict:
    return {
        "row": row,
        "column": column,
        "value": "" if value is None else str(value),
        "code": code,
        "message": message,
        "message_en": message_en or message,
        "severity": severity,
    }


def _cell_dict(err) -> dict:
    return {
        "row": err.row,
        "column": err.column,
        "value": err.value,
        "code": err.code,
        "message": err.message,
        "message_en": err.message_en,
        "severity": getattr(err, "severity", "error"),
    }


def errors_grouped(errors: list[dict]) -> list[dict]:
    """Errors grouped by kind: ``[{code, title, rows, count, samples}]``, biggest first."""
    groups: dict[str, dict] = {}
    for e in errors:
        g = groups.setdefault(
            e.get("code") or "", {"code": e.get("code") or "", "rows": set(), "count": 0,
                                  "samples": []}
        )
        g["count"] += 1
        if e.get("row"):
            g["rows"].add(e["row"])
        if len(g["samples"]) < 20:
            g["samples"].append(e)
    out = []
    for g in groups.values():
        out.append(
            {
                "code": g["code"],
                "title": group_title(g["code"]),
                "rows": len(g["rows"]) or g["count"],
                "count": g["count"],
                "samples": g["samples"],
                "more": max(g["count"] - len(g["samples"]), 0),
            }
        )
    out.sort(key=lambda g: (-g["count"], g["code"]))
    return out


# --- upload ------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def sanitise_filename(name: str | None, *, limit: int = 200) -> str:
    """A display-safe file name: no directories, NUL or control characters.

    The stored file never uses this name (it gets a generated one); this is
    only the metadata shown to people.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = _CONTROL.sub("", name)
    name = re.split(r"[\\/]", name)[-1].strip().lstrip(".").strip()
    if not name:
        name = "berkas.xlsx"
    if len(name) > limit:
        stem, ext = os.path.splitext(name)
        ext = ext[:10]
        name = stem[: limit - len(ext) - 1] + "…" + ext
    return name


def _extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if ext in ALLOWED_EXTENSIONS else ".bin"


def region_for_import(*, user, region_code: str | None) -> Region:
    """The region a user imports into: their own by default; refused unless allowed."""
    code = (region_code or "").strip() or access.access_for(user).region_code
    if not code:
        raise ImportRefused(
            _("Pilih wilayah pemilik data (provinsi atau kabupaten/kota)."), status=400
        )
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise ImportRefused(
            _("Wilayah %(code)s tidak dikenal.") % {"code": code[:20]}, status=400
        )
    if not access.can_import(user, region.code):
        raise ImportRefused(
            _("Anda tidak berwenang mengimpor data untuk wilayah %(region)s.")
            % {"region": f"{region.code} {region.name}"},
            status=403,
        )
    if region.level not in IMPORT_REGION_LEVELS:
        raise ImportRefused(
            _(
                "Data SIPD adalah anggaran satu pemda: pilih provinsi atau "
                "kabupaten/kota, bukan %(region)s (%(level)s)."
            )
            % {"region": region.name, "level": region.get_level_display()},
            status=400,
        )
    return region


def importable_region_choices(*, user):
    """Regions the user may import into, at province or kabupaten/kota level."""
    return access.importable_regions(user).filter(level__in=IMPORT_REGION_LEVELS).order_by(
        "code"
    )


def import_batch_create(
    *,
    user,
    upload,
    original_name: str | None = None,
    region_code: str | None = None,
    stage: str = Stage.MURNI,
    fiscal_year: int | None = None,
    dry_run: bool = False,
    commit_valid_only: bool = False,
    enqueue: bool = True,
) -> ImportBatch:
    """Store an uploaded file as a new batch and queue its processing.

    ``upload`` is a Django ``UploadedFile`` or any binary file object.
    """
    region = region_for_import(user=user, region_code=region_code)
    if stage not in Stage.values:
        raise ImportRefused(_("Tahapan %(stage)s tidak dikenal.") % {"stage": str(stage)[:20]})
    name = sanitise_filename(original_name or getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    limit = max_upload_bytes()
    if size > limit:
        raise ImportRefused(
            _("Berkas %(size)s melebihi batas unggah %(limit)s. Pecah berkas per SKPD.")
            % {"size": _mb(size), "limit": _mb(limit)},
            status=413,
        )
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    sha = digest.hexdigest()
    batch = ImportBatch(
        region=region,
        uploaded_by=user,
        original_name=name,
        sha256=sha,
        size=size,
        stage=stage,
        fiscal_year=fiscal_year or None,
        dry_run=dry_run,
        commit_valid_only=commit_valid_only,
    )
    earlier = (
        ImportBatch.objects.filter(sha256=sha, region=region)
        .exclude(status__in=[ImportStatus.REJECTED, ImportStatus.FAILED])
        .order_by("-created_at")
        .first()
    )
    if earlier is not None:
        batch.warnings = [
            _error(
                None, None, "", "same_file",
                _(
                    "Berkas yang sama persis (SHA-256) sudah diunggah sebagai batch "
                    "#%(id)d (%(name)s, %(when)s, status %(status)s)."
                )
                % {
                    "id": earlier.pk,
                    "name": earlier.original_name,
                    "when": timezone.localtime(earlier.created_at).strftime("%d-%m-%Y %H:%M"),
                    "status": earlier.get_status_display(),
                },
                f"The very same file (SHA-256) was uploaded before as batch #{earlier.pk}.",
                severity="warning",
            )
        ]
    stored = f"{uuid.uuid4().hex}{_extension(name)}"
    with transaction.atomic():
        batch.file.save(stored, File(upload, name=stored), save=False)
        batch.save()
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            instance=batch,
            after={"file": batch.file.name, "original_name": name, "sha256": sha,
                   "region": region.code, "stage": stage},
            region_code=region.code,
            batch_id=batch.pk,
        )
        if enqueue:
            from .tasks import import_batch_process as task

            transaction.on_commit(lambda: task.delay(batch.pk))
    return batch


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


# --- processing ----------------------------------------------------------------


@dataclass
class Plan:
    """What committing a parsed, validated file would do."""

    kind: str
    fiscal_year: int | None
    rows: list = field(default_factory=list)  # valid rows to import
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    new: list = field(default_factory=list)  # rows
    changed: list = field(default_factory=list)  # (row, existing tuple)
    unchanged: int = 0
    gone: list = field(default_factory=list)  # existing tuples
    skpd_codes: set = field(default_factory=set)
    has_realisasi: bool = False
    # realisasi: line id -> (old, new)
    realisasi_updates: dict = field(default_factory=dict)
    realisasi_unchanged: int = 0
    total_pagu: Decimal = ZERO
    total_realisasi: Decimal = ZERO
    tag_rows: list = field(default_factory=list)  # (row, pillar_id, strategy_id, label)
    rejected: dict | None = None  # whole-file refusal (code, message, message_en)
    planned_at: object = field(default_factory=timezone.now)  # when the diff was made
    prewritten: bool = False  # the lines are already written, in this transaction (_Ahead)


def _set_progress(batch: ImportBatch, done: int, total: int | None = None) -> None:
    fields = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    batch.progress_done = done
    if total is not None:
        batch.progress_total = total


def import_batch_claim(*, batch_id: int) -> ImportBatch | None:
    """Count one more attempt at a batch; None when it is already done.

    Past the cap, the batch is marked failed with a message.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return None
        if batch.status not in (ImportStatus.PENDING, ImportStatus.PARSING):
            return None
        batch.attempts += 1
        if batch.attempts > max_attempts():
            batch.status = ImportStatus.FAILED
            batch.finished_at = timezone.now()
            batch.message = _(
                "Pemrosesan berkas dihentikan setelah %(n)d percobaan yang gagal. "
                "Unggah ulang berkas atau hubungi admin."
            ) % {"n": batch.attempts - 1}
            batch.save(update_fields=["attempts", "status", "finished_at", "message"])
            return None
        batch.status = ImportStatus.PARSING
        batch.started_at = timezone.now()
        batch.save(update_fields=["attempts", "status", "started_at"])
    return batch


def import_batch_process(*, batch_id: int, commit: bool = False, user=None) -> ImportBatch | None:
    """Parse, validate and diff a batch (the preview); commit too when asked.

    Safe to run again: a batch already past parsing is left as it is.
    """
    batch = import_batch_claim(batch_id=batch_id)
    if batch is None:
        return ImportBatch.objects.filter(pk=batch_id).first()
    # A preview that waits for the user's confirmation keeps its parsed rows, so
    # that confirming does not read the workbook a second time.
    keep = not commit and not batch.dry_run
    with audit_via("import"):
        parsed = None
        if commit and not batch.dry_run and _may_write_ahead(batch):
            parsed = _commit_ahead(batch, user=user or batch.uploaded_by)
            if parsed is True:
                return batch
        if parsed is None:
            plan = _plan_for(batch, keep=keep)
        else:
            plan = _plan_from(batch, *parsed)
        _store_preview(batch, plan)
        if batch.status != ImportStatus.PREVIEW:
            _drop_parsed(batch)
        if commit and batch.status == ImportStatus.PREVIEW and not batch.dry_run:
            _commit(batch, plan, user=user or batch.uploaded_by)
    return batch


class _Discard(Exception):
    """Undo what _commit_ahead wrote (its transaction rolls back)."""


class _Ahead:
    """Writes a one-shot import's lines while the reader child still reads the file.

    PostgreSQL inserting 100,000 lines and the child turning the sheet into
    rows each take a second or two; one after the other they were most of an
    import. For a parse-and-commit (the command, a worker told to commit) of a
    plain recap (no PILAR, STRATEGI or label column, nothing checked or tagged
    per row here) into a scope (region, fiscal year, stage) with no stored
    line, every valid line is new: the child streams its rows in blocks
    (``parse_file(on_block=...)``) and each block is written as it comes, under
    the scope lock, in the transaction the commit then ends.

    The final parse decides. The lines are kept only if its rows are exactly
    the rows written and it has no error; anything else (an error no block
    could see, such as a key repeated in two blocks; a refusal; any failure
    here) rolls the whole transaction back and the import goes the usual way,
    with the final parse, exactly as without this.
    """

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.active: bool | None = None  # None: not decided yet; False: stopped
        self.year: int | None = None
        self.rows: list = []
        # (code field, code) -> the name the block that first named it gave it.
        self.named: dict = {}

    def block(self, part) -> None:
        if self.active is False:
            return
        try:
            with transaction.atomic():  # a savepoint: a failure leaves the transaction usable
                self._write(part)
        except Exception as exc:  # noqa: BLE001 - the usual way runs instead
            log.info("import batch %s: not written ahead (%s)", self.batch.pk,
                     str(exc).strip()[:200] or type(exc).__name__)
            self.active = False

    def _start(self, part) -> bool:
        if part.kind != ImportKind.REKAP or {"pilar", "strategi", "label"} & set(part.columns):
            return False
        years = set(map(attrgetter("tahun"), part.rows))
        if len(years) != 1 or None in years:
            return False
        (year,) = years
        _ensure_year_unlocked(self.batch, year)
        _scope_lock(self.batch, year)
        if BudgetLine.objects.filter(
            region_id=self.batch.region_id, fiscal_year=year, stage=self.batch.stage
        ).exists():
            return False
        self.year = year
        return True

    def _write(self, part) -> None:
        rows = part.rows
        if not rows:
            return
        if self.active is None:
            self.active = False
            if not self._start(part):
                return
            self.active = True
        if not all(map(attrgetter("ok"), rows)) or {r.tahun for r in rows} != {self.year}:
            self.active = False
            return
        plan = Plan(kind=ImportKind.REKAP, fiscal_year=self.year)
        plan.has_realisasi = "realisasi" in part.columns
        for code_f, name_f in _LAST_NAMED_FIELDS:
            for code, name in _last_named(rows, code_f, name_f).items():
                self.named.setdefault((code_f, code), name)
        refs = _Refs(self.batch, plan)
        refs.ensure(rows)
        _write_lines_pg(self.batch, plan, refs, rows)
        self.rows.extend(rows)

    def adopts(self, result) -> bool:
        return (
            self.active is True
            and result is not None
            and result.kind == ImportKind.REKAP
            and not result.errors
            and result.rows == self.rows
            and self._named_as_usual(result.rows)
        )

    def _named_as_usual(self, rows) -> bool:
        """A funding source or account is created with the name of the last row
        naming it in the file (_Refs.ensure); written ahead, it got the last
        name within the first block naming it. Different only when a later
        block names the code otherwise, and then the usual way runs."""
        return all(
            self.named.get((code_f, code)) == name
            for code_f, name_f in _LAST_NAMED_FIELDS
            for code, name in _last_named(rows, code_f, name_f).items()
        )


def _may_write_ahead(batch: ImportBatch) -> bool:
    """Only on PostgreSQL, and only when the region has no stored line of the
    batch's stage (in any year; the file's year is not known before reading):
    a re-import cannot use the blocks and should not pay for them."""
    return connection.vendor == "postgresql" and not BudgetLine.objects.filter(
        region_id=batch.region_id, stage=batch.stage
    ).exists()


def _commit_ahead(batch: ImportBatch, *, user):
    """Parse and commit with the lines written ahead (see _Ahead).

    True when committed so; otherwise nothing of it stays and the parse is
    returned, (result, rejected), for the usual way.
    """
    ahead = _Ahead(batch)
    parsed = None
    try:
        with transaction.atomic():
            parsed = _parse(batch, on_block=ahead.block)
            result, rejected = parsed
            if rejected is not None or not ahead.adopts(result):
                raise _Discard
            plan = _plan_from(batch, result, None, prewritten=True)
            if (plan.rejected is not None or plan.errors or plan.fiscal_year != ahead.year
                    or len(plan.new) != len(ahead.rows) or plan.changed or plan.gone):
                raise _Discard
            _store_preview(batch, plan)
            if batch.status != ImportStatus.PREVIEW:
                raise _Discard
            _commit(batch, plan, user=user)
            if batch.status != ImportStatus.COMMITTED:
                raise _Discard
    except Exception as exc:
        # Rolled back: the usual way runs with the same parse (and meets any
        # refusal or failure of the commit where it always did).
        if parsed is None:
            raise
        if not isinstance(exc, _Discard):
            log.info("import batch %s: commit ahead undone (%s)", batch.pk, type(exc).__name__)
        batch.refresh_from_db()
        return parsed
    return True


def _parsed_path(batch: ImportBatch) -> str:
    return os.path.join(settings.MEDIA_ROOT, "imports", "parsed", f"batch-{batch.pk}.bin")


def _parsed_key(batch: ImportBatch) -> bytes:
    """Signing key of a batch's kept parse: bound to the server's secret, the batch
    and the SHA-256 of its file, so it only ever validates for that content."""
    import hmac

    return hmac.new(
        settings.SECRET_KEY.encode(), f"import-parsed:{batch.pk}:{batch.sha256}".encode(),
        "sha256",
    ).digest()


def _drop_parsed(batch: ImportBatch) -> None:
    try:
        os.remove(_parsed_path(batch))
    except OSError:
        pass


def _parse(batch: ImportBatch, *, keep: bool = False, reuse: bool = False, on_block=None):
    from .importers import FileRejected, load_parsed, parse_file

    import_faults.pause_point("parse")
    if reuse:
        result = load_parsed(_parsed_path(batch), _parsed_key(batch))
        if result is not None:
            return result, None
    try:
        kept = (_parsed_path(batch), _parsed_key(batch)) if keep else None
        return parse_file(batch.file.path, keep=kept, on_block=on_block), None
    except FileRejected as exc:
        return None, {"code": exc.code, "message": exc.message, "message_en": exc.message_en}


def _plan_for(batch: ImportBatch, *, keep: bool = False, reuse: bool = False) -> Plan:
    result, rejected = _parse(batch, keep=keep, reuse=reuse)
    return _plan_from(batch, result, rejected)


def _plan_from(batch: ImportBatch, result, rejected, *, prewritten: bool = False) -> Plan:
    """The plan of a parsed file (or its refusal). ``prewritten``: the lines were
    written ahead into a scope found empty (see _Ahead); nothing stored is diffed."""
    if rejected is not None:
        return Plan(kind="", fiscal_year=batch.fiscal_year, rejected=rejected)
    _set_progress(batch, 0, len(result.rows))
    plan = Plan(kind=result.kind, fiscal_year=None)
    plan.errors = [_cell_dict(e) for e in result.errors]
    plan.warnings = [_cell_dict(e) for e in result.warnings]
    refusal = _check_region(batch, result)
    if refusal is None:
        refusal = _check_year(batch, result, plan)
    if refusal is not None:
        plan.rejected = refusal
        return plan
    plan.prewritten = prewritten
    if result.kind == ImportKind.REKAP:
        _plan_rekap(batch, result, plan)
    else:
        _plan_realisasi(batch, result, plan)
    _set_progress(batch, len(result.rows))
    plan.errors.sort(key=lambda e: (e["row"] or 0))
    return plan


def _pemda_label(region: Region) -> str:
    if region.level == Level.PROVINSI:
        return f"PROVINSI {region.name.upper()}"
    name = region.name.upper()
    for prefix in ("KABUPATEN ", "KOTA "):
        if name.startswith(prefix):
            return name
    return f"{'KOTA' if region.level == Level.KOTA else 'KABUPATEN'} {name}"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", (text or "").upper()).split())


def _check_region(batch: ImportBatch, result) -> dict | None:
    named = getattr(result, "pemda_name", None)
    if not named:
        return None
    expected = _pemda_label(batch.region)
    if _norm(named) == _norm(expected):
        return None
    return {
        "code": "region_mismatch",
        "message": _(
            "Judul laporan menyebut PEMERINTAH %(named)s, tetapi wilayah yang dipilih "
            "adalah %(code)s %(region)s. Pilih wilayah yang sesuai dengan berkas, atau "
            "unggah berkas milik %(region)s."
        )
        % {"named": named, "code": batch.region.code, "region": batch.region.name},
        "message_en": (
            f"The report title names PEMERINTAH {named}, but the chosen region is "
            f"{batch.region.code} {batch.region.name}."
        ),
    }


def _check_year(batch: ImportBatch, result, plan: Plan) -> dict | None:
    years = sorted(y for y in (result.fiscal_years or set()) if y)
    if len(years) > 1:
        return {
            "code": "multiple_years",
            "message": _(
                "Berkas berisi lebih dari satu tahun anggaran (%(years)s). Unggah satu "
                "berkas per tahun."
            )
            % {"years": ", ".join(str(y) for y in years)},
            "message_en": "The file holds more than one fiscal year.",
        }
    if years:
        if batch.fiscal_year and batch.fiscal_year != years[0]:
            return {
                "code": "multiple_years",
                "message": _(
                    "Berkas berisi tahun anggaran %(file)d, tetapi yang dipilih %(chosen)d."
                )
                % {"file": years[0], "chosen": batch.fiscal_year},
                "message_en": "The file's fiscal year differs from the chosen one.",
            }
        plan.fiscal_year = years[0]
        return None
    if batch.fiscal_year:
        plan.fiscal_year = batch.fiscal_year
        return None
    return {
        "code": "year_missing",
        "message": _(
            "Tahun anggaran tidak tertulis di berkas. Pilih tahun anggaran pada formulir "
            "unggah lalu unggah ulang."
        ),
        "message_en": "The file does not state its fiscal year; choose it on the form.",
    }


def _reference_maps():
    from programs.models import Pillar, Strategy

    def index(model):
        out = {}
        for pk, code, name in model.objects.values_list("pk", "code", "name"):
            out[code.lower()] = pk
            out[name.lower()] = pk
            out[code.lower().replace("_", " ")] = pk
        return out

    return index(Pillar), index(Strategy)


def _row_key(r) -> tuple:
    return (r.kode_skpd, r.kode_sub_unit or r.kode_skpd, r.kode_sub_kegiatan,
            r.kode_sumber_dana, r.kode_rekening, r.paket or "")


def _existing_lines(batch: ImportBatch, fiscal_year: int, skpd_codes) -> list[tuple]:
    """Stored lines of the scope: (id, key..., pagu, realisasi, package_name, origin).

    On PostgreSQL one raw query returns the lines with their parents' ids, and
    the ids become codes through small id -> code maps (one query per parent
    table, for the ids present): the ORM, or joining the four code tables in
    SQL, built ~100k rows of strings in Python, most of the time of an
    all-unchanged import. Every line's codes are then the same few string
    objects. Values are parameters; table names come from the models.
    """
    codes = sorted(skpd_codes)
    if not codes:
        return []
    if connection.vendor != "postgresql":
        # The portable path: the ORM's converters give SQLite's decimals exactly.
        return list(BudgetLine.objects.filter(
            fiscal_year=fiscal_year, stage=batch.stage, region_id=batch.region_id,
            unit__code__in=codes,
        ).values_list(
            "id", "unit__code", "sub_unit__code", "sub_kegiatan__code",
            "funding_source__code", "account__code", "package", "pagu", "realisasi",
            "package_name", "origin",
        ))
    units = dict(Unit.objects.filter(region_id=batch.region_id).values_list("pk", "code"))
    skpd_ids = [pk for pk, code in units.items() if code in skpd_codes]
    if not skpd_ids:
        return []
    line = BudgetLine._meta.db_table
    sql = (
        f"SELECT l.id, l.unit_id, l.sub_unit_id, l.sub_kegiatan_id, "  # noqa: S608
        f"l.funding_source_id, l.account_id, l.package, l.pagu, l.realisasi, "
        f"l.package_name, l.origin FROM {line} l "
        f"WHERE l.region_id = %s AND l.fiscal_year = %s AND l.stage = %s "
        f"AND l.unit_id = ANY(%s)"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [batch.region_id, fiscal_year, batch.stage, skpd_ids])
        fetched = cur.fetchall()
    if not fetched:
        return []
    cols = list(zip(*fetched, strict=True))
    del fetched

    def code_map(model, ids) -> dict:
        return dict(model.objects.filter(pk__in=list(ids)).values_list("pk", "code"))

    # The units the lines name (a sub unit is looked up as the join did, not
    # assumed to be one of this region's).
    unit_codes = code_map(Unit, set(cols[1]) | set(cols[2]))
    maps = {
        1: unit_codes, 2: unit_codes,
        3: code_map(Nomenclature, set(cols[3])),
        4: code_map(FundingSource, set(cols[4])),
        5: code_map(Account, set(cols[5])),
    }
    for j, mapping in maps.items():
        cols[j] = map(mapping.__getitem__, cols[j])
    # Packages, names and origins repeat too: one string object per value.
    for j in (6, 9, 10):
        cache: dict = {}
        cols[j] = map(cache.setdefault, cols[j], cols[j])
    return list(zip(*cols, strict=True))


def _plan_rekap(batch: ImportBatch, result, plan: Plan) -> None:
    has_pilar = "pilar" in result.columns
    has_strategi = "strategi" in result.columns
    plan.has_realisasi = "realisasi" in result.columns
    headers = dict(zip(result.columns, result.raw_headers, strict=False))
    if not has_pilar and not has_strategi and "label" not in result.columns:
        # No column that makes tags or can fail here: the valid rows are the
        # parser's (one pass at C speed, not a Python loop over every line).
        valid = list(compress(result.rows, map(attrgetter("ok"), result.rows)))
        _plan_diff(batch, plan, valid)
        return
    pillars, strategies = _reference_maps()
    valid = []
    bad_rows = set()
    for r in result.rows:
        if not r.ok:
            bad_rows.add(r.row_number)
            continue
        pillar_id = strategy_id = None
        if has_pilar and r.pilar:
            pillar_id = pillars.get(r.pilar.strip().lower())
            if pillar_id is None:
                plan.errors.append(_error(
                    r.row_number, headers.get("pilar", "PILAR"), r.pilar, "pillar_unknown",
                    _("Baris %(row)d: pilar '%(value)s' tidak dikenal. Tulis kode atau nama "
                      "pilar seperti di portal.") % {"row": r.row_number, "value": r.pilar},
                    f"Row {r.row_number}: unknown pillar '{r.pilar}'.",
                ))
                bad_rows.add(r.row_number)
        if has_strategi and r.strategi:
            strategy_id = strategies.get(r.strategi.strip().lower())
            if strategy_id is None:
                plan.errors.append(_error(
                    r.row_number, headers.get("strategi", "STRATEGI"), r.strategi,
                    "strategy_unknown",
                    _("Baris %(row)d: strategi '%(value)s' tidak dikenal. Tulis kode atau "
                      "nama strategi Inpres 4/2022 seperti di portal.")
                    % {"row": r.row_number, "value": r.strategi},
                    f"Row {r.row_number}: unknown strategy '{r.strategi}'.",
                ))
                bad_rows.add(r.row_number)
        if r.row_number in bad_rows:
            continue
        valid.append(r)
        labels = []
        for _header, value in r.labels or ():
            text = str(value or "").strip()
            if text:
                labels.append(text[:255])
        if pillar_id or strategy_id or labels:
            plan.tag_rows.append((r, pillar_id, strategy_id, labels))
    _plan_diff(batch, plan, valid)


def _plan_diff(batch: ImportBatch, plan: Plan, valid: list) -> None:
    """Totals of the valid rows and their diff against the stored lines."""
    plan.rows = valid
    plan.skpd_codes = set(map(attrgetter("kode_skpd"), valid))
    plan.total_pagu = sum(map(attrgetter("pagu"), valid), ZERO)
    if plan.has_realisasi:
        plan.total_realisasi = sum((r.realisasi or ZERO for r in valid), ZERO)
    existing = {}
    if not plan.prewritten:
        for t in _existing_lines(batch, plan.fiscal_year, plan.skpd_codes):
            existing[(t[1], t[2], t[3], t[4], t[5], t[6] or "")] = t
    if not existing:
        plan.new = list(valid)
        return
    seen = set()
    for r in valid:
        key = _row_key(r)
        old = existing.get(key)
        if old is None:
            plan.new.append(r)
            continue
        seen.add(key)
        same = (
            old[7] == r.pagu
            and (old[9] or "") == (r.nama_paket or "")
            and (not plan.has_realisasi or old[8] == (r.realisasi or ZERO))
        )
        if same:
            plan.unchanged += 1
        else:
            plan.changed.append((r, old))
    plan.gone = [
        t for key, t in existing.items() if key not in seen and t[10] == LineOrigin.IMPORT
    ]


def _plan_realisasi(batch: ImportBatch, result, plan: Plan) -> None:
    sums: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    rows_of: dict[tuple, list] = defaultdict(list)
    valid = []
    for r in result.rows:
        if not r.ok:
            continue
        key = (r.kode_skpd, r.kode_sub_kegiatan, r.kode_rekening)
        sums[key] += r.nilai_realisasi or ZERO
        rows_of[key].append(r)
        valid.append(r)
    plan.skpd_codes = {k[0] for k in sums}
    plan.total_realisasi = sum(sums.values(), ZERO)
    lines: dict[tuple, list] = defaultdict(list)
    for t in _existing_lines(batch, plan.fiscal_year, plan.skpd_codes):
        lines[(t[1], t[3], t[5])].append(t)
    unmatched = set()
    for key, total in sums.items():
        matching = lines.get(key)
        if not matching:
            unmatched.add(key)
            for r in rows_of[key]:
                plan.errors.append(_error(
                    r.row_number, "Kode Sub Kegiatan", r.kode_sub_kegiatan,
                    "realisasi_no_line",
                    _("Baris %(row)d: tidak ada baris anggaran %(year)s untuk SKPD %(skpd)s, "
                      "sub kegiatan %(sub)s, rekening %(acc)s di wilayah ini. Impor rekap "
                      "pagu lebih dahulu.")
                    % {"row": r.row_number, "year": plan.fiscal_year, "skpd": key[0],
                       "sub": key[1], "acc": key[2]},
                    f"Row {r.row_number}: no budget line for this SKPD, sub kegiatan and "
                    "account.",
                ))
            continue
        for line_id, new in _spread(total, matching):
            old = next(t[8] for t in matching if t[0] == line_id)
            if old == new:
                plan.realisasi_unchanged += 1
            else:
                plan.realisasi_updates[line_id] = (old, new, next(
                    t for t in matching if t[0] == line_id))
    plan.rows = [r for r in valid if (r.kode_skpd, r.kode_sub_kegiatan, r.kode_rekening)
                 not in unmatched]
    plan.unchanged = plan.realisasi_unchanged


def _spread(total: Decimal, lines: list[tuple]) -> list[tuple[int, Decimal]]:
    """Split ``total`` over lines in proportion to pagu (see module docstring)."""
    if len(lines) == 1:
        return [(lines[0][0], total)]
    pagu_sum = sum((t[7] for t in lines), ZERO)
    shares = []
    for t in lines:
        if pagu_sum:
            share = (total * t[7] / pagu_sum).quantize(CENT, rounding=ROUND_DOWN)
        else:
            share = (total / len(lines)).quantize(CENT, rounding=ROUND_DOWN)
        shares.append([t[0], share, t[7]])
    remainder = total - sum(s[1] for s in shares)
    biggest = max(shares, key=lambda s: (s[2], -s[0]))
    biggest[1] += remainder
    return [(s[0], s[1]) for s in shares]


def _key_dict(r) -> dict:
    return {
        "skpd": r.kode_skpd, "sub_unit": r.kode_sub_unit or r.kode_skpd,
        "sub_kegiatan": r.kode_sub_kegiatan, "nama_sub_kegiatan": r.nama_sub_kegiatan,
        "sumber_dana": r.kode_sumber_dana, "rekening": r.kode_rekening,
        "paket": r.paket or "", "row": r.row_number,
    }


def _old_dict(t) -> dict:
    return {
        "id": t[0], "skpd": t[1], "sub_unit": t[2], "sub_kegiatan": t[3],
        "sumber_dana": t[4], "rekening": t[5], "paket": t[6] or "",
    }


def _store_preview(batch: ImportBatch, plan: Plan) -> None:
    now = timezone.now()
    if plan.rejected is not None:
        batch.status = ImportStatus.REJECTED
        batch.kind = plan.kind or batch.kind
        batch.message = plan.rejected["message"]
        batch.errors = [_error(None, None, "", plan.rejected["code"], plan.rejected["message"],
                               plan.rejected["message_en"])]
        batch.finished_at = now
        batch.save()
        return
    batch.kind = plan.kind
    batch.fiscal_year = plan.fiscal_year
    batch.errors = plan.errors
    batch.warnings = list(batch.warnings or []) + plan.warnings
    batch.rows = batch.progress_total
    bad_rows = {e["row"] for e in plan.errors if e.get("row")}
    batch.skipped = len(bad_rows)
    batch.total_pagu = plan.total_pagu
    batch.total_realisasi = plan.total_realisasi
    if plan.kind == ImportKind.REKAP:
        batch.created = len(plan.new)
        batch.updated = len(plan.changed)
        batch.unchanged = plan.unchanged
        batch.removed = len(plan.gone)
        batch.preview = {
            "changed": [
                dict(_key_dict(r), old=str(old[7]), new=str(r.pagu))
                for r, old in plan.changed[:PREVIEW_CAP]
            ],
            "new": [dict(_key_dict(r), new=str(r.pagu)) for r in plan.new[:PREVIEW_CAP]],
            "gone": [dict(_old_dict(t), old=str(t[7])) for t in plan.gone[:PREVIEW_CAP]],
            "cap": PREVIEW_CAP,
        }
    else:
        batch.created = 0
        batch.removed = 0
        batch.updated = len(plan.realisasi_updates)
        batch.unchanged = plan.realisasi_unchanged
        batch.preview = {
            "changed": [
                dict(_old_dict(t), old=str(old), new=str(new))
                for _id, (old, new, t) in list(plan.realisasi_updates.items())[:PREVIEW_CAP]
            ],
            "new": [],
            "gone": [],
            "cap": PREVIEW_CAP,
        }
    if plan.errors and not batch.commit_valid_only:
        batch.status = ImportStatus.REJECTED
        batch.message = _(
            "Berkas berisi %(n)d kesalahan pada %(rows)d baris; tidak ada yang disimpan. "
            "Perbaiki lalu unggah ulang, atau pilih 'simpan baris valid saja'."
        ) % {"n": len(plan.errors), "rows": len(bad_rows) or 1}
    else:
        batch.status = ImportStatus.PREVIEW
        batch.message = _summary_message(batch)
    batch.finished_at = now
    batch.save()


def _summary_message(batch: ImportBatch) -> str:
    if not (batch.created or batch.updated or batch.removed):
        return _(
            "Tidak ada perubahan: semua %(n)d baris sama dengan data tersimpan."
        ) % {"n": batch.unchanged}
    return _(
        "%(created)d baris baru, %(updated)d berubah, %(unchanged)d tetap, "
        "%(removed)d hilang."
    ) % {
        "created": batch.created, "updated": batch.updated,
        "unchanged": batch.unchanged, "removed": batch.removed,
    }


# --- commit --------------------------------------------------------------------


def import_batch_commit(*, user, batch: ImportBatch) -> ImportBatch:
    """Write a previewed batch, in one transaction (the preview's parse is reused)."""
    access.ensure_can_import(user, batch.region_id)
    if batch.status != ImportStatus.PREVIEW:
        raise ImportRefused(
            _("Batch #%(id)d berstatus %(status)s dan tidak dapat disimpan.")
            % {"id": batch.pk, "status": batch.get_status_display()},
            status=409,
        )
    if batch.errors and not batch.commit_valid_only:
        raise ImportRefused(_("Berkas berisi kesalahan; tidak ada yang disimpan."), status=409)
    with audit_via("import"):
        updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(
            status=ImportStatus.COMMITTING
        )
        if not updated:
            raise ImportRefused(_("Batch ini sedang atau sudah disimpan."), status=409)
        batch.status = ImportStatus.COMMITTING
        try:
            # The rows parsed for the preview (signed, bound to the file's
            # SHA-256); the diff is computed again against what is stored now.
            plan = _plan_for(batch, reuse=True)
            if plan.rejected is not None or (plan.errors and not batch.commit_valid_only):
                _store_preview(batch, plan)
                return batch
            _commit(batch, plan, user=user)
            _drop_parsed(batch)
        except Exception:
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PREVIEW)
            batch.status = ImportStatus.PREVIEW
            raise
    return batch


def _scope_lock(batch: ImportBatch, fiscal_year: int) -> None:
    if connection.vendor == "postgresql":
        key = f"import:{batch.region_id}:{fiscal_year}:{batch.stage}"
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _ensure_year_unlocked(batch: ImportBatch, fiscal_year: int | None) -> None:
    """A verified (or submitted) quarter locks the region's year: imports too."""
    from roadmap.locks import ensure_year_unlocked

    try:
        ensure_year_unlocked(batch.region_id, fiscal_year)
    except ValidationError as exc:
        raise ImportRefused(" ".join(exc.messages), status=409) from None


def _commit(batch: ImportBatch, plan: Plan, *, user) -> None:
    _ensure_year_unlocked(batch, plan.fiscal_year)
    with transaction.atomic():
        _scope_lock(batch, plan.fiscal_year)
        if _refuse_twin_commit(batch, plan):
            return
        if plan.kind == ImportKind.REKAP:
            touched = _commit_rekap(batch, plan, user=user)
        else:
            touched = _commit_realisasi(batch, plan)
        import_faults.pause_point("commit")
        now = timezone.now()
        batch.status = ImportStatus.COMMITTED
        batch.committed_at = now
        batch.committed_by = user
        batch.message = _summary_message(batch)
        batch.progress_done = batch.progress_total
        batch.save()
        audit_record(
            user=user,
            action=AuditAction.BULK,
            model_label="budgets.BudgetLine",
            object_id=str(batch.pk),
            object_repr=_("Impor SIPD batch #%(id)d: %(name)s")
            % {"id": batch.pk, "name": batch.original_name},
            region_code=batch.region_id,
            batch_id=batch.pk,
            extra={
                "kind": batch.kind, "fiscal_year": batch.fiscal_year, "stage": batch.stage,
                "created": batch.created, "updated": batch.updated,
                "unchanged": batch.unchanged, "removed": batch.removed,
                "skipped": batch.skipped, "total_pagu": str(batch.total_pagu),
                "total_realisasi": str(batch.total_realisasi), "lines_touched": touched,
            },
        )
        # Rebuild the dashboard/API summary rows of the scopes this commit changed.
        budget_summary_refresh()


def _refuse_twin_commit(batch: ImportBatch, plan: Plan) -> bool:
    """Inside the scope lock: the same file committed by another batch since the
    diff was made (two uploads of one file at the same moment).

    The batch is then refused (status rejected) with a message naming the
    committed batch; see ``import_faults.import_commit_recheck``.
    """
    message = import_faults.import_commit_recheck(
        batch, plan.fiscal_year, since=plan.planned_at
    )
    if message is None:
        return False
    batch.status = ImportStatus.REJECTED
    batch.message = message
    batch.finished_at = timezone.now()
    batch.errors = list(batch.errors or []) + [
        _error(None, None, "", "same_file", message,
               "The very same file was committed by another batch; not saved twice.")
    ]
    batch.save(update_fields=["status", "message", "finished_at", "errors"])
    return True


def _same_name(a: str, b: str) -> bool:
    return " ".join((a or "").upper().split()) == " ".join((b or "").upper().split())


def _column(rows, name):
    """One field of every row (rows are NamedTuples of one class)."""
    if not rows:
        return []
    return list(map(itemgetter(type(rows[0])._fields.index(name)), rows))


def _first_distinct(rows, names) -> list:
    """Distinct tuples of the named fields, in order of first appearance."""
    if not rows:
        return []
    get = itemgetter(*(type(rows[0])._fields.index(n) for n in names))
    return list(dict.fromkeys(map(get, rows)))


#: Reference data created with the name of the last row naming the code.
_LAST_NAMED_FIELDS = (
    ("kode_sumber_dana", "nama_sumber_dana"),
    ("kode_rekening", "nama_rekening"),
)

_UNIT_NOMENCLATURE_FIELDS = (
    "kode_skpd", "nama_skpd", "kode_sub_unit", "nama_sub_unit",
    "kode_urusan", "nama_urusan", "kode_bidang", "nama_bidang",
    "kode_program", "nama_program", "kode_kegiatan", "nama_kegiatan",
    "kode_sub_kegiatan", "nama_sub_kegiatan",
)


def _first_distinct_rows(rows, names) -> list:
    """The first row of each distinct combination of the named fields, in file
    order: for any subset of those fields, ``_first_distinct`` and
    ``_first_named`` give on these rows what they give on all of them."""
    if not rows:
        return []
    get = itemgetter(*(type(rows[0])._fields.index(n) for n in names))
    first: dict = {}
    deque(map(first.setdefault, map(get, rows), rows), maxlen=0)
    return list(first.values())


def _first_named(rows, code_f, name_f) -> dict:
    """code -> the name on the first row naming that code (file order kept)."""
    out: dict = {}
    for code, name in _first_distinct(rows, (code_f, name_f)):
        out.setdefault(code, name)
    return out


def _last_named(rows, code_f, name_f) -> dict:
    """code -> the name on the last row naming that code (first-appearance order)."""
    return dict(zip(_column(rows, code_f), _column(rows, name_f), strict=True))


class _Refs:
    """Code -> id maps of the reference data a file names, created when missing."""

    def __init__(self, batch: ImportBatch, plan: Plan):
        self.batch = batch
        self.plan = plan
        self.year = plan.fiscal_year
        self.warnings: list[dict] = []

    def _warn_name(self, what: str, code: str, stored: str, named: str) -> None:
        if not named or _same_name(stored, named) or stored == code:
            return
        self.warnings.append(_error(
            None, None, named, "name_differs",
            _("%(what)s %(code)s tersimpan bernama '%(stored)s', di berkas '%(named)s'; "
              "nama tersimpan dipertahankan.")
            % {"what": what, "code": code, "stored": stored, "named": named},
            f"{what} {code} is stored as '{stored}', the file says '{named}'; kept.",
            severity="warning",
        ))

    def ensure(self, rows) -> None:
        # Units and nomenclature are read from one row per distinct combination
        # of their codes and names (a few thousand of 100,000 lines): the first
        # row naming a code, and the order codes first appear in, are the same.
        named = _first_distinct_rows(rows, _UNIT_NOMENCLATURE_FIELDS)
        self.units = self._units(named)
        self.nomenclature = self._nomenclature(named)
        (source_f, account_f) = _LAST_NAMED_FIELDS
        self.sources = self._simple(
            FundingSource, _last_named(rows, *source_f), _("Sumber dana"),
        )
        self.accounts = self._simple(
            Account, _last_named(rows, *account_f), _("Rekening"), account=True,
        )

    def _simple(self, model, named: dict, what: str, account: bool = False) -> dict:
        existing = {c: (pk, n) for pk, c, n in model.objects.filter(
            code__in=list(named)).values_list("pk", "code", "name")}
        missing = []
        for code, name in named.items():
            if code in existing:
                if name and existing[code][1] != name:
                    self._warn_name(what, code, existing[code][1], name)
                continue
            obj = model(code=code, name=(name or code)[:500 if account else 255])
            if account:
                obj.group = account_group(code)
            missing.append(obj)
        model.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
        return dict(model.objects.filter(code__in=list(named)).values_list("code", "pk"))

    def _units(self, rows) -> dict:
        region = self.batch.region_id
        skpd_names = _first_named(rows, "kode_skpd", "nama_skpd")
        sub_units = {}
        # One pass per distinct (skpd, sub unit) pair, not per row.
        for skpd, sub, name in _first_distinct(
            rows, ("kode_skpd", "kode_sub_unit", "nama_sub_unit")
        ):
            sub = sub or skpd
            if sub != skpd:
                sub_units.setdefault(sub, (name, skpd))
        existing = {c: (pk, n) for pk, c, n in Unit.objects.filter(region_id=region)
                    .values_list("pk", "code", "name")}
        new = []
        for code, name in skpd_names.items():
            if code in existing:
                if name and existing[code][1].upper() != name.upper():
                    self._warn_name(_("SKPD"), code, existing[code][1], name)
                continue
            new.append(Unit(region_id=region, code=code, name=(name or code)[:255],
                            kind=UnitKind.OPD))
        Unit.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        ids = dict(Unit.objects.filter(region_id=region, code__in=list(skpd_names))
                   .values_list("code", "pk"))
        new = []
        for code, (name, parent) in sub_units.items():
            if code in existing:
                if name and existing[code][1].upper() != name.upper():
                    self._warn_name(_("Sub unit"), code, existing[code][1], name)
                continue
            kind = UnitKind.UPTD if (name or "").strip().upper().startswith("UPTD") \
                else UnitKind.SUB_UNIT
            new.append(Unit(region_id=region, code=code, name=(name or code)[:255],
                            kind=kind, parent_id=ids.get(parent)))
        Unit.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        codes = list(skpd_names) + list(sub_units)
        return dict(Unit.objects.filter(region_id=region, code__in=codes)
                    .values_list("code", "pk"))

    def _nomenclature(self, rows) -> dict:
        levels = (
            ("urusan", "kode_urusan", "nama_urusan"),
            ("bidang", "kode_bidang", "nama_bidang"),
            ("program", "kode_program", "nama_program"),
            ("kegiatan", "kode_kegiatan", "nama_kegiatan"),
            ("sub_kegiatan", "kode_sub_kegiatan", "nama_sub_kegiatan"),
        )
        existing = {(lv, c): (pk, n) for pk, lv, c, n in Nomenclature.objects.filter(
            fiscal_year=self.year).values_list("pk", "level", "code", "name")}
        ids = {k: v[0] for k, v in existing.items()}
        parents = {"urusan": None, "bidang": "urusan", "program": "bidang",
                   "kegiatan": "program", "sub_kegiatan": "kegiatan"}
        for index, (level, code_f, name_f) in enumerate(levels):
            named = {c: n or "" for c, n in _first_named(rows, code_f, name_f).items() if c}
            parent_of = {}
            if index:
                parent_of = {
                    c: p or "" for c, p in
                    _first_named(rows, code_f, levels[index - 1][1]).items() if c
                }
            new = []
            for code, name in named.items():
                old = existing.get((level, code))
                if old is not None:
                    if name and old[1] != name and old[1] != code:
                        self._warn_name(_("Nomenklatur"), code, old[1], name)
                    continue
                parent_id = ids.get((parents[level], parent_of.get(code))) if index else None
                new.append(Nomenclature(fiscal_year=self.year, level=level, code=code,
                                        name=(name or code)[:500], parent_id=parent_id))
            Nomenclature.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
            if new:
                ids.update({
                    (level, c): pk for pk, c in Nomenclature.objects.filter(
                        fiscal_year=self.year, level=level, code__in=[n.code for n in new]
                    ).values_list("pk", "code")
                })
        return {c: pk for (lv, c), pk in ids.items() if lv == "sub_kegiatan"}

    def ids(self, r) -> tuple:
        return (
            self.units[r.kode_skpd],
            self.units[r.kode_sub_unit or r.kode_skpd],
            self.nomenclature[r.kode_sub_kegiatan],
            self.sources[r.kode_sumber_dana],
            self.accounts[r.kode_rekening],
        )

    def id_columns(self, rows) -> tuple[list, list, list, list, list]:
        """``ids`` of every row, as five columns (unit, sub unit, sub kegiatan,
        funding source, account): mapped a column at a time, at C speed."""
        skpd = _column(rows, "kode_skpd")
        sub = [s or k for s, k in zip(_column(rows, "kode_sub_unit"), skpd, strict=True)]
        return (
            list(map(self.units.__getitem__, skpd)),
            list(map(self.units.__getitem__, sub)),
            list(map(self.nomenclature.__getitem__, _column(rows, "kode_sub_kegiatan"))),
            list(map(self.sources.__getitem__, _column(rows, "kode_sumber_dana"))),
            list(map(self.accounts.__getitem__, _column(rows, "kode_rekening"))),
        )


def _commit_rekap(batch: ImportBatch, plan: Plan, *, user) -> int:
    refs = _Refs(batch, plan)
    refs.ensure(plan.rows)
    if refs.warnings:
        batch.warnings = list(batch.warnings or []) + refs.warnings
    write = plan.new + [r for r, _old in plan.changed]
    _set_progress(batch, 0)
    try:
        if plan.prewritten:
            pass  # written ahead while the file was read (_Ahead), in this transaction
        elif connection.vendor == "postgresql":
            _write_lines_pg(batch, plan, refs, write)
        else:
            _write_lines_orm(batch, plan, refs, write)
    except IntegrityError as exc:
        if not _is_unique_violation(exc):
            raise
        # A line with the same natural key entered by hand while this commit ran.
        log.warning("import batch %s: %s", batch.pk, str(exc).strip()[:200])
        raise ImportRefused(
            _("Baris anggaran lingkup ini berubah saat batch ini disimpan; tidak ada yang "
              "tersimpan. Simpan ulang batch ini."),
            status=409,
        ) from None
    _set_progress(batch, len(write))
    if plan.gone:
        _remove_lines(batch, [t[0] for t in plan.gone])
    if plan.tag_rows:
        _write_tags(batch, plan, refs, user=user)
    return len(write) + len(plan.gone)


def _is_unique_violation(exc: IntegrityError) -> bool:
    """A unique key refused the write (PostgreSQL's SQLSTATE 23505, SQLite's
    message); any other integrity error is a fault, not a race to report."""
    code = getattr(exc.__cause__, "pgcode", None)
    if code is not None:
        return code == "23505"
    text = str(exc)
    return "UNIQUE constraint failed" in text or "duplicate key value" in text


def _write_lines_pg(batch: ImportBatch, plan: Plan, refs: _Refs, rows: list) -> None:
    if not rows:
        return
    has_real = plan.has_realisasi
    unit, sub_unit, sub_kegiatan, source, account = refs.id_columns(rows)
    parents = {
        "units": set(unit) | set(sub_unit),
        "nomenclature": set(sub_kegiatan),
        "funding_sources": set(source),
        "accounts": set(account),
        "region": batch.region_id,
        "batch": batch.pk,
    }
    n = len(rows)
    columns = [
        unit, sub_unit, sub_kegiatan, source, account,
        [p or "" for p in _column(rows, "paket")],
        [p or "" for p in _column(rows, "nama_paket")],
        _column(rows, "pagu"),
        [r or ZERO for r in _column(rows, "realisasi")] if has_real else [ZERO] * n,
    ]
    try:
        lines_write_pg(
            batch_id=batch.pk, region_id=batch.region_id, fiscal_year=plan.fiscal_year,
            stage=batch.stage, columns=columns, parents=parents, set_realisasi=has_real,
            only_new=not plan.changed,
        )
    except MissingParent as exc:
        log.warning("import batch %s: %s", batch.pk, exc)
        raise ImportRefused(
            _("Data rujukan (perangkat daerah, nomenklatur, sumber dana atau rekening) "
              "dihapus saat batch ini disimpan; tidak ada yang tersimpan. Simpan ulang "
              "batch ini."),
            status=409,
        ) from None


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _before_rows(ids: list[int]) -> dict[int, dict]:
    out = {}
    for i in range(0, len(ids), 5000):
        for row in BudgetLine.objects.filter(pk__in=ids[i:i + 5000]).values(
            *[f.attname for f in BudgetLine._meta.concrete_fields]
        ):
            out[row["id"]] = {k: _json_value(v) for k, v in row.items()}
    return out


def _write_lines_orm(batch: ImportBatch, plan: Plan, refs: _Refs, rows: list) -> None:
    """The portable path (SQLite): bulk_create new lines, bulk_update changed ones."""
    now = timezone.now()
    changed_ids = [old[0] for _r, old in plan.changed]
    before = _before_rows(changed_ids)
    ImportLineChange.objects.bulk_create(
        [ImportLineChange(batch=batch, line_id=i, action=LineChangeAction.UPDATED,
                          before=before[i]) for i in changed_ids],
        batch_size=2000,
    )
    updates = []
    for r, old in plan.changed:
        line = BudgetLine(pk=old[0], pagu=r.pagu, package_name=r.nama_paket or "",
                          realisasi=(r.realisasi or ZERO) if plan.has_realisasi else old[8],
                          origin=LineOrigin.IMPORT, import_batch_id=batch.pk,
                          updated_at=now)
        updates.append(line)
    BudgetLine.objects.bulk_update(
        updates, ["pagu", "package_name", "realisasi", "origin", "import_batch",
                  "updated_at"], batch_size=1000,
    )
    new_lines = []
    for r in plan.new:
        u, su, sk, fs, acc = refs.ids(r)
        new_lines.append(BudgetLine(
            fiscal_year=plan.fiscal_year, stage=batch.stage, region_id=batch.region_id,
            unit_id=u, sub_unit_id=su, sub_kegiatan_id=sk, funding_source_id=fs,
            account_id=acc, package=r.paket or "", package_name=r.nama_paket or "",
            pagu=r.pagu, realisasi=(r.realisasi or ZERO) if plan.has_realisasi else ZERO,
            origin=LineOrigin.IMPORT, import_batch_id=batch.pk,
        ))
    created = BudgetLine.objects.bulk_create(new_lines, batch_size=1000)
    ImportLineChange.objects.bulk_create(
        [ImportLineChange(batch=batch, line_id=first, last_line_id=last,
                          action=LineChangeAction.CREATED)
         for first, last in id_runs(line.pk for line in created)],
        batch_size=2000,
    )


def _remove_lines(batch: ImportBatch, ids: list[int]) -> None:
    """Record the full state (tags, intervention links) of lines, then delete them."""
    before = _before_rows(ids)
    through = _intervention_through()
    tags = defaultdict(list)
    for t in Tag.objects.filter(budget_line_id__in=ids).values(
        *[f.attname for f in Tag._meta.concrete_fields]
    ):
        tags[t["budget_line_id"]].append({k: _json_value(v) for k, v in t.items()})
    links = defaultdict(list)
    if through is not None:
        for line_id, intervention_id in through.objects.filter(
            budgetline_id__in=ids
        ).values_list("budgetline_id", "intervention_id"):
            links[line_id].append(intervention_id)
    ImportLineChange.objects.bulk_create(
        [
            ImportLineChange(
                batch=batch, line_id=i, action=LineChangeAction.REMOVED,
                before=dict(before[i], _tags=tags.get(i, []),
                            _interventions=links.get(i, [])),
            )
            for i in ids if i in before
        ],
        batch_size=2000,
    )
    BudgetLine.objects.filter(pk__in=ids).delete()


def _intervention_through():
    """The table linking interventions to lines (None if no app links them)."""
    try:
        return BudgetLine._meta.get_field("interventions").through
    except Exception:  # noqa: BLE001 - the programs app may not link lines
        return None


def _write_tags(batch: ImportBatch, plan: Plan, refs: _Refs, *, user) -> None:
    keys = {}
    for r, pillar_id, strategy_id, labels in plan.tag_rows:
        keys[refs.ids(r) + (r.paket or "",)] = (pillar_id, strategy_id, labels)
    unit_ids = {k[0] for k in keys}
    line_ids = {}
    for pk, *key in BudgetLine.objects.filter(
        fiscal_year=plan.fiscal_year, stage=batch.stage, region_id=batch.region_id,
        unit_id__in=unit_ids,
    ).values_list("pk", "unit_id", "sub_unit_id", "sub_kegiatan_id",
                  "funding_source_id", "account_id", "package"):
        line_ids[tuple(key)] = pk
    have = set(Tag.objects.filter(
        budget_line_id__in=list(line_ids.values()), source=TagSource.IMPORT
    ).values_list("budget_line_id", "pillar_id", "strategy_id", "label"))
    new, touched = [], set()
    for key, (pillar_id, strategy_id, labels) in keys.items():
        line_id = line_ids.get(key)
        if line_id is None:
            continue
        wanted = []
        if pillar_id or strategy_id:
            wanted.append((pillar_id, strategy_id, ""))
        wanted += [(None, None, label) for label in labels]
        for p, s, label in wanted:
            if (line_id, p, s, label) in have:
                continue
            new.append(Tag(budget_line_id=line_id, pillar_id=p, strategy_id=s, label=label,
                           source=TagSource.IMPORT, import_batch=batch,
                           created_by=user if getattr(user, "pk", None) else None))
            touched.add(line_id)
    Tag.objects.bulk_create(new, batch_size=2000)
    if touched:
        from .services import line_classification_refresh

        line_classification_refresh(line_ids=touched)


def _commit_realisasi(batch: ImportBatch, plan: Plan) -> int:
    ids = list(plan.realisasi_updates)
    before = _before_rows(ids)
    ImportLineChange.objects.bulk_create(
        [ImportLineChange(batch=batch, line_id=i, action=LineChangeAction.UPDATED,
                          before=before[i]) for i in ids if i in before],
        batch_size=2000,
    )
    now = timezone.now()
    BudgetLine.objects.bulk_update(
        [BudgetLine(pk=i, realisasi=new, import_batch_id=batch.pk, updated_at=now)
         for i, (_old, new, _t) in plan.realisasi_updates.items()],
        ["realisasi", "import_batch", "updated_at"], batch_size=1000,
    )
    return len(ids)


# --- rollback ----------------------------------------------------------------


def import_batch_rollback(*, user, batch: ImportBatch, reason: str = "") -> ImportBatch:
    """Restore the lines as they were before this batch (newest batch first)."""
    access.ensure_can_import(user, batch.region_id)
    _ensure_year_unlocked(batch, batch.fiscal_year)
    if batch.status != ImportStatus.COMMITTED:
        raise ImportRefused(
            _("Hanya batch yang tersimpan yang dapat dibatalkan (status: %(status)s).")
            % {"status": batch.get_status_display()},
            status=409,
        )
    later = (
        ImportBatch.objects.filter(
            region_id=batch.region_id, fiscal_year=batch.fiscal_year, stage=batch.stage,
            status=ImportStatus.COMMITTED, committed_at__gt=batch.committed_at,
            line_changes__isnull=False,
        )
        .distinct()
        .order_by("committed_at")
        .first()
    )
    if later is not None:
        raise ImportRefused(
            _("Batch #%(later)d yang lebih baru mengubah data yang sama; batalkan batch "
              "#%(later)d lebih dahulu.") % {"later": later.pk},
            status=409,
        )
    with audit_via("import"), transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.COMMITTED:
            raise ImportRefused(_("Batch ini sudah dibatalkan."), status=409)
        changes = ImportLineChange.objects.filter(batch=batch)
        created = [
            i for first, last in changes.filter(action=LineChangeAction.CREATED)
            .values_list("line_id", "last_line_id")
            for i in range(first, (last or first) + 1)
        ]
        tagged = set(Tag.objects.filter(import_batch=batch).values_list(
            "budget_line_id", flat=True))
        Tag.objects.filter(import_batch=batch).delete()
        for i in range(0, len(created), 5000):
            BudgetLine.objects.filter(pk__in=created[i:i + 5000]).delete()
        _restore_updated(changes.filter(action=LineChangeAction.UPDATED))
        _restore_removed(changes.filter(action=LineChangeAction.REMOVED))
        remaining = tagged - set(created)
        if remaining:
            from .services import line_classification_refresh

            line_classification_refresh(line_ids=remaining)
        now = timezone.now()
        locked.status = ImportStatus.ROLLED_BACK
        locked.rolled_back_at = now
        locked.rolled_back_by = user
        locked.message = _("Batch dibatalkan; baris anggaran kembali seperti sebelum impor.")
        locked.save(update_fields=["status", "rolled_back_at", "rolled_back_by", "message"])
        audit_record(
            user=user,
            action=AuditAction.BULK,
            model_label="budgets.BudgetLine",
            object_id=str(batch.pk),
            object_repr=_("Pembatalan impor batch #%(id)d") % {"id": batch.pk},
            region_code=batch.region_id,
            batch_id=batch.pk,
            reason=reason,
            extra={"rolled_back": True, "deleted": len(created),
                   "restored": changes.exclude(action=LineChangeAction.CREATED).count()},
        )
        budget_summary_refresh()
    batch.refresh_from_db()
    return batch


_RESTORE_FIELDS = [
    f for f in BudgetLine._meta.concrete_fields if f.attname not in ("id",)
]


def _line_from_before(data: dict) -> BudgetLine:
    line = BudgetLine(pk=data["id"])
    for f in _RESTORE_FIELDS:
        if f.attname in data:
            setattr(line, f.attname, f.to_python(data[f.attname]))
    return line


def _restore_updated(qs) -> None:
    lines = [_line_from_before(before) for before in qs.values_list("before", flat=True)
             .iterator(chunk_size=5000)]
    # bulk_update would reset auto_now fields; they are restored by value.
    BudgetLine.objects.bulk_update(
        lines, [f.name for f in _RESTORE_FIELDS], batch_size=1000
    )


def _restore_removed(qs) -> None:
    lines, tags, links = [], [], []
    for before in qs.values_list("before", flat=True).iterator(chunk_size=5000):
        lines.append(_line_from_before(before))
        for t in before.get("_tags", []):
            tag = Tag(pk=t["id"])
            for f in Tag._meta.concrete_fields:
                if f.attname in t and f.attname != "id":
                    setattr(tag, f.attname, f.to_python(t[f.attname]))
            tags.append(tag)
        for intervention_id in before.get("_interventions", []):
            links.append((before["id"], intervention_id))
    if not lines:
        return
    # auto_now_add/auto_now overwrite the times on insert: put them back.
    times = [(line.created_at, line.updated_at) for line in lines]
    BudgetLine.objects.bulk_create(lines, batch_size=1000)
    for line, (created, updated) in zip(lines, times, strict=True):
        line.created_at, line.updated_at = created, updated
    BudgetLine.objects.bulk_update(lines, ["created_at", "updated_at"], batch_size=1000)
    if tags:
        tag_times = [t.created_at for t in tags]
        Tag.objects.bulk_create(tags, batch_size=1000)
        for tag, created in zip(tags, tag_times, strict=True):
            tag.created_at = created
        Tag.objects.bulk_update(tags, ["created_at"], batch_size=1000)
    through = _intervention_through()
    if links and through is not None:
        through.objects.bulk_create(
            [through(budgetline_id=line_id, intervention_id=iid) for line_id, iid in links],
            ignore_conflicts=True,
        )


# --- reads used by the pages, the API and the command ----------------------------


def batch_report(batch: ImportBatch) -> dict:
    """The batch in the shape of ``import_sipd --json``."""
    status = {
        ImportStatus.COMMITTED: "committed",
        ImportStatus.PREVIEW: "preview",
        ImportStatus.REJECTED: "rejected",
        ImportStatus.FAILED: "rejected",
    }.get(batch.status, batch.status)
    return {
        "status": status,
        "state": batch.status,
        "kind": batch.kind or None,
        "fiscal_year": batch.fiscal_year,
        "region": batch.region_id,
        "stage": batch.stage,
        "rows": batch.rows,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "removed": batch.removed,
        "skipped": batch.skipped,
        "total_pagu": str(Decimal(batch.total_pagu).quantize(CENT)),
        "total_realisasi": str(Decimal(batch.total_realisasi).quantize(CENT)),
        "batch": batch.pk,
        "message": batch.message,
        "progress": {"done": batch.progress_done, "total": batch.progress_total},
        "errors": [
            {"row": e.get("row"), "column": e.get("column"), "value": e.get("value", ""),
             "code": e.get("code", ""), "message": e.get("message", ""),
             "message_en": e.get("message_en", "")}
            for e in batch.errors or []
        ],
        "warnings": [
            {"row": e.get("row"), "column": e.get("column"), "value": e.get("value", ""),
             "code": e.get("code", ""), "message": e.get("message", "")}
            for e in batch.warnings or []
        ],
    }


def import_batch_mark_failed(*, batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.PENDING, ImportStatus.PARSING]
    ).update(status=ImportStatus.FAILED, message=message, finished_at=timezone.now())


def error_workbook_path(batch: ImportBatch) -> str:
    """Write (once) and return the error workbook of a batch with errors."""
    from .importers import CellError, FileRejected, parse_file, write_error_workbook

    out_dir = os.path.join(settings.MEDIA_ROOT, "imports", "errors")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, f"batch-{batch.pk}-kesalahan.xlsx")
    if os.path.exists(out):
        return out
    try:
        result = parse_file(batch.file.path)
    except FileRejected as exc:
        raise ImportRefused(exc.message, status=409) from None
    from .importers import CATALOG

    # Problems found against the database (unknown pillar, realisasi without a
    # line...) go into the workbook next to the parser's own.
    for e in batch.errors or []:
        if e.get("code") not in CATALOG and e.get("row"):
            result.errors.append(CellError(
                e["row"], e.get("column"), e.get("value", ""), e.get("code", ""),
                e.get("message", ""), e.get("message_en", ""), "error",
            ))
    write_error_workbook(batch.file.path, result, out)
    return out
