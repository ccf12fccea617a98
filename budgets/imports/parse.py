"""Reading the file (in the reader child) and the checks of the whole file against
the batch: region named in the title, fiscal year, stage.

A preview that waits for the user's confirmation keeps its parse as signed JSON
(bound to the server's secret, the batch and the file's SHA-256), so confirming
does not read the workbook a second time.
"""

from __future__ import annotations

import hmac
import os
import re

from django.conf import settings
from django.utils.translation import gettext as _

from regions.models import Level, Region

from ..models import ImportBatch
from ..stages import parse_stage, stage_label
from . import faults
from .common import Plan, warning


def parsed_path(batch: ImportBatch) -> str:
    return os.path.join(settings.MEDIA_ROOT, "imports", "parsed", f"batch-{batch.pk}.json")


def _parsed_key(batch: ImportBatch) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"import-parsed:{batch.pk}:{batch.sha256}".encode(),
        "sha256",
    ).digest()


def drop_parsed(batch: ImportBatch) -> None:
    try:
        os.remove(parsed_path(batch))
    except OSError:
        pass


def parse(batch: ImportBatch, *, keep: bool = False, reuse: bool = False):
    """(ParseResult, None) or (None, refusal dict)."""
    from ..importers import FileRejected, load_parsed, parse_file

    faults.pause_point("parse")
    if reuse:
        result = load_parsed(parsed_path(batch), _parsed_key(batch))
        if result is not None:
            return result, None
    try:
        kept = (parsed_path(batch), _parsed_key(batch)) if keep else None
        return parse_file(batch.file.path, keep=kept), None
    except FileRejected as exc:
        return None, {"code": exc.code, "message": exc.message, "message_en": exc.message_en}


def pemda_label(region: Region) -> str:
    if region.level == Level.PROVINSI:
        return f"PROVINSI {region.name.upper()}"
    name = region.name.upper()
    for prefix in ("KABUPATEN ", "KOTA "):
        if name.startswith(prefix):
            return name
    return f"{'KOTA' if region.level == Level.KOTA else 'KABUPATEN'} {name}"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", (text or "").upper()).split())


def check_region(batch: ImportBatch, result) -> dict | None:
    named = getattr(result, "pemda_name", None)
    if not named:
        return None
    expected = pemda_label(batch.region)
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


def check_year(batch: ImportBatch, result, plan: Plan) -> dict | None:
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


def check_stage(batch: ImportBatch, result, plan: Plan) -> dict | None:
    """The stage of the file: chosen on upload, or read from a TAHAPAN column.

    A TAHAPAN column naming several stages, or a stage other than the one
    chosen, refuses the file; a TAHAPAN value that is no stage is an error.
    """
    plan.stage = batch.stage
    if "tahapan" not in (result.columns or []):
        if not batch.stage_chosen and result.kind != "realisasi":
            plan.warnings.append(warning(
                "stage_unknown",
                _("Tahapan tidak dipilih saat unggah dan berkas tidak punya kolom TAHAPAN: "
                  "berkas dianggap APBD Murni. Bila berkas ini pergeseran atau perubahan, "
                  "buang batch ini dan unggah ulang dengan tahapan yang benar."),
                "No stage chosen and no TAHAPAN column: the file is taken as murni.",
            ))
        return None
    written = {}
    for r in result.rows:
        text = getattr(r, "tahapan", "") or ""
        if text:
            written.setdefault(text, r.row_number)
    codes = {}
    for text, row in written.items():
        code = parse_stage(text)
        if code is None:
            return {
                "code": "stage_unknown",
                "message": _(
                    "Baris %(row)d, kolom TAHAPAN: '%(value)s' bukan tahapan anggaran "
                    "(murni, pergeseran ke-n, perubahan, pergeseran setelah perubahan ke-n)."
                ) % {"row": row, "value": text[:60]},
                "message_en": f"Row {row}, TAHAPAN: '{text[:60]}' is not a budget stage.",
            }
        codes.setdefault(code, row)
    if len(codes) > 1:
        names = ", ".join(stage_label(c) for c in sorted(codes))
        return {
            "code": "stage_conflict",
            "message": _(
                "Kolom TAHAPAN menyebut lebih dari satu tahapan (%(stages)s). Satu berkas "
                "adalah satu tahapan: unggah per tahapan."
            ) % {"stages": names},
            "message_en": f"The TAHAPAN column names more than one stage ({names}).",
        }
    if not codes:
        return None
    (code,) = codes
    if batch.stage_chosen and code != batch.stage:
        return {
            "code": "stage_conflict",
            "message": _(
                "Kolom TAHAPAN berkas menyebut %(file)s, tetapi tahapan yang dipilih saat "
                "unggah adalah %(chosen)s. Pilih tahapan yang sesuai atau kosongkan pilihan."
            ) % {"file": stage_label(code), "chosen": stage_label(batch.stage)},
            "message_en": (
                f"The file's TAHAPAN column says {stage_label(code)}, the upload chose "
                f"{stage_label(batch.stage)}."
            ),
        }
    plan.stage = code
    return None
