"""Each dashboard panel as a table for ``budgets.exports.export_response``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from budgets.exports import Column

from .selectors import Dashboard

MONEY_COLUMNS = [
    Column("pagu", "Pagu", "money"),
    Column("realisasi", "Realisasi", "money"),
    Column("serapan", "Serapan", "percent"),
    Column("lines", "Jumlah baris", "number"),
]
PANELS = {
    "ringkasan": _("Ringkasan anggaran"),
    "pilar": _("Pagu dan realisasi per pilar"),
    "strategi": _("Pagu dan realisasi per strategi Inpres 4/2022"),
    "wilayah": _("Anggaran per kabupaten/kota"),
    "opd": _("Pagu per perangkat daerah"),
    "tahunan": _("Pagu per pilar dari tahun ke tahun"),
    "konvergensi-pilar": _("Matriks konvergensi wilayah x pilar"),
    "konvergensi-bidang": _("Matriks konvergensi wilayah x bidang urusan"),
    "peta-jalan": _("Kemajuan aksi peta jalan per triwulan"),
    "hambatan": _("Hambatan dan kendala yang masih terbuka"),
    "kesegaran": _("Kesegaran data: impor terakhir per perangkat daerah"),
}


def _money(item_label_key: str, label: str, cell) -> dict:
    return {
        item_label_key: label,
        "pagu": cell.pagu,
        "realisasi": cell.realisasi,
        "serapan": cell.serapan,
        "lines": cell.lines,
    }


def panel_table(panel: str, dash: Dashboard) -> tuple[list[Column], list[dict]]:
    """Columns and rows of one panel, in the same figures the page shows."""
    if panel == "ringkasan":
        h = dash.headline
        columns = [Column("label", "Keterangan"), Column("value", "Nilai")]
        rows = [
            {"label": "Tahun anggaran", "value": h.fiscal_year},
            {"label": "Pagu", "value": h.pagu},
            {"label": "Realisasi", "value": h.realisasi},
            {"label": "Serapan", "value": h.serapan},
            {"label": "OPD dengan anggaran", "value": h.opd_count},
            {"label": "UPTD dengan anggaran", "value": h.uptd_count},
            {"label": "Jumlah baris", "value": h.lines},
            {"label": "Tahun pembanding", "value": h.previous_year},
            {"label": "Pagu tahun pembanding", "value": h.previous_pagu},
            {"label": "OPD tahun pembanding", "value": h.previous_opd_count},
            {"label": "Perubahan pagu", "value": h.change},
        ]
        return columns, rows
    if panel in ("pilar", "strategi", "opd"):
        items = {"pilar": dash.by_pillar, "strategi": dash.by_strategy, "opd": dash.by_unit}[panel]
        header = {"pilar": "Pilar", "strategi": "Strategi", "opd": "Perangkat daerah"}[panel]
        columns = [Column("label", header), *MONEY_COLUMNS, Column("share", "Porsi pagu", "percent")]
        rows = [dict(_money("label", i.label, i.cell), share=i.share) for i in items]
        return columns, rows
    if panel == "wilayah":
        columns = [
            Column("code", "Kode wilayah"), Column("label", "Kabupaten/kota"), *MONEY_COLUMNS,
            Column("per_poor", "Pagu per penduduk miskin", "money"),
            Column("persons", "Penduduk miskin (jiwa)", "number"),
        ]
        rows = []
        if dash.own_budget:
            rows.append(dict(_money("label", dash.own_budget.label, dash.own_budget.cell), code=dash.own_budget.key))
        for i in dash.by_region:
            rows.append(
                dict(_money("label", i.label, i.cell), code=i.key,
                     per_poor=i.extra.get("per_poor"), persons=i.extra.get("persons"))
            )
        return columns, rows
    if panel == "tahunan":
        columns = [Column("label", "Pilar")] + [
            Column(f"y{y}", f"Pagu {y}", "money") for y in dash.yoy_years
        ]
        rows = []
        for row in dash.yoy:
            out = {"label": row["label"]}
            for y, cell, _url in row["cells"]:
                out[f"y{y}"] = cell.pagu
            rows.append(out)
        return columns, rows
    if panel in ("konvergensi-pilar", "konvergensi-bidang"):
        matrix = dash.matrix_pillar if panel == "konvergensi-pilar" else dash.matrix_bidang
        columns = [Column("label", "Wilayah")] + [
            Column(f"c{index}", label, "money") for index, (_k, label) in enumerate(matrix.columns)
        ] + [Column("total", "Jumlah", "money"), Column("empty", "Kolom kosong")]
        rows = []
        for row in matrix.rows:
            out = {"label": row["label"], "total": row["total"].pagu}
            empty = []
            for index, (cell, _url) in enumerate(row["cells"]):
                out[f"c{index}"] = None if cell.empty else cell.pagu
                if cell.empty:
                    empty.append(matrix.columns[index][1])
            out["empty"] = ", ".join(empty) or "-"
            rows.append(out)
        return columns, rows
    if panel == "peta-jalan":
        columns = [
            Column("quarter", "Triwulan"), Column("done", "Selesai", "number"),
            Column("on_track", "Sesuai jadwal", "number"), Column("late", "Terlambat", "number"),
            Column("total", "Jumlah", "number"),
        ]
        rows = [dict(q, quarter=f"TW {q['quarter']}") for q in dash.roadmap["quarters"]]
        return columns, rows
    if panel == "hambatan":
        columns = [
            Column("region", "Wilayah"), Column("title", "Hambatan"), Column("category", "Kategori"),
            Column("status", "Status"), Column("responsible", "Pihak yang harus bertindak"),
        ]
        rows = [
            {
                "region": group["name"], "title": o.title, "category": o.get_category_display(),
                "status": o.get_status_display(), "responsible": o.responsible,
            }
            for group in dash.obstacles
            for o in group["items"]
        ]
        return columns, rows
    if panel == "kesegaran":
        columns = [
            Column("unit", "Perangkat daerah"), Column("fiscal_year", "Tahun", "number"),
            Column("batch", "Batch impor"), Column("file", "Berkas"),
            Column("by", "Diunggah oleh"), Column("at", "Disimpan", "date"),
        ]
        rows = []
        for e in dash.freshness["entries"]:
            b = e["batch"]
            rows.append(
                {
                    "unit": e["unit"], "fiscal_year": e["fiscal_year"],
                    "batch": f"#{b.pk}" if b else "belum ada impor (data contoh/isian manual)",
                    "file": b.original_name if b else "", "by": b.uploaded_by.username if b else "",
                    "at": (b.committed_at or b.created_at) if b else None,
                }
            )
        return columns, rows
    raise KeyError(panel)
