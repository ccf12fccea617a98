"""Reads behind the dashboards.

Every money figure comes from ``budgets.selectors.budget_headline`` and
``budgets.selectors.budget_line_summary`` (the selector the API's summary
endpoint calls), so a panel, the API and the line list can never disagree.
One grouped summary call (all years, grouped by year, region, unit, pillar,
strategy and bidang) feeds every money panel; the panels are roll-ups of its
rows. Roadmap, obstacle, freshness and indicator reads live here too.

The number of queries per page does not depend on the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets import selectors as budget_selectors
from budgets.filters import LATEST, stage_choice
from budgets.models import ImportBatch, ImportStatus, Nomenclature, Unit
from budgets.stages import stage_label
from budgets.summary import summary_source, summary_state_once
from programs.models import Intervention, Pillar, Strategy
from regions import access
from regions.models import Level, Region
from regions.selectors import kabkota_code, subtree_q
from roadmap.models import LATE, ActionStatus, Obstacle, ObstacleStatus, RoadmapAction

from .models import Indicator, PovertyIndicator

ZERO = Decimal("0")
TOP_UNITS = 10
YEARS_BACK = 5
NONE = "none"
# Query parameters the dashboard understands and passes on to the line list.
LINE_PARAMS = ("fiscal_year", "stage", "region", "pemda", "pillar", "strategy", "unit")
MEASURES = ("pagu", "realisasi", "serapan", "per_poor")


# --- filters --------------------------------------------------------------------


@dataclass
class DashboardFilters:
    """The filter bar: what every panel and every drill-down link honours."""

    fiscal_year: int | None = None
    stage: str = ""
    region: str = ""
    pemda: str = ""
    pillar: str = ""
    strategy: str = ""
    unit: str = ""
    measure: str = "pagu"
    errors: list[str] = field(default_factory=list)

    def params(self, *, all_years: bool = False, **override) -> dict:
        """Line-list parameters (``budgets.filters.BudgetLineFilterSet`` names).

        Overriding ``region`` or ``pemda`` replaces the region choice as a whole.
        """
        values = {k: getattr(self, k) for k in LINE_PARAMS}
        if all_years:
            values["fiscal_year"] = None
        if "region" in override or "pemda" in override:
            values["region"] = values["pemda"] = ""
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    @property
    def stage_label(self) -> str:
        """Which stage every figure counts, for the panels' subtitles."""
        if self.stage:
            return _("tahapan %(stage)s") % {"stage": stage_label(self.stage)}
        return _("tahapan terakhir tiap pemda")

    def lines_url(self, **override) -> str:
        return reverse("budgets:line-list") + "?" + urlencode(self.params(**override))

    @property
    def wilayah(self) -> str:
        """The value of the single region select of the filter bar."""
        if self.pemda:
            return f"pemda:{self.pemda}"
        return self.region

    def stamp(self) -> dict:
        stamp = self.params()
        if self.measure != "pagu":
            stamp["ukuran_peta"] = self.measure
        return stamp

    def query(self, **override) -> str:
        params = self.params(**override)
        if self.measure != "pagu":
            params["ukuran"] = self.measure
        return urlencode(params)


def _clean_code(value: str) -> str:
    value = (value or "").strip()
    return value if value.replace(".", "").isdigit() and len(value) <= 13 else ""


