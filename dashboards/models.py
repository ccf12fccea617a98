from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    """BPS poverty indicators the dashboards can set budgets against."""

    P0 = "p0", _("Persentase penduduk miskin (P0)")
    POOR_PEOPLE = "jumlah_miskin", _("Jumlah penduduk miskin")
    EXTREME = "miskin_ekstrem", _("Persentase kemiskinan ekstrem")
    P1 = "p1", _("Indeks kedalaman kemiskinan (P1)")
    P2 = "p2", _("Indeks keparahan kemiskinan (P2)")
    POVERTY_LINE = "garis_kemiskinan", _("Garis kemiskinan")


class IndicatorImport(models.Model):
    """One uploaded table of poverty indicators (all rows saved, or none)."""

    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("unggahan indikator kemiskinan")
        verbose_name_plural = _("unggahan indikator kemiskinan")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"


class PovertyIndicator(models.Model):
    """One BPS figure for a region and period, e.g. P0 of Lebak in March 2024.

    The portal ships no figures: every row comes from an uploaded table and
    keeps its source and upload.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="poverty_indicators",
    )
    period = models.CharField(
        _("periode"), max_length=7,
        help_text=_("Tahun dan bulan data, mis. 2024-03 (Maret) atau 2024-09."),
    )
    indicator = models.CharField(_("indikator"), max_length=20, choices=Indicator.choices)
    value = models.DecimalField(_("nilai"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("satuan"), max_length=40, blank=True)
    source = models.CharField(_("sumber"), max_length=255)
    upload = models.ForeignKey(
        IndicatorImport, verbose_name=_("unggahan"), on_delete=models.PROTECT,
        related_name="indicators",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("indikator kemiskinan")
        verbose_name_plural = _("indikator kemiskinan")
        ordering = ["region_id", "indicator", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period", "indicator"],
                name="poverty_indicator_unique_period",
                violation_error_message=_(
                    "Indikator ini untuk wilayah dan periode yang sama sudah ada."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period} {self.get_indicator_display()}"

    @property
    def persons(self):
        """The value as a number of people (``ribu jiwa`` multiplied out)."""
        if self.indicator != Indicator.POOR_PEOPLE:
            return None
        if "ribu" in (self.unit or "").lower():
            return self.value * 1000
        return self.value
