from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from budgets.exports import export_response
from budgets.models import Stage
from budgets.money import format_percent, format_rupiah, format_rupiah_short
from regions import access
from regions.models import Region

from . import selectors, services
from .exports import PANELS, panel_table
from .forms import IndicatorUploadForm


def _chart_data(dash) -> dict:
    """Numbers for the charts and the map (display only; the tables carry the
    exact figures, formatted by ``budgets.money``)."""

    def items(rows):
        return [
            {
                "label": i.label,
                "pagu": float(i.cell.pagu),
                "realisasi": float(i.cell.realisasi),
                "serapan": float(i.cell.serapan) if i.cell.serapan is not None else None,
                "url": i.url,
            }
            for i in rows
        ]

    regions = {}
    for i in dash.by_region:
        per_poor = i.extra.get("per_poor")
        regions[i.key] = {
            "name": i.label,
            "pagu": float(i.cell.pagu),
            "realisasi": float(i.cell.realisasi),
            "serapan": float(i.cell.serapan) if i.cell.serapan is not None else None,
            "per_poor": float(per_poor) if per_poor is not None else None,
            "text": {
                "pagu": format_rupiah_short(i.cell.pagu),
                "realisasi": format_rupiah_short(i.cell.realisasi),
                "serapan": format_percent(i.cell.serapan),
                "per_poor": format_rupiah(per_poor.quantize(1)) if per_poor is not None else "-",
            },
            "url": i.extra["dash_url"] if i.extra.get("readable") else i.url,
        }
    return {
        "pillar": items(dash.by_pillar),
        "strategy": items(dash.by_strategy),
        # "Lainnya" stays in the table: as a bar it would dwarf the named units.
        "unit": items([i for i in dash.by_unit if not i.extra.get("rest")]),
        "yoy": {
            "years": dash.yoy_years,
            "series": [
                {"label": row["label"], "values": [float(c.pagu) for _y, c, _u in row["cells"]]}
                for row in dash.yoy
            ],
        },
        "roadmap": dash.roadmap["quarters"],
        "map": {
            "measure": dash.filters.measure,
            "regions": regions,
            "highlight": dash.filters.pemda or dash.filters.region,
            "indicators_loaded": dash.indicators["loaded"],
        },
    }


def _render(request, dash, *, page_region=None):
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "dash": dash,
            "f": dash.filters,
            "page_region": page_region,
            "chart_data": _chart_data(dash),
            "panels": PANELS,
            "can_upload": services.can_upload_indicators(request.user),
            "query": dash.filters.query(),
            "stage_choices": Stage.choices,
        },
    )


def _no_scope(request):
    return render(request, "dashboards/no_scope.html", status=403)


@login_required
def province(request):
    """The province dashboard: every panel, filtered by the bar in the URL."""
    if access.access_for(request.user).read_root is None:
        return _no_scope(request)
    filters = selectors.dashboard_filters(user=request.user, params=request.GET)
    dash = selectors.dashboard_data(user=request.user, filters=filters)
    for error in filters.errors:
        messages.warning(request, error)
    return _render(request, dash)


@login_required
def region(request, kode: str):
    """A region's dashboard: the same panels scoped to it, with its interventions,
    roadmap actions and obstacles. A region the user may not read does not exist
    for them (404)."""
    if not access.can_read(request.user, kode):
        raise Http404(_("Wilayah tidak ditemukan."))
    filters = selectors.dashboard_filters(
        user=request.user, params=request.GET, page_region=kode
    )
    try:
        dash = selectors.dashboard_data(user=request.user, filters=filters, page_region=kode)
    except Region.DoesNotExist:
        raise Http404(_("Wilayah tidak ditemukan.")) from None
    for error in filters.errors:
        messages.warning(request, error)
    return _render(request, dash, page_region=dash.page_region)


@login_required
def panel_download(request, panel: str):
    """One panel as XLSX (or CSV with ``?format=csv``), the filters stamped."""
    if panel not in PANELS:
        raise Http404(_("Panel tidak dikenal."))
    if access.access_for(request.user).read_root is None:
        raise PermissionDenied(_("Akun Anda belum memiliki wilayah."))
    filters = selectors.dashboard_filters(user=request.user, params=request.GET)
    dash = selectors.dashboard_data(user=request.user, filters=filters)
    columns, rows = panel_table(panel, dash)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        fmt = "xlsx"
    return export_response(
        fmt=fmt,
        title=f"{PANELS[panel]} ({dash.root.name if dash.root else ''} {filters.fiscal_year or ''})",
        columns=columns,
        rows=rows,
        filters=filters.stamp(),
        user=request.user,
        filename=f"dasbor-{panel}",
    )


@login_required
def indicator_upload(request):
    """Admin and Staf Data load BPS-style poverty indicator tables."""
    if not services.can_upload_indicators(request.user):
        raise PermissionDenied(_("Hanya Admin atau Staf Data yang dapat mengunggah indikator."))
    form = IndicatorUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_BYTES:
            errors = [
                _("Berkas %(size)d KB melebihi batas %(max)d KB.")
                % {"size": upload.size // 1024, "max": services.MAX_BYTES // 1024}
            ]
        else:
            result = services.indicator_import(
                user=request.user, name=upload.name, data=upload.read()
            )
            if result.ok:
                messages.success(
                    request,
                    _("Tabel tersimpan: %(c)d indikator baru, %(u)d diperbarui.")
                    % {"c": result.created, "u": result.updated},
                )
                return redirect("dashboards:indicator-upload")
            errors = result.errors
    return render(
        request,
        "dashboards/indicator_upload.html",
        {
            "form": form,
            "errors": errors[:200],
            "more_errors": max(0, len(errors) - 200),
            "indicators": selectors.indicator_list(user=request.user)[:500],
            "columns": services.COLUMNS,
        },
    )
