"""Writes to interventions. The access rule, validation and the record live here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from audit.services import audited_delete, audited_save, snapshot
from regions import access
from roadmap.locks import ensure_quarter_unlocked, ensure_year_unlocked

from .models import (
    EvidenceKind,
    Intervention,
    InterventionEvidence,
    InterventionProgress,
    InterventionStatus,
)

INTERVENTION_FIELDS = (
    "fiscal_year", "name", "description", "pillar", "strategy", "focus", "lead_unit",
    "target_group", "beneficiaries_target", "beneficiaries_reached", "start_date",
    "end_date", "status",
)
INTERVENTION_M2M = ("partner_units", "target_regions", "budget_lines")


def _check_related(*, user, intervention: Intervention, m2m: dict) -> None:
    """Everything an intervention points at must lie in a region the user may change."""
    region = intervention.region_id
    access.ensure_can_change(user, region)
    ensure_year_unlocked(region, intervention.fiscal_year)
    units = [intervention.lead_unit] if intervention.lead_unit else []
    units += list(m2m.get("partner_units") or [])
    for unit in units:
        if not access.covers(region, unit.region_id) and unit.region_id != region[:2]:
            raise PermissionDenied(
                _("OPD %(unit)s bukan milik wilayah %(region)s.")
                % {"unit": unit, "region": region}
            )
    for target in m2m.get("target_regions") or []:
        if not access.covers(region, target.code):
            raise PermissionDenied(
                _("Wilayah sasaran %(code)s di luar wilayah %(region)s.")
                % {"code": target.code, "region": region}
            )
    for line in m2m.get("budget_lines") or []:
        if not access.covers(region, line.region_id):
            raise PermissionDenied(
                _("Baris anggaran #%(id)s bukan milik wilayah %(region)s.")
                % {"id": line.pk, "region": region}
            )


def intervention_create(*, user, region_code: str, reason: str = "", **data) -> Intervention:
    m2m = {k: data.pop(k) for k in INTERVENTION_M2M if k in data}
    intervention = Intervention(
        region_id=region_code,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        **{k: v for k, v in data.items() if k in INTERVENTION_FIELDS},
    )
    _check_related(user=user, intervention=intervention, m2m=m2m)
    return audited_save(user=user, instance=intervention, m2m=m2m, reason=reason)


def intervention_update(
    *, user, intervention: Intervention, reason: str = "", **data
) -> Intervention:
    access.ensure_can_change(user, intervention.region_id)
    ensure_year_unlocked(intervention.region_id, intervention.fiscal_year)
    before = snapshot(intervention)
    m2m = {k: data.pop(k) for k in INTERVENTION_M2M if k in data}
    for key, value in data.items():
        if key in INTERVENTION_FIELDS:
            setattr(intervention, key, value)
    _check_related(user=user, intervention=intervention, m2m=m2m)
    return audited_save(
        user=user, instance=intervention, m2m=m2m, reason=reason, before=before
    )


def intervention_close(*, user, intervention: Intervention, reason: str = "") -> Intervention:
    return intervention_update(
        user=user, intervention=intervention, reason=reason,
        status=InterventionStatus.CLOSED,
    )


def intervention_delete(*, user, intervention: Intervention, reason: str = "") -> None:
    access.ensure_can_change(user, intervention.region_id)
    ensure_year_unlocked(intervention.region_id, intervention.fiscal_year)
    audited_delete(user=user, instance=intervention, reason=reason)


def intervention_progress_set(
    *, user, intervention: Intervention, fiscal_year: int, quarter: int, reached: int,
    note: str = "",
) -> InterventionProgress:
    """Record beneficiaries reached in a quarter; the total reached follows."""
    access.ensure_can_change(user, intervention.region_id)
    ensure_quarter_unlocked(intervention.region_id, fiscal_year, quarter)
    ensure_year_unlocked(intervention.region_id, intervention.fiscal_year)
    progress = InterventionProgress.objects.filter(
        intervention=intervention, fiscal_year=fiscal_year, quarter=quarter
    ).first()
    before = snapshot(progress) if progress else None
    progress = progress or InterventionProgress(
        intervention=intervention, fiscal_year=fiscal_year, quarter=quarter
    )
    progress.reached, progress.note = reached, note
    audited_save(user=user, instance=progress, before=before)
    total = sum(intervention.progress.values_list("reached", flat=True))
    if total != intervention.beneficiaries_reached:
        intervention_update(
            user=user, intervention=intervention, beneficiaries_reached=total,
            reason=_("Capaian triwulan %(q)d diperbarui") % {"q": quarter},
        )
    return progress


# --- evidence files -----------------------------------------------------------

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What a file really is, by its first bytes (never by its name alone).
EVIDENCE_SIGNATURES = (
    (b"%PDF-", "application/pdf", ("pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", ("jpg", "jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", ("png",)),
)


def evidence_sniff(*, head: bytes, name: str) -> tuple[str, str]:
    """Return (content type, extension) of an accepted file or raise ValidationError."""
    from django.core.exceptions import ValidationError

    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for magic, content_type, extensions in EVIDENCE_SIGNATURES:
        if head.startswith(magic):
            if ext not in extensions:
                raise ValidationError(
                    _(
                        "Isi berkas %(name)s adalah %(type)s, tetapi namanya berakhiran "
                        ".%(ext)s. Ganti nama berkas sesuai isinya lalu unggah lagi."
                    )
                    % {"name": name, "type": content_type, "ext": ext or "-"}
                )
            return content_type, extensions[0]
    raise ValidationError(
        _(
            "Berkas %(name)s bukan PDF, JPG atau PNG (isi berkas diperiksa, bukan "
            "hanya namanya). Unggah berita acara dalam PDF atau foto JPG/PNG."
        )
        % {"name": name}
    )


def evidence_add(
    *, user, intervention: Intervention, uploaded_file, kind: str, description: str = ""
) -> InterventionEvidence:
    """Store an evidence file under a generated name after checking its type and size."""
    from django.core.exceptions import ValidationError

    access.ensure_can_change(user, intervention.region_id)
    ensure_year_unlocked(intervention.region_id, intervention.fiscal_year)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Jenis bukti tidak dikenal.")})
    name = (uploaded_file.name or "").rsplit("/", 1)[-1][:255]
    if uploaded_file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (%(mb).1f MB); batasnya 10 MB.")
            % {"name": name, "mb": uploaded_file.size / 1024 / 1024}
        )
    if uploaded_file.size == 0:
        raise ValidationError(_("Berkas %(name)s kosong.") % {"name": name})
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    content_type, ext = evidence_sniff(head=head, name=name)
    evidence = InterventionEvidence(
        intervention=intervention,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=uploaded_file.size,
        description=description,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    evidence.file.save(f"bukti.{ext}", uploaded_file, save=False)
    try:
        return audited_save(user=user, instance=evidence, reason=description)
    except Exception:
        evidence.file.delete(save=False)
        raise


def evidence_delete(*, user, evidence: InterventionEvidence, reason: str = "") -> None:
    intervention = evidence.intervention
    access.ensure_can_change(user, intervention.region_id)
    ensure_year_unlocked(intervention.region_id, intervention.fiscal_year)
    storage, name = evidence.file.storage, evidence.file.name
    audited_delete(user=user, instance=evidence, reason=reason)
    storage.delete(name)
