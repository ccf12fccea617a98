"""The Inpres 4/2022 quarterly report of a region: one set of figures, shown as a
printable page and written as an XLSX workbook.

The allocation figures come from ``budgets.selectors.budget_line_summary`` with
the same filters the dashboard uses (``fiscal_year`` and ``region``), so the
report and the dashboard can never disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.money import format_percent, format_rupiah
from budgets.selectors import Summary, budget_line_summary
from core.text import export_text
from programs.selectors import intervention_list
from regions.models import Region

from .models import LATE, ObstacleStatus, QuarterSubmission, quarter_end
from .selectors import action_list, obstacle_list

# Every cell through the portal's one writer guard: control characters shown as
# U+FFFD, a formula-like start defused with an apostrophe (this workbook is
# written in normal mode, where openpyxl takes "=..." for a formula).
safe_text = export_text


@dataclass
class QuarterReport:
    region: Region
    fiscal_year: int
    quarter: int
    generated_at: object
    filters: dict
    by_pillar: Summary
    by_strategy: Summary
    interventions: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    obstacles: list = field(default_factory=list)
    submission: QuarterSubmission | None = None
    events: list = field(default_factory=list)

    @property
    def period_end(self):
        return quarter_end(self.fiscal_year, self.quarter)

    @property
    def late_count(self) -> int:
        return sum(1 for a in self.actions if a.shown_status == LATE)


def quarterly_report(*, user, region: Region, fiscal_year: int, quarter: int) -> QuarterReport:
    """Everything the quarterly report shows, read within the user's scope."""
    filters = {"fiscal_year": fiscal_year, "region": region.code}
    actions = list(
        action_list(user=user, filters={"region": region.code, "fiscal_year": fiscal_year})
        .filter(target_quarter__lte=quarter)
        .order_by("target_quarter", "roadmap__region_id", "id")
    )
    for action in actions:
        action.shown_status = action.effective_status()
        action.shown_label = (
            _("Terlambat") if action.shown_status == LATE else action.get_status_display()
        )
    interventions = list(
        intervention_list(user=user, filters=filters).prefetch_related("progress")
    )
    for item in interventions:
        item.reached_to_quarter = sum(
            p.reached for p in item.progress.all()
            if p.fiscal_year == fiscal_year and p.quarter <= quarter
        )
    submission = (
        QuarterSubmission.objects.filter(
            region_id=region.code, fiscal_year=fiscal_year, quarter=quarter
        ).first()
    )
    return QuarterReport(
        region=region,
        fiscal_year=fiscal_year,
        quarter=quarter,
        generated_at=timezone.localtime(),
        filters=filters,
        by_pillar=budget_line_summary(user=user, filters=filters, group_by=["pillar"]),
        by_strategy=budget_line_summary(user=user, filters=filters, group_by=["strategy"]),
        interventions=interventions,
        actions=actions,
        obstacles=list(
            obstacle_list(user=user, filters={"region": region.code})
            .exclude(status=ObstacleStatus.RESOLVED)
            .order_by("region_id", "-created_at")
        ),
        submission=submission,
        events=list(submission.events.all()) if submission else [],
    )


def quarterly_report_xlsx(report: QuarterReport) -> bytes:
    """The report as an XLSX workbook; every text cell guarded, every sheet stamped."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    stamp = [
        [_("Laporan triwulan penanggulangan kemiskinan (Inpres 4/2022)")],
        [_("Wilayah"), f"{report.region.code} {report.region.display_name}"],
        [_("Tahun / triwulan"), f"{report.fiscal_year} / {report.quarter}"],
        [_("Filter"), export_text(
            ", ".join(f"{k}={v}" for k, v in report.filters.items()), one_line=True)],
        [_("Diekspor"), report.generated_at.strftime("%d-%m-%Y %H:%M WIB")],
        [],
    ]

    def sheet(title, header, rows, first=False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        for row in stamp:
            ws.append([safe_text(c) for c in row])
        ws["A1"].font = bold
        ws.append([safe_text(c) for c in header])
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in rows:
            ws.append([safe_text(c) for c in row])
        for col, width in zip("ABCDEFGH", (48, 22, 22, 14, 18, 18, 30, 30), strict=False):
            ws.column_dimensions[col].width = width
        return ws

    def money_rows(summary):
        rows = [
            [r.label, float(r.pagu), float(r.realisasi), format_percent(r.serapan), r.lines,
             format_rupiah(r.pagu)]
            for r in summary.rows
        ]
        rows.append([_("Jumlah"), float(summary.pagu), float(summary.realisasi),
                     format_percent(summary.serapan), summary.lines,
                     format_rupiah(summary.pagu)])
        return rows

    header = [_("Kelompok"), _("Pagu (Rp)"), _("Realisasi (Rp)"), _("Serapan"),
              _("Baris"), _("Pagu (teks)")]
    ws = sheet(_("Ringkasan"), [_("Menurut pilar")] + header[1:],
               money_rows(report.by_pillar), first=True)
    ws.append([])
    ws.append([safe_text(c) for c in [_("Menurut strategi")] + header[1:]])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for row in money_rows(report.by_strategy):
        ws.append([safe_text(c) for c in row])
    for row in ws.iter_rows(min_row=len(stamp) + 1, min_col=2, max_col=3):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0"
    sheet(
        _("Intervensi"),
        [_("Intervensi"), _("Wilayah"), _("Pilar"), _("OPD pengampu"), _("Target"),
         _("Tercapai s.d. triwulan"), _("Status"), _("Kelompok sasaran")],
        [[i.name, i.region.name, getattr(i.pillar, "name", ""),
          getattr(i.lead_unit, "name", ""), i.beneficiaries_target, i.reached_to_quarter,
          i.get_status_display(), i.target_group] for i in report.interventions],
    )
    sheet(
        _("Aksi Peta Jalan"),
        [_("Aksi"), _("Wilayah"), _("Triwulan target"), _("Kemajuan (%)"), _("Status"),
         _("OPD penanggung jawab"), _("Catatan kemajuan")],
        [[a.title, a.roadmap.region.name, f"T{a.target_quarter}/{a.target_year}", a.progress,
          a.shown_label, getattr(a.owner_unit, "name", ""), a.progress_notes]
         for a in report.actions],
    )
    sheet(
        _("Hambatan"),
        [_("Hambatan"), _("Wilayah"), _("Kategori"), _("Status"), _("Pihak yang harus bertindak"),
         _("Diajukan")],
        [[o.title, o.region.name, o.get_category_display(), o.get_status_display(),
          o.responsible, timezone.localtime(o.created_at).strftime("%d-%m-%Y")]
         for o in report.obstacles],
    )
    submission = report.submission
    rows = [[_("Status"), submission.get_status_display() if submission else _("Belum dibuka")]]
    rows.append([])
    rows.append([_("Waktu"), _("Tindakan"), _("Oleh"), _("Catatan")])
    rows += [[timezone.localtime(e.at).strftime("%d-%m-%Y %H:%M"), e.get_action_display(),
              e.username, e.comment] for e in report.events]
    sheet(_("Verifikasi"), [_("Verifikasi triwulan"), ""], rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
