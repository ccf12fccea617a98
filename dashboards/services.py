"""Writes of the dashboards app: loading BPS-style poverty indicator tables.

The file goes through the same guards as the SIPD import: a size cap, a zip
pre-scan (entry count, uncompressed size, compression ratio) before any XML
is parsed, openpyxl in read-only mode with defusedxml installed (no entity
expansion), and formulas never evaluated (a formula cell is refused, its
cached value is not trusted). Every row is checked first; the table is saved
all at once or not at all, with an Indonesian message per faulty row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from regions import access
from regions.models import Region, Role

from .models import Indicator, IndicatorImport, PovertyIndicator

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
ZIP_MAX_ENTRIES = 200
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
COLUMNS = ("kode_wilayah", "periode", "indikator", "nilai", "satuan", "sumber")
REQUIRED = ("kode_wilayah", "periode", "indikator", "nilai", "sumber")
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
BPS_CODE_RE = re.compile(r"^\d{2}(\d{2})?$")
# Indicator names as BPS tables and people write them.
INDICATOR_ALIASES = {
    "p0": Indicator.P0,
    "persentase penduduk miskin": Indicator.P0,
    "persentase_penduduk_miskin": Indicator.P0,
    "jumlah_miskin": Indicator.POOR_PEOPLE,
    "jumlah penduduk miskin": Indicator.POOR_PEOPLE,
    "jumlah_penduduk_miskin": Indicator.POOR_PEOPLE,
    "miskin_ekstrem": Indicator.EXTREME,
    "kemiskinan ekstrem": Indicator.EXTREME,
    "persentase kemiskinan ekstrem": Indicator.EXTREME,
    "p1": Indicator.P1,
    "p2": Indicator.P2,
    "garis_kemiskinan": Indicator.POVERTY_LINE,
    "garis kemiskinan": Indicator.POVERTY_LINE,
    "gk": Indicator.POVERTY_LINE,
}


class IndicatorFileError(Exception):
    """The file as a whole cannot be read (not the fault of one row)."""


@dataclass
class IndicatorResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    upload: IndicatorImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def can_upload_indicators(user) -> bool:
    resolved = access.access_for(user)
    return resolved.is_admin or (
        resolved.role == Role.STAF_DATA and resolved.region_code is not None
    )


# --- reading ----------------------------------------------------------------------


def _prescan_zip(data: bytes) -> None:
    """Refuse zip bombs before openpyxl touches the XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise IndicatorFileError(
            _("Berkas bukan XLSX yang sah (tidak dapat dibuka). Simpan ulang dari Excel sebagai .xlsx.")
        ) from None
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_ENTRIES:
        raise IndicatorFileError(_("Berkas XLSX berisi terlalu banyak bagian; ditolak demi keamanan."))
    total = 0
    for info in infos:
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO:
            raise IndicatorFileError(
                _("Berkas XLSX memiliki rasio kompresi tidak wajar; ditolak demi keamanan.")
            )
    if total > ZIP_MAX_UNCOMPRESSED:
        raise IndicatorFileError(_("Isi berkas XLSX terlalu besar setelah dibuka; ditolak."))


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    _prescan_zip(data)
    try:
        # read_only streams the sheet; data_only=False keeps formulas as text so
        # they can be refused (a cached value may be stale or forged).
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file
        raise IndicatorFileError(
            _("Berkas XLSX tidak dapat dibaca (%(err)s). Simpan ulang dari Excel sebagai .xlsx.")
            % {"err": type(exc).__name__}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise IndicatorFileError(
                    _("Tabel lebih dari %(n)d baris; bagi menjadi beberapa berkas.") % {"n": MAX_ROWS}
                )
            rows.append((number, list(values)))
        return rows
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise IndicatorFileError(_("Berkas CSV harus berenkode UTF-8.")) from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if number > MAX_ROWS + 1:
            raise IndicatorFileError(
                _("Tabel lebih dari %(n)d baris; bagi menjadi beberapa berkas.") % {"n": MAX_ROWS}
            )
        rows.append((number, values))
    return rows


def read_indicator_rows(*, name: str, data: bytes) -> list[tuple[int, dict]]:
    """The table's rows as (row number, {column: raw value}); header on row 1."""
    if len(data) > MAX_BYTES:
        raise IndicatorFileError(
            _("Berkas %(size)d KB melebihi batas %(max)d KB.")
            % {"size": len(data) // 1024, "max": MAX_BYTES // 1024}
        )
    lower = name.lower()
    if lower.endswith(".xlsx"):
        raw = _read_xlsx(data)
    elif lower.endswith(".csv"):
        raw = _read_csv(data)
    else:
        raise IndicatorFileError(_("Unggah berkas .xlsx atau .csv."))
    if not raw:
        raise IndicatorFileError(_("Berkas kosong."))
    header = [str(v or "").strip().lower().replace(" ", "_") for v in raw[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IndicatorFileError(
            _("Kolom wajib tidak ada: %(cols)s. Baris pertama harus berisi judul kolom: %(all)s.")
            % {"cols": ", ".join(missing), "all": ", ".join(COLUMNS)}
        )
    out = []
    for number, values in raw[1:]:
        if all(v in (None, "") for v in values):
            continue
        out.append(
            (number, {col: values[i] if i < len(values) else None for i, col in enumerate(header)})
        )
    return out


# --- validating and saving ---------------------------------------------------------


def _region_code(raw) -> str:
    text = str(raw if raw is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if BPS_CODE_RE.match(text):  # BPS writes 3602 for 36.02
        return text[:2] if len(text) == 2 else f"{text[:2]}.{text[2:]}"
    return text


def _decimal(raw) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "")
    if not text:
        return None
    # Indonesian writing: 1.234,56 ; plain: 1234.56
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _is_formula(raw) -> bool:
    return isinstance(raw, str) and raw.strip().startswith("=")


def indicator_import(*, user, name: str, data: bytes) -> IndicatorResult:
    """Check every row, then save all of them (or none) with the upload recorded."""
    if not can_upload_indicators(user):
        raise PermissionDenied(_("Hanya Admin atau Staf Data yang dapat mengunggah indikator."))
    result = IndicatorResult()
    try:
        rows = read_indicator_rows(name=name, data=data)
    except IndicatorFileError as exc:
        result.errors.append(str(exc))
        return result
    if not rows:
        result.errors.append(_("Tabel tidak berisi baris data di bawah judul kolom."))
        return result
    codes = {_region_code(r.get("kode_wilayah")) for _n, r in rows}
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    seen: dict[tuple, int] = {}
    clean = []
    for number, row in rows:
        prefix = _("Baris %(n)d") % {"n": number}
        problems = []
        for column in COLUMNS:
            if _is_formula(row.get(column)):
                problems.append(
                    _("kolom %(col)s berisi rumus; isi dengan nilai, bukan rumus.") % {"col": column.upper()}
                )
        code = _region_code(row.get("kode_wilayah"))
        if not code:
            problems.append(_("kolom KODE_WILAYAH kosong."))
        elif code not in known:
            problems.append(
                _("kolom KODE_WILAYAH: '%(v)s' bukan kode wilayah yang dikenal (contoh: 36.02 atau 3602).")
                % {"v": code[:20]}
            )
        elif not access.can_import(user, code) and not access.is_admin(user):
            problems.append(
                _("kolom KODE_WILAYAH: wilayah %(v)s di luar lingkup Anda.") % {"v": code}
            )
        period = str(row.get("periode") or "").strip()
        if period.isdigit() and len(period) == 4:
            period = f"{period}-03"  # a yearly figure: BPS publishes March as the yearly one
        if hasattr(row.get("periode"), "strftime"):
            period = row["periode"].strftime("%Y-%m")
        if not PERIOD_RE.match(period):
            problems.append(
                _("kolom PERIODE: '%(v)s' harus berbentuk TTTT-BB, mis. 2024-03.") % {"v": period[:20]}
            )
        raw_indicator = str(row.get("indikator") or "").strip().lower()
        indicator = INDICATOR_ALIASES.get(raw_indicator)
        if indicator is None:
            problems.append(
                _("kolom INDIKATOR: '%(v)s' tidak dikenal; gunakan salah satu dari %(ok)s.")
                % {"v": raw_indicator[:40], "ok": ", ".join(Indicator.values)}
            )
        value = _decimal(row.get("nilai"))
        if value is None:
            problems.append(
                _("kolom NILAI: '%(v)s' bukan angka (tulis 5,84 atau 5.84).") % {"v": str(row.get("nilai"))[:20]}
            )
        elif value < 0:
            problems.append(_("kolom NILAI tidak boleh negatif."))
        elif indicator in (Indicator.P0, Indicator.EXTREME) and value > 100:
            problems.append(_("kolom NILAI: persentase tidak boleh lebih dari 100."))
        source = str(row.get("sumber") or "").strip()
        if not source:
            problems.append(_("kolom SUMBER kosong; tulis sumber data, mis. BPS Provinsi Banten."))
        key = (code, period, indicator)
        if not problems and key in seen:
            problems.append(
                _("data yang sama (wilayah, periode, indikator) sudah ada di baris %(n)d.") % {"n": seen[key]}
            )
        if problems:
            result.errors.append(f"{prefix}: " + " ".join(problems))
            continue
        seen[key] = number
        clean.append(
            {
                "region_id": code, "period": period, "indicator": indicator, "value": value,
                "unit": str(row.get("satuan") or "").strip()[:40], "source": source[:255],
            }
        )
    if result.errors:
        return result
    with transaction.atomic():
        upload = IndicatorImport.objects.create(
            original_name=name[:255], sha256=hashlib.sha256(data).hexdigest(),
            size=len(data), rows=len(clean), uploaded_by=user,
        )
        existing = {
            (i.region_id, i.period, i.indicator): i
            for i in PovertyIndicator.objects.filter(
                region_id__in={c["region_id"] for c in clean}
            ).select_for_update()
        }
        for item in clean:
            key = (item["region_id"], item["period"], item["indicator"])
            current = existing.get(key)
            if current is None:
                PovertyIndicator.objects.create(upload=upload, uploaded_by=user, **item)
                result.created += 1
            else:
                for attr in ("value", "unit", "source"):
                    setattr(current, attr, item[attr])
                current.upload = upload
                current.uploaded_by = user
                current.save()
                result.updated += 1
        audit_record(
            user=user,
            action=AuditAction.BULK,
            model_label="dashboards.PovertyIndicator",
            object_repr=_("%(n)d indikator kemiskinan dari %(file)s")
            % {"n": len(clean), "file": name[:100]},
            region_code=_common_region(clean),
            reason=_("Unggah tabel indikator kemiskinan"),
            extra={"upload": upload.pk, "created": result.created, "updated": result.updated},
        )
    result.upload = upload
    return result


def _common_region(clean: list[dict]) -> str:
    codes = {c["region_id"][:2] for c in clean}
    return codes.pop() if len(codes) == 1 else ""


def max_upload_bytes() -> int:
    return min(MAX_BYTES, getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", MAX_BYTES))