def dashboard_filters(*, user, params, page_region: str | None = None) -> DashboardFilters:
    """Read the filter bar from the query string, within what the user may read.

    ``wilayah`` (the filter bar's select) is ``36.02`` (that region and
    everything under it) or ``pemda:36`` (that government's own budget only);
    ``region=`` and ``pemda=`` (the line list's names) are accepted too, so a
    link copied from either page works on the other.
    """
    f = DashboardFilters()
    year = (params.get("fiscal_year") or "").strip()
    if year:
        if year.isdigit() and 2000 <= int(year) <= 2100:
            f.fiscal_year = int(year)
        else:
            f.errors.append(
                _("Tahun anggaran '%(v)s' tidak dikenal; ditampilkan tahun terbaru.")
                % {"v": year[:10]}
            )
    stage = (params.get("stage") or "").strip()
    choice = stage_choice(stage)
    if choice == LATEST:
        f.stage = ""  # the default: each pemda's latest stage
    elif choice is not None:
        f.stage = choice
    else:
        f.errors.append(_("Tahapan '%(v)s' tidak dikenal; filter tahapan diabaikan.") % {"v": stage[:20]})
    wilayah = (params.get("wilayah") or "").strip()
    if wilayah.startswith("pemda:"):
        f.pemda = _clean_code(wilayah[6:])
    elif wilayah:
        f.region = _clean_code(wilayah)
    else:
        f.region = _clean_code(params.get("region") or "")
        f.pemda = _clean_code(params.get("pemda") or "")
    for name in ("pillar", "strategy"):
        value = (params.get(name) or "").strip()[:40]
        setattr(f, name, value)
    unit = (params.get("unit") or "").strip()
    f.unit = unit if unit.isdigit() else ""
    measure = (params.get("ukuran") or "").strip()
    f.measure = measure if measure in MEASURES else "pagu"

    resolved = access.access_for(user)
    default_root = page_region or resolved.region_code or ""
    chosen = f.pemda or f.region
    if page_region:
        # The region page is scoped to its region: a narrower choice is kept.
        if not chosen or not access.covers(page_region, chosen):
            f.region, f.pemda = page_region, ""
    elif chosen and not access.can_read(user, chosen):
        f.errors.append(
            _("Anda tidak berwenang melihat wilayah %(code)s; ditampilkan lingkup Anda.")
            % {"code": chosen}
        )
        f.region, f.pemda = default_root, ""
    elif not chosen:
        f.region = default_root
    return f


# --- the dashboard ----------------------------------------------------------------


@dataclass
class Cell:
    pagu: Decimal = ZERO
    realisasi: Decimal = ZERO
    lines: int = 0

    def add(self, row) -> None:
        self.pagu += row.pagu
        self.realisasi += row.realisasi
        self.lines += row.lines

    @property
    def serapan(self) -> Decimal | None:
        return (self.realisasi / self.pagu) if self.pagu else None

    @property
    def empty(self) -> bool:
        return self.lines == 0


@dataclass
class Item:
    """One labelled figure of a panel, with the link to the lines behind it."""

    key: str
    label: str
    cell: Cell
    url: str
    extra: dict = field(default_factory=dict)
    share: Decimal | None = None


@dataclass
class Matrix:
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict]  # {"key", "label", "url", "cells": [(Cell, url)], "total": Cell}
    column_totals: list[Cell]


@dataclass
class Dashboard:
    filters: DashboardFilters
    root: Region | None
    years: list[int]
    headline: object
    by_pillar: list[Item] = field(default_factory=list)
    by_strategy: list[Item] = field(default_factory=list)
    by_unit: list[Item] = field(default_factory=list)
    by_region: list[Item] = field(default_factory=list)
    own_budget: Item | None = None
    yoy_years: list[int] = field(default_factory=list)
    yoy: list[dict] = field(default_factory=list)
    matrix_pillar: Matrix | None = None
    matrix_bidang: Matrix | None = None
    roadmap: dict = field(default_factory=dict)
    obstacles: list[dict] = field(default_factory=list)
    freshness: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)
    interventions: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    pillars: list = field(default_factory=list)
    strategies: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    units: list = field(default_factory=list)
    province: Region | None = None
    page_region: Region | None = None


def _label_pillar(code, names) -> str:
    return names.get(code) or _("Belum ditandai pilar")


def _label_strategy(code, names) -> str:
    return names.get(code) or _("Belum ditandai strategi")


