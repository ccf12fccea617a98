"""The budget summary table: pagu, realisasi and line counts per small group.

The dashboards and the API's summary read these rows instead of the lines when
the filters allow it, so a province dashboard costs the same at 10k and at 1M
lines. ``budgets.summary`` keeps them current; a database trigger (migration
``0003_budget_summary_table``) records every (fiscal year, region) whose lines
changed in ``SummaryDirty``, so a write that bypasses the services (a bulk
load, a raw query, a test factory) never makes the summary lie: while a scope
is dirty, readers fall back to the lines.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class BudgetSummary(models.Model):
    """Sums over the lines of one group: year, stage, region, unit, sub unit,
    pillar, strategy, program and account group."""

    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    stage = models.CharField(_("tahapan"), max_length=24)
    # No database constraints: the summary is derived data and must never stop
    # a unit or region from being corrected; it is rebuilt from the lines.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    unit = models.ForeignKey(
        "budgets.Unit", verbose_name=_("perangkat daerah"), on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    sub_unit = models.ForeignKey(
        "budgets.Unit", verbose_name=_("sub unit"), on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    sub_unit_kind = models.CharField(_("jenis sub unit"), max_length=10)
    pillar = models.ForeignKey(
        "programs.Pillar", verbose_name=_("pilar"), on_delete=models.DO_NOTHING,
        db_constraint=False, null=True, related_name="+",
    )
    strategy = models.ForeignKey(
        "programs.Strategy", verbose_name=_("strategi"), on_delete=models.DO_NOTHING,
        db_constraint=False, null=True, related_name="+",
    )
    bidang = models.CharField(_("bidang urusan"), max_length=8)
    program = models.CharField(_("program"), max_length=12)
    account_group = models.CharField(_("kelompok rekening"), max_length=20)
    pagu = models.DecimalField(_("pagu"), **MONEY)
    realisasi = models.DecimalField(_("realisasi"), **MONEY)
    lines = models.PositiveIntegerField(_("jumlah baris"))
    last_batch_id = models.BigIntegerField(_("batch impor terakhir"), null=True)

    class Meta:
        verbose_name = _("ringkasan anggaran")
        verbose_name_plural = _("ringkasan anggaran")
        ordering = ["fiscal_year", "region_id", "unit_id", "id"]
        indexes = [
            models.Index(fields=["fiscal_year", "region"], name="summary_year_region"),
            models.Index(
                fields=["region"], name="summary_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.region_id} {self.program}"


class SummaryDirty(models.Model):
    """A (fiscal year, region) whose lines changed since its summary was built.

    Written by a database trigger on the lines table, cleared by
    ``budgets.summary.budget_summary_refresh``.
    """

    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    region_id = models.CharField(_("kode wilayah"), max_length=13)

    class Meta:
        verbose_name = _("ringkasan yang perlu dihitung ulang")
        verbose_name_plural = _("ringkasan yang perlu dihitung ulang")
        ordering = ["fiscal_year", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "region_id"], name="summary_dirty_unique_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.region_id}"
