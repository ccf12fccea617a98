from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceItem(models.Model):
    """Seeded reference data an admin may edit: a code, names and an order."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    description = models.TextField(_("uraian"), blank=True)
    basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Pillar(ReferenceItem):
    """One of the three programs aimed directly at the poor (the three pillars)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("pilar")
        verbose_name_plural = _("pilar")


class StrategyFocus(ReferenceItem):
    """A strategy focus: protect the temporarily poor, or empower the chronic poor."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("fokus strategi")
        verbose_name_plural = _("fokus strategi")


class Strategy(ReferenceItem):
    """One of the three strategies of Inpres 4/2022."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("strategi (Inpres 4/2022)")
        verbose_name_plural = _("strategi (Inpres 4/2022)")


class InterventionStatus(models.TextChoices):
    PLANNED = "rencana", _("Rencana")
    ACTIVE = "berjalan", _("Berjalan")
    CLOSED = "selesai", _("Selesai")


class Intervention(models.Model):
    """A poverty intervention run by a region: who leads it, for whom, with what money."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    name = models.CharField(_("nama intervensi"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    pillar = models.ForeignKey(
        Pillar, verbose_name=_("pilar"), on_delete=models.PROTECT, null=True, blank=True
    )
    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("strategi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    focus = models.ForeignKey(
        StrategyFocus,
        verbose_name=_("fokus strategi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    lead_unit = models.ForeignKey(
        "budgets.Unit",
        verbose_name=_("OPD pengampu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_interventions",
    )
    partner_units = models.ManyToManyField(
        "budgets.Unit",
        verbose_name=_("OPD mitra"),
        blank=True,
        related_name="partner_interventions",
    )
    target_regions = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("wilayah sasaran"),
        blank=True,
        related_name="targeted_by_interventions",
    )
    target_group = models.CharField(_("kelompok sasaran"), max_length=255, blank=True)
    beneficiaries_target = models.PositiveIntegerField(
        _("target penerima manfaat"), default=0
    )
    beneficiaries_reached = models.PositiveIntegerField(
        _("penerima manfaat tercapai"), default=0
    )
    start_date = models.DateField(_("mulai"), null=True, blank=True)
    end_date = models.DateField(_("selesai"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    budget_lines = models.ManyToManyField(
        "budgets.BudgetLine",
        verbose_name=_("baris anggaran terkait"),
        blank=True,
        related_name="interventions",
    )
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("intervensi")
        verbose_name_plural = _("intervensi")
        ordering = ["-fiscal_year", "region_id", "name", "id"]
        indexes = [models.Index(fields=["region", "fiscal_year"], name="interv_region_year")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="intervention_dates_ordered",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum mulai."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class InterventionProgress(models.Model):
    """Beneficiaries reached by an intervention in one quarter (triwulan)."""

    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervensi"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(
        _("triwulan"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    reached = models.PositiveIntegerField(_("penerima manfaat tercapai"), default=0)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("capaian triwulan")
        verbose_name_plural = _("capaian triwulan")
        ordering = ["intervention_id", "fiscal_year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "fiscal_year", "quarter"],
                name="intervention_progress_unique_quarter",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="intervention_progress_quarter_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} T{self.quarter}/{self.fiscal_year}"


class EvidenceKind(models.TextChoices):
    MINUTES = "berita_acara", _("Berita acara")
    PHOTO = "foto", _("Foto kegiatan")
    OTHER = "lainnya", _("Dokumen lain")


def evidence_path(instance, filename: str) -> str:
    """Evidence is stored under a generated name; the original is kept in the row."""
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.intervention_id}/{uuid.uuid4().hex}.{ext}"


class InterventionEvidence(models.Model):
    """A file proving an intervention happened: berita acara (PDF) or photos."""

    intervention = models.ForeignKey(
        Intervention, verbose_name=_("intervensi"), on_delete=models.CASCADE,
        related_name="evidence",
    )
    kind = models.CharField(_("jenis"), max_length=14, choices=EvidenceKind.choices)
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    content_type = models.CharField(_("jenis isi"), max_length=40)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    description = models.CharField(_("keterangan"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("bukti intervensi")
        verbose_name_plural = _("bukti intervensi")
        ordering = ["intervention_id", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def region_id(self) -> str:
        return self.intervention.region_id