def _roll(rows, key_fn) -> dict:
    cells: dict = defaultdict(Cell)
    for row in rows:
        cells[key_fn(row)].add(row)
    return cells


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole) if whole else None


def dashboard_data(*, user, filters: DashboardFilters, page_region: str | None = None) -> Dashboard:
    """Every panel of the province (or region) dashboard, for these filters.

    Raises ``Region.DoesNotExist`` when ``page_region`` is not a known region.
    """
    with summary_state_once():
        return _dashboard_data(user=user, filters=filters, page_region=page_region)


def _dashboard_data(*, user, filters: DashboardFilters, page_region: str | None) -> Dashboard:
    scope_code = filters.pemda or filters.region
    province_code = (scope_code or access.access_for(user).region_code or "36")[:2]
    regions = list(
        Region.objects.filter(
            Q(code=province_code)
            | Q(parent_id=province_code, level__in=[Level.KABUPATEN, Level.KOTA])
            | Q(code=scope_code or province_code)
            | Q(code=page_region or province_code)
        ).order_by("code")
    )
    if page_region and not any(r.code == page_region for r in regions):
        raise Region.DoesNotExist(page_region)
    region_names = {r.code: r.name for r in regions}
    province = next((r for r in regions if r.code == province_code), None)
    root = next((r for r in regions if r.code == (scope_code or province_code)), None)

    # One call to the summary the API uses: every year, grouped finely enough
    # for every money panel.
    summary = budget_selectors.budget_line_summary(
        user=user,
        filters=filters.params(all_years=True),
        group_by=["fiscal_year", "region", "unit", "pillar", "strategy", "bidang"],
        labels=False,
    )
    rows = summary.rows
    years = sorted({r.key["fiscal_year"] for r in rows}, reverse=True)
    if filters.fiscal_year is None and years:
        filters.fiscal_year = years[0]
    year = filters.fiscal_year
    headline = budget_selectors.budget_headline(user=user, filters=filters.params())

    pillars = list(Pillar.objects.all())
    strategies = list(Strategy.objects.all())
    pillar_names = {p.code: p.name for p in pillars}
    strategy_names = {s.code: s.name for s in strategies}
    dash = Dashboard(
        filters=filters, root=root, page_region=next(
            (r for r in regions if r.code == page_region), None
        ), years=years, headline=headline, pillars=pillars,
        strategies=strategies, province=province,
        regions=[r for r in regions if r.code != province_code],
    )
    current = [r for r in rows if r.key["fiscal_year"] == year]
    total = Cell()
    for r in current:
        total.add(r)

    # pillars and strategies
    for code, cell in sorted(
        _roll(current, lambda r: r.key["pillar"]).items(),
        key=lambda kv: (kv[0] is None, [p.code for p in pillars].index(kv[0]) if kv[0] in pillar_names else 99),
    ):
        dash.by_pillar.append(
            Item(code or NONE, _label_pillar(code, pillar_names), cell,
                 filters.lines_url(pillar=code or NONE), share=_share(cell.pagu, total.pagu))
        )
    for code, cell in sorted(
        _roll(current, lambda r: r.key["strategy"]).items(),
        key=lambda kv: (kv[0] is None, [s.code for s in strategies].index(kv[0]) if kv[0] in strategy_names else 99),
    ):
        dash.by_strategy.append(
            Item(code or NONE, _label_strategy(code, strategy_names), cell,
                 filters.lines_url(strategy=code or NONE), share=_share(cell.pagu, total.pagu))
        )

    # units (OPD): top N, the rest grouped
    unit_ids = {r.key["unit"] for r in rows}
    units = {
        u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).only(
            "pk", "name", "short_name", "kind", "region_id"
        )
    }
    dash.units = sorted(units.values(), key=lambda u: (u.region_id, u.name))
    unit_cells = sorted(
        _roll(current, lambda r: r.key["unit"]).items(), key=lambda kv: -kv[1].pagu
    )
    for unit_id, cell in unit_cells[:TOP_UNITS]:
        unit = units.get(unit_id)
        label = unit.name if unit else str(unit_id)
        if unit and not filters.pemda and unit.region_id != (scope_code or "") and unit.region_id in region_names and region_names[unit.region_id] not in label:
            label = f"{label} ({region_names[unit.region_id]})"
        dash.by_unit.append(
            Item(str(unit_id), label, cell, filters.lines_url(unit=unit_id),
                 share=_share(cell.pagu, total.pagu))
        )
    if len(unit_cells) > TOP_UNITS:
        rest = Cell()
        for _unit_id, cell in unit_cells[TOP_UNITS:]:
            rest.pagu += cell.pagu
            rest.realisasi += cell.realisasi
            rest.lines += cell.lines
        dash.by_unit.append(
            Item("lainnya", _("Lainnya (%(n)d perangkat daerah)") % {"n": len(unit_cells) - TOP_UNITS},
                 rest, filters.lines_url(), share=_share(rest.pagu, total.pagu),
                 extra={"rest": True})
        )

    # regions: the kab/kota of the province (the map and the matrix rows)
    def area(row) -> str:
        code = row.key["region"]
        return kabkota_code(code) or code

    area_cells = _roll(current, area)
    indicators = poverty_indicator_map(regions=[r.code for r in regions], year=year)
    dash.indicators = indicators
    for region in dash.regions:
        cell = area_cells.get(region.code, Cell())
        persons = indicators["persons"].get(region.code)
        dash.by_region.append(
            Item(
                region.code, region.name, cell, filters.lines_url(region=region.code),
                share=_share(cell.pagu, total.pagu),
                extra={
                    "per_poor": (cell.pagu / persons) if persons and cell.pagu else None,
                    "persons": persons,
                    "p0": indicators["p0"].get(region.code),
                    "dash_url": reverse("dashboards:region", args=[region.code]),
                    "readable": access.can_read(user, region.code),
                },
            )
        )
    own = area_cells.get(province_code)
    if own is not None:
        dash.own_budget = Item(
            province_code, _("Pemerintah Provinsi (APBD provinsi)"), own,
            filters.lines_url(pemda=province_code),
        )

    # year over year by pillar
    dash.yoy_years = sorted(years)[-YEARS_BACK:]
    yoy_cells = _roll(
        [r for r in rows if r.key["fiscal_year"] in dash.yoy_years],
        lambda r: (r.key["pillar"], r.key["fiscal_year"]),
    )
    for code in [p.code for p in pillars] + [None]:
        cells = [(y, yoy_cells.get((code, y), Cell())) for y in dash.yoy_years]
        if code is None and all(c.empty for _y, c in cells):
            continue
        dash.yoy.append(
            {
                "key": code or NONE,
                "label": _label_pillar(code, pillar_names),
                "cells": [
                    (y, c, filters.lines_url(pillar=code or NONE, fiscal_year=y)) for y, c in cells
                ],
            }
        )

    # convergence matrices
    matrix_rows = []
    if own is not None or filters.pemda == province_code:
        matrix_rows.append((province_code, _("Pemerintah Provinsi"), {"pemda": province_code}))
    for region in dash.regions:
        if not scope_code or access.covers(scope_code, region.code) or access.covers(region.code, scope_code):
            if filters.pemda and filters.pemda != region.code:
                continue
            matrix_rows.append((region.code, region.name, {"region": region.code}))
    pillar_columns = [(p.code, p.name) for p in pillars]
    if any(r.key["pillar"] is None for r in current):
        pillar_columns.append((None, _("Belum ditandai pilar")))
    dash.matrix_pillar = _matrix(
        current, matrix_rows, pillar_columns, "pillar", filters, area,
    )
    bidang_codes = sorted({r.key["bidang"] for r in current if r.key["bidang"]})
    bidang_names = {}
    for code, name in (
        Nomenclature.objects.filter(level="bidang", code__in=bidang_codes)
        .order_by("code", "-fiscal_year")
        .values_list("code", "name")
    ):
        bidang_names.setdefault(code, name)
    dash.matrix_bidang = _matrix(
        current, matrix_rows, [(c, f"{c} {bidang_names.get(c, '')}".strip()) for c in bidang_codes],
        "bidang", filters, area,
    )

    dash.roadmap = roadmap_progress(user=user, filters=filters)
    dash.obstacles = open_obstacles(user=user, filters=filters, region_names=region_names)
    dash.freshness = data_freshness(user=user, filters=filters, units=units)
    if page_region is not None:
        dash.interventions = list(
            Intervention.objects.filter(access.readable_q(user))
            .filter(subtree_q(page_region, field="region__code"))
            .filter(fiscal_year=year)
            .select_related("pillar", "strategy", "lead_unit")
            .order_by("name")[:50]
        )
        dash.actions = list(
            RoadmapAction.objects.filter(
                access.readable_q(user, field="roadmap__region__code")
            )
            .filter(subtree_q(page_region, field="roadmap__region__code"))
            .filter(target_year=year)
            .select_related("owner_unit", "roadmap")
            .order_by("target_quarter", "id")[:100]
        )
    return dash


