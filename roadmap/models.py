import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


def quarter_end(year: int, quarter: int) -> datetime.date:
    """The last day of a quarter (triwulan)."""
    month = quarter * 3
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


class Roadmap(models.Model):
    """The intervention roadmap (peta jalan intervensi) of a region for one year."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="roadmaps",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun"))
    title = models.CharField(_("judul"), max_length=255)
    policy_direction = models.TextField(_("arah kebijakan"), blank=True)
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("peta jalan")
        verbose_name_plural = _("peta jalan")
        ordering = ["-fiscal_year", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "fiscal_year"], name="roadmap_unique_region_year"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    NOT_STARTED = "belum_mulai", _("Belum mulai")
    IN_PROGRESS = "berjalan", _("Berjalan")
    DONE = "selesai", _("Selesai")


LATE = "terlambat"
LATE_LABEL = _("Terlambat")


def late_q(today: datetime.date | None = None, *, prefix: str = "") -> models.Q:
    """Actions that are late on ``today``: unfinished and past their target quarter.

    The database form of ``RoadmapAction.effective_status``: an action is late
    when (target_year, target_quarter) lies before today's (year, quarter).
    """
    today = today or timezone.localdate()
    current_quarter = (today.month - 1) // 3 + 1
    past = models.Q(**{f"{prefix}target_year__lt": today.year}) | models.Q(
        **{f"{prefix}target_year": today.year, f"{prefix}target_quarter__lt": current_quarter}
    )
    return past & ~models.Q(**{f"{prefix}status": "selesai"})


class RoadmapAction(models.Model):
    """An action of a roadmap, owned by a unit and due in a quarter.

    "Late" (terlambat) is never typed: it is computed from the target quarter
    and today's date (see ``effective_status``).
    """

    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("peta jalan"), on_delete=models.CASCADE,
        related_name="actions",
    )
    title = models.CharField(_("aksi"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    pillar = models.ForeignKey(
        "programs.Pillar", verbose_name=_("pilar"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    strategy = models.ForeignKey(
        "programs.Strategy", verbose_name=_("strategi"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    owner_unit = models.ForeignKey(
        "budgets.Unit", verbose_name=_("OPD penanggung jawab"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="owned_actions",
    )
    partner_units = models.ManyToManyField(
        "budgets.Unit", verbose_name=_("OPD mitra"), blank=True,
        related_name="partner_actions",
    )
    target_year = models.PositiveSmallIntegerField(_("tahun target"))
    target_quarter = models.PositiveSmallIntegerField(
        _("triwulan target"), validators=QUARTER_VALIDATORS
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices,
        default=ActionStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(
        _("kemajuan (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    progress_notes = models.TextField(_("catatan kemajuan"), blank=True)
    decision = models.ForeignKey(
        "roadmap.Decision", verbose_name=_("berasal dari keputusan Rakor"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
    )
    completed_at = models.DateField(_("tanggal selesai"), null=True, blank=True)
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("aksi peta jalan")
        verbose_name_plural = _("aksi peta jalan")
        ordering = ["roadmap_id", "target_year", "target_quarter", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_quarter__gte=1, target_quarter__lte=4),
                name="action_quarter_range",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="action_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def due_date(self) -> datetime.date:
        return quarter_end(self.target_year, self.target_quarter)

    def effective_status(self, today: datetime.date | None = None) -> str:
        """The status as shown: an unfinished action past its quarter is late."""
        today = today or timezone.localdate()
        if self.status != ActionStatus.DONE and today > self.due_date:
            return LATE
        return self.status

    def get_effective_status_display(self) -> str:
        status = self.effective_status()
        return str(LATE_LABEL) if status == LATE else ActionStatus(status).label


class ObstacleCategory(models.TextChoices):
    BUDGET = "anggaran", _("Anggaran")
    DATA = "data", _("Data dan sasaran")
    REGULATION = "regulasi", _("Regulasi dan kebijakan")
    COORDINATION = "koordinasi", _("Koordinasi antar-OPD")
    CAPACITY = "sdm", _("Kapasitas SDM")
    OTHER = "lainnya", _("Lainnya")


class ObstacleStatus(models.TextChoices):
    OPEN = "terbuka", _("Terbuka")
    HANDLED = "ditangani", _("Sedang ditangani")
    RESOLVED = "selesai", _("Selesai")


class Obstacle(models.Model):
    """An obstacle or constraint (hambatan dan kendala) raised by a region."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="obstacles",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun"))
    title = models.CharField(_("hambatan"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    category = models.CharField(_("kategori"), max_length=12, choices=ObstacleCategory.choices)
    action = models.ForeignKey(
        RoadmapAction, verbose_name=_("aksi yang terhambat"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="obstacles",
    )
    intervention = models.ForeignKey(
        "programs.Intervention", verbose_name=_("intervensi yang terhambat"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="obstacles",
    )
    responsible = models.CharField(_("pihak yang harus bertindak"), max_length=255, blank=True)
    responsible_unit = models.ForeignKey(
        "budgets.Unit", verbose_name=_("OPD yang harus bertindak"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ObstacleStatus.choices,
        default=ObstacleStatus.OPEN,
    )
    resolution = models.TextField(_("penyelesaian"), blank=True)
    resolved_at = models.DateField(_("tanggal selesai"), null=True, blank=True)
    decision = models.ForeignKey(
        "roadmap.Decision", verbose_name=_("diselesaikan oleh keputusan Rakor"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="resolved_obstacles",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diajukan oleh"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("hambatan dan kendala")
        verbose_name_plural = _("hambatan dan kendala")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="obstacle_region_status")]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """A coordination meeting (Rapat Koordinasi, Rakor)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah penyelenggara"),
        on_delete=models.PROTECT, related_name="meetings",
    )
    title = models.CharField(_("judul"), max_length=255)
    date = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=255, blank=True)
    participants = models.TextField(_("peserta"), blank=True)
    summary = models.TextField(_("ringkasan"), blank=True)
    minutes = models.FileField(
        _("notulen"), upload_to="minutes/%Y/", blank=True, max_length=255
    )
    minutes_name = models.CharField(_("nama berkas notulen"), max_length=255, blank=True)
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("rapat koordinasi")
        verbose_name_plural = _("rapat koordinasi")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d-%m-%Y})"


class FollowUpStatus(models.TextChoices):
    OPEN = "belum", _("Belum ditindaklanjuti")
    IN_PROGRESS = "berjalan", _("Sedang ditindaklanjuti")
    DONE = "selesai", _("Selesai")


class Decision(models.Model):
    """A decision (keputusan) of a Rakor, followed up until done."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("rapat"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("keputusan"))
    responsible = models.CharField(_("penanggung jawab"), max_length=255, blank=True)
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    follow_up_status = models.CharField(
        _("status tindak lanjut"), max_length=12, choices=FollowUpStatus.choices,
        default=FollowUpStatus.OPEN,
    )
    follow_up_notes = models.TextField(_("catatan tindak lanjut"), blank=True)
    is_demo = models.BooleanField(_("data contoh"), default=False)

    class Meta:
        verbose_name = _("keputusan rapat")
        verbose_name_plural = _("keputusan rapat")
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    VERIFIED = "verified", _("Terverifikasi")


class QuarterSubmission(models.Model):
    """A kabupaten/kota's quarterly report (triwulan) on its way to the province.

    Two tiers, as DHIS2's data approval: the kab/kota coordinator submits, a
    province coordinator verifies or returns it. What a state locks is decided
    in ``roadmap.locks``; every state change is a ``VerificationEvent``.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="quarter_submissions",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), validators=QUARTER_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    verified_totals = models.JSONField(
        _("angka saat diverifikasi"), default=dict, blank=True,
        help_text=_("Pagu dan realisasi per pilar saat triwulan diverifikasi."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pengajuan triwulan")
        verbose_name_plural = _("pengajuan triwulan")
        ordering = ["-fiscal_year", "-quarter", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "fiscal_year", "quarter"],
                name="submission_unique_region_quarter",
                violation_error_message=_("Triwulan ini sudah pernah dibuka untuk wilayah ini."),
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="submission_quarter_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} T{self.quarter}/{self.fiscal_year}"

    @property
    def is_locked(self) -> bool:
        return self.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED)


class VerificationAction(models.TextChoices):
    OPEN = "open", _("Dibuka")
    SUBMIT = "submit", _("Diajukan")
    RETURN = "return", _("Dikembalikan")
    VERIFY = "verify", _("Diverifikasi")
    REOPEN = "reopen", _("Dibuka kembali")


class VerificationEvent(models.Model):
    """One state change of a submission: who, when, what and why. Append-only."""

    submission = models.ForeignKey(
        QuarterSubmission, verbose_name=_("pengajuan"), on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("tindakan"), max_length=8, choices=VerificationAction.choices)
    from_status = models.CharField(_("dari status"), max_length=10, blank=True)
    to_status = models.CharField(_("ke status"), max_length=10)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    comment = models.TextField(_("catatan"), blank=True)
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat verifikasi")
        verbose_name_plural = _("riwayat verifikasi")
        ordering = ["submission_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.submission} {self.action} {self.username}"
