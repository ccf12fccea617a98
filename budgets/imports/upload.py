"""Upload: store the file as a new batch (generated name, SHA-256) and queue it."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from core.text import clean_text
from regions import access
from regions.models import Level, Region

from ..models import ImportBatch, ImportStatus
from ..stages import Stage, parse_stage
from .common import ImportRefused, error, max_upload_bytes
from .queue import enqueue_process

IMPORT_REGION_LEVELS = (Level.PROVINSI, Level.KABUPATEN, Level.KOTA)
ALLOWED_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".html", ".htm", ".pdf"}

def sanitise_filename(name: str | None, *, limit: int = 200) -> str:
    """A display-safe file name: no directories, NUL or control characters.

    The stored file never uses this name (it gets a generated one); this is
    only the metadata shown to people.
    """
    name = clean_text(unicodedata.normalize("NFC", str(name or "")))
    name = name.replace("\n", "").replace("\r", "").replace("\t", " ")
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
    stage: str | None = None,
    fiscal_year: int | None = None,
    dry_run: bool = False,
    commit_valid_only: bool = False,
    enqueue: bool = True,
) -> ImportBatch:
    """Store an uploaded file as a new batch and queue its processing.

    ``upload`` is a Django ``UploadedFile`` or any binary file object.
    ``stage``: the budget stage the file is (murni, pergeseran-01, ...); None
    or "" lets a TAHAPAN column of the file say it (murni when it has none).
    """
    region = region_for_import(user=user, region_code=region_code)
    chosen = bool(stage)
    if chosen:
        code = parse_stage(stage)
        if code is None:
            raise ImportRefused(
                _("Tahapan %(stage)s tidak dikenal. Pilih murni, pergeseran ke-n, perubahan "
                  "atau pergeseran setelah perubahan ke-n.") % {"stage": str(stage)[:40]}
            )
        stage = code
    else:
        stage = Stage.MURNI
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
        stage_chosen=chosen,
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
            error(
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
                   "region": region.code, "stage": stage if chosen else ""},
            region_code=region.code,
            batch_id=batch.pk,
        )
        if enqueue:
            transaction.on_commit(lambda: enqueue_process(batch.pk))
    return batch


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