def _matrix(current, matrix_rows, columns, key, filters, area) -> Matrix:
    cells = _roll(current, lambda r: (area(r), r.key[key]))
    out_rows = []
    column_totals = [Cell() for _c in columns]
    for code, label, scope in matrix_rows:
        row_cells = []
        row_total = Cell()
        for index, (column, _label) in enumerate(columns):
            cell = cells.get((code, column), Cell())
            if key == "bidang":
                link = filters.lines_url(sub_kegiatan=column, **_scope_override(scope))
            else:
                link = filters.lines_url(**{key: column or NONE}, **_scope_override(scope))
            row_cells.append((cell, link))
            row_total.pagu += cell.pagu
            row_total.realisasi += cell.realisasi
            row_total.lines += cell.lines
            column_totals[index].pagu += cell.pagu
            column_totals[index].realisasi += cell.realisasi
            column_totals[index].lines += cell.lines
        out_rows.append(
            {"key": code, "label": label, "cells": row_cells, "total": row_total,
             "url": filters.lines_url(**_scope_override(scope))}
        )
    return Matrix(columns=columns, rows=out_rows, column_totals=column_totals)


def _scope_override(scope: dict) -> dict:
    if "pemda" in scope:
        return {"pemda": scope["pemda"], "region": ""}
    return {"region": scope["region"], "pemda": ""}


