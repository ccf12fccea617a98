"""What a quarterly submission locks, in one place.

Every service that changes a kabupaten/kota's data asks this module first
(``budgets.services``, ``programs.services``, ``roadmap.services``; the SIPD
import may call ``ensure_year_unlocked`` too).

The rule (two kinds of data):

* Year-level data: the kab/kota's budget lines and tags, and its
  interventions, of fiscal year Y. They carry no quarter of their own (pagu and
  realisasi are cumulative for the year), so they are locked while the newest
  submission of (region, Y) is *submitted* (under review by the province) or
  *verified*. Work on the next quarter starts by opening its draft
  (``submission_open``), which unlocks them again; the verified quarter's
  figures are kept in ``QuarterSubmission.verified_totals`` so the verified
  report never silently changes.
* Quarter-level data: roadmap actions targeted at (Y, q) and intervention
  progress of (Y, q). They are locked once any submission of (region, Y) for
  quarter q or later is submitted or verified, and stay locked until the
  province returns or reopens it.

Province-level data (region "36") is not submitted, so never locked here.
Returning or reopening a submission lifts its lock; both need a comment.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from regions.selectors import kabkota_code

from .models import QuarterSubmission, SubmissionStatus

LOCKING = (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED)


def _kabkota(region_code: str | None) -> str | None:
    return kabkota_code(region_code)


def year_lock(region_code: str | None, fiscal_year: int | None) -> QuarterSubmission | None:
    """The submission that locks the region's year-level data, or None."""
    code = _kabkota(region_code)
    if code is None or not fiscal_year:
        return None
    newest = (
        QuarterSubmission.objects.filter(region_id=code, fiscal_year=fiscal_year)
        .order_by("-quarter")
        .first()
    )
    if newest is not None and newest.status in LOCKING:
        return newest
    return None


def quarter_lock(
    region_code: str | None, fiscal_year: int | None, quarter: int | None
) -> QuarterSubmission | None:
    """The submission that locks data of (year, quarter), or None."""
    code = _kabkota(region_code)
    if code is None or not fiscal_year or not quarter:
        return None
    return (
        QuarterSubmission.objects.filter(
            region_id=code, fiscal_year=fiscal_year, quarter__gte=quarter,
            status__in=LOCKING,
        )
        .order_by("quarter")
        .first()
    )


def _message(submission: QuarterSubmission) -> str:
    if submission.status == SubmissionStatus.VERIFIED:
        text = _(
            "Data %(region)s tahun %(year)s terkunci: triwulan %(q)s sudah "
            "diverifikasi provinsi. Minta koordinator provinsi membuka kembali "
            "triwulan itu, atau buka triwulan berikutnya di halaman Verifikasi."
        )
    else:
        text = _(
            "Data %(region)s tahun %(year)s terkunci: triwulan %(q)s sedang "
            "diperiksa provinsi. Tunggu hasil verifikasi, atau minta provinsi "
            "mengembalikannya."
        )
    return text % {
        "region": submission.region_id, "year": submission.fiscal_year,
        "q": submission.quarter,
    }


def ensure_year_unlocked(region_code: str | None, fiscal_year: int | None) -> None:
    """Raise ``ValidationError`` when year-level data of the region is locked."""
    submission = year_lock(region_code, fiscal_year)
    if submission is not None:
        raise ValidationError(_message(submission), code="locked")


def ensure_quarter_unlocked(
    region_code: str | None, fiscal_year: int | None, quarter: int | None
) -> None:
    submission = quarter_lock(region_code, fiscal_year, quarter)
    if submission is not None:
        raise ValidationError(_message(submission), code="locked")


def instance_lock(obj) -> QuarterSubmission | None:
    """The submission locking one saved object, whatever its kind (for the admin)."""
    label = obj._meta.label if obj is not None else ""
    if label in ("budgets.BudgetLine", "programs.Intervention", "roadmap.Roadmap"):
        return year_lock(obj.region_id, obj.fiscal_year)
    if label == "budgets.Tag" and obj.budget_line_id:
        line = obj.budget_line
        return year_lock(line.region_id, line.fiscal_year)
    if label == "programs.InterventionProgress":
        return quarter_lock(obj.intervention.region_id, obj.fiscal_year, obj.quarter) or (
            year_lock(obj.intervention.region_id, obj.intervention.fiscal_year)
        )
    if label == "programs.InterventionEvidence":
        return year_lock(obj.intervention.region_id, obj.intervention.fiscal_year)
    if label == "roadmap.RoadmapAction":
        return quarter_lock(obj.roadmap.region_id, obj.target_year, obj.target_quarter)
    return None