# --- roadmap, obstacles, freshness, indicators ----------------------------------


def _region_scope_q(filters: DashboardFilters, field: str) -> Q:
    if filters.pemda:
        return Q(**{field: filters.pemda})
    if filters.region:
        return subtree_q(filters.region, field=field)
    return Q()


def roadmap_progress(*, user, filters: DashboardFilters) -> dict:
    """Roadmap actions of the year by quarter: done, on track, late."""
    actions = (
        RoadmapAction.objects.filter(access.readable_q(user, field="roadmap__region__code"))
        .filter(_region_scope_q(filters, "roadmap__region__code"))
        .filter(target_year=filters.fiscal_year)
        .only("id", "status", "target_year", "target_quarter", "pillar_id", "strategy_id")
    )
    if filters.pillar and filters.pillar != NONE:
        actions = actions.filter(pillar__code=filters.pillar)
    if filters.strategy and filters.strategy != NONE:
        actions = actions.filter(strategy__code=filters.strategy)
    today = timezone.localdate()
    quarters = {q: {"done": 0, "on_track": 0, "late": 0} for q in (1, 2, 3, 4)}
    for action in actions:
        status = action.effective_status(today)
        bucket = "done" if status == ActionStatus.DONE else "late" if status == LATE else "on_track"
        quarters[action.target_quarter][bucket] += 1
    totals = {k: sum(q[k] for q in quarters.values()) for k in ("done", "on_track", "late")}
    return {
        "quarters": [{"quarter": q, **v, "total": sum(v.values())} for q, v in quarters.items()],
        "totals": totals,
        "count": sum(totals.values()),
    }


def open_obstacles(*, user, filters: DashboardFilters, region_names: dict) -> list[dict]:
    """Obstacles not yet resolved, by kab/kota (the province's own listed first)."""
    obstacles = (
        Obstacle.objects.filter(access.readable_q(user))
        .filter(_region_scope_q(filters, "region__code"))
        .exclude(status=ObstacleStatus.RESOLVED)
        .select_related("region")
        .order_by("region_id", "-created_at")[:200]
    )
    grouped: dict[str, dict] = {}
    for obstacle in obstacles:
        code = kabkota_code(obstacle.region_id) or obstacle.region_id
        entry = grouped.setdefault(
            code,
            {"code": code, "name": region_names.get(code, obstacle.region.name), "items": []},
        )
        entry["items"].append(obstacle)
    return list(grouped.values())


def data_freshness(*, user, filters: DashboardFilters, units: dict) -> dict:
    """The last committed import per OPD and fiscal year, and who made it."""
    source = summary_source(
        user=user, filters=filters.params(all_years=True),
        line_scope=budget_selectors.budget_line_scope,
    )
    rows = list(
        source.qs.values(source.unit, "fiscal_year")
        .annotate(last=Max(source.last_batch))
        .order_by("-fiscal_year", source.unit)
    )
    batch_ids = {r["last"] for r in rows if r["last"]}
    batches = {
        b.pk: b
        for b in ImportBatch.objects.filter(pk__in=batch_ids, status=ImportStatus.COMMITTED)
        .select_related("uploaded_by", "committed_by")
        .only(
            "pk", "original_name", "created_at", "committed_at", "fiscal_year",
            "uploaded_by__username", "uploaded_by__first_name", "uploaded_by__last_name",
            "committed_by__username",
        )
    } if batch_ids else {}
    entries = []
    for r in rows:
        unit = units.get(r[source.unit])
        entries.append(
            {
                "unit": unit.name if unit else str(r[source.unit]),
                "fiscal_year": r["fiscal_year"],
                "batch": batches.get(r["last"]),
            }
        )
    entries.sort(key=lambda e: (-e["fiscal_year"], e["batch"] is None, e["unit"]))
    return {
        "entries": entries,
        "imported": sum(1 for e in entries if e["batch"]),
        "without_import": sum(1 for e in entries if not e["batch"]),
    }


def poverty_indicator_map(*, regions: list[str], year: int | None) -> dict:
    """The latest loaded P0 and number of poor people per region, up to ``year``.

    The portal ships no figures: with none loaded every map is empty and
    ``loaded`` is False.
    """
    rows = list(
        PovertyIndicator.objects.filter(
            region_id__in=regions, indicator__in=[Indicator.P0, Indicator.POOR_PEOPLE]
        ).order_by("region_id", "indicator", "-period")
    )
    persons: dict = {}
    p0: dict = {}
    periods: dict = {}
    for row in rows:
        if year and row.period[:4] > str(year):
            continue
        target = persons if row.indicator == Indicator.POOR_PEOPLE else p0
        if row.region_id not in target:
            target[row.region_id] = row.persons if target is persons else row.value
            periods.setdefault(row.region_id, row.period)
    sources = sorted({r.source for r in rows})
    return {
        "loaded": bool(rows),
        "persons": persons,
        "p0": p0,
        "periods": periods,
        "sources": sources,
    }


def indicator_list(*, user):
    return (
        PovertyIndicator.objects.filter(access.readable_q(user))
        .select_related("region", "upload", "uploaded_by")
        .order_by("region_id", "indicator", "-period")
    )
