"""Reads of budget data. The API's summary, the dashboards, the home page and the
exports all call these, so their figures can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from regions import access

from .filters import BudgetLineFilterSet
from .models import BudgetLine, ImportBatch, Nomenclature, Stage, Unit, UnitKind
from .summary import LINE_GROUPS, Source, summary_source

ZERO = Decimal("0.00")

# group_by key -> (value expression path, label resolver)
GROUP_KEYS = (
    "fiscal_year",
    "stage",
    "region",
    "unit",
    "pillar",
    "strategy",
    "bidang",
    "program",
    "account_group",
)

# The expressions over lines; the summary table has its own (budgets.summary).
_GROUP_EXPRESSIONS = LINE_GROUPS


class InvalidGrouping(ValueError):
    """A ``group_by`` the summary does not know."""


def budget_line_list(*, user, filters: dict | None = None) -> QuerySet[BudgetLine]:
    """Lines the user may read, filtered by ``BudgetLineFilterSet`` parameters.

    With ``filters`` (even ``{}``) the FilterSet's stage rule applies: no stage
    means each pemda's latest stage. ``filters=None`` is every line of every
    stage, for finding one line by its id."""
    qs = BudgetLine.objects.filter(access.readable_q(user)).select_related(
        "region",
        "unit",
        "sub_unit",
        "sub_kegiatan",
        "funding_source",
        "account",
        "pillar",
        "strategy",
        "import_batch",
        "import_batch__uploaded_by",
        "entered_by",
    )
    if filters is not None:
        filterset = BudgetLineFilterSet(data=filters, queryset=qs)
        if filterset.is_valid():
            qs = filterset.qs
        else:
            qs = qs.none()
    return qs


def budget_line_scope(*, user, filters: dict | None = None) -> QuerySet[BudgetLine]:
    """Like ``budget_line_list`` but without joins: the base of aggregates.

    Always through the FilterSet, so no aggregate ever adds stages (no stage
    given: each pemda's latest stage)."""
    qs = BudgetLine.objects.filter(access.readable_q(user))
    filterset = BudgetLineFilterSet(data=filters or {}, queryset=qs)
    return filterset.qs if filterset.is_valid() else qs.none()


@dataclass
class SummaryRow:
    key: dict
    label: str
    pagu: Decimal
    realisasi: Decimal
    lines: int

    @property
    def serapan(self) -> Decimal | None:
        return (self.realisasi / self.pagu) if self.pagu else None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "pagu": self.pagu,
            "realisasi": self.realisasi,
            "serapan": self.serapan,
            "lines": self.lines,
        }


@dataclass
class Summary:
    group_by: list[str]
    rows: list[SummaryRow] = field(default_factory=list)
    pagu: Decimal = ZERO
    realisasi: Decimal = ZERO
    lines: int = 0

    @property
    def serapan(self) -> Decimal | None:
        return (self.realisasi / self.pagu) if self.pagu else None


def parse_group_by(raw: str | list[str] | None) -> list[str]:
    if not raw:
        return []
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    keys = [p.strip() for p in parts if p.strip()]
    unknown = [k for k in keys if k not in GROUP_KEYS]
    if unknown or len(keys) > 2 or len(set(keys)) != len(keys):
        raise InvalidGrouping(
            _(
                "group_by harus satu atau dua dari: %(keys)s (diterima: %(got)s)."
            )
            % {"keys": ", ".join(GROUP_KEYS), "got": ", ".join(keys)}
        )
    return keys


def budget_line_summary(
    *,
    user,
    filters: dict | None = None,
    group_by: list[str] | None = None,
    labels: bool = True,
) -> Summary:
    """Pagu, realisasi and line count per group, within the user's read scope.

    The rows always add up to the totals, which are the plain sums over the
    filtered lines of each pemda-year's latest stage, or of the one stage asked
    for (to the rupiah): a line without a pillar falls in the
    "not tagged" group, never outside. ``labels=False`` leaves the labels empty
    (callers that resolve names themselves save the look-ups).
    """
    group_by = group_by or []
    source = summary_source(user=user, filters=filters, line_scope=budget_line_scope)
    qs = source.qs
    totals = qs.aggregate(
        pagu=Coalesce(Sum("pagu"), Value(ZERO)),
        realisasi=Coalesce(Sum("realisasi"), Value(ZERO)),
        lines=Coalesce(source.lines, Value(0)),
    )
    summary = Summary(
        group_by=group_by,
        pagu=totals["pagu"],
        realisasi=totals["realisasi"],
        lines=totals["lines"],
    )
    if not group_by:
        return summary
    annotations = {f"k_{k}": source.groups[k] for k in group_by}
    grouped = (
        qs.annotate(**annotations)
        .values(*annotations)
        .annotate(
            pagu_sum=Coalesce(Sum("pagu"), Value(ZERO)),
            realisasi_sum=Coalesce(Sum("realisasi"), Value(ZERO)),
            line_count=source.lines,
        )
        .order_by(*annotations)
    )
    raw_rows = list(grouped)
    names = _labels_for(group_by, raw_rows) if labels else None
    for raw in raw_rows:
        key = {k: raw[f"k_{k}"] for k in group_by}
        label = (
            " · ".join(names[k].get(key[k], _label_fallback(k, key[k])) for k in group_by)
            if names is not None
            else ""
        )
        summary.rows.append(
            SummaryRow(
                key=key,
                label=label,
                pagu=raw["pagu_sum"],
                realisasi=raw["realisasi_sum"],
                lines=raw["line_count"],
            )
        )
    return summary


def _label_fallback(key: str, value) -> str:
    if value is None:
        return {
            "pillar": _("Belum ditandai pilar"),
            "strategy": _("Belum ditandai strategi"),
        }.get(key, _("Tidak diketahui"))
    return str(value)


def _labels_for(group_by: list[str], rows: list[dict]) -> dict[str, dict]:
    """Human labels for the group keys, with one query per key kind."""
    from programs.models import Pillar, Strategy
    from regions.models import Region

    labels: dict[str, dict] = {}
    for k in group_by:
        values = {r[f"k_{k}"] for r in rows if r[f"k_{k}"] is not None}
        if k == "fiscal_year":
            labels[k] = {v: str(v) for v in values}
        elif k == "stage":
            labels[k] = {v: str(Stage(v).label) for v in values if v in Stage.values}
        elif k == "region":
            labels[k] = dict(Region.objects.filter(code__in=values).values_list("code", "name"))
        elif k == "unit":
            labels[k] = {
                u.pk: u.name for u in Unit.objects.filter(pk__in=values).only("pk", "name")
            }
        elif k == "pillar":
            labels[k] = dict(Pillar.objects.filter(code__in=values).values_list("code", "name"))
        elif k == "strategy":
            labels[k] = dict(
                Strategy.objects.filter(code__in=values).values_list("code", "name")
            )
        elif k in ("bidang", "program"):
            level = "bidang" if k == "bidang" else "program"
            names = (
                Nomenclature.objects.filter(level=level, code__in=values)
                .order_by("code", "-fiscal_year")
                .values_list("code", "name")
            )
            labels[k] = {}
            for code, name in names:
                labels[k].setdefault(code, f"{code} {name}")
        else:
            labels[k] = {v: v for v in values}
    return labels


@dataclass
class Headline:
    fiscal_year: int | None
    pagu: Decimal
    realisasi: Decimal
    lines: int
    opd_count: int
    uptd_count: int
    previous_year: int | None = None
    previous_pagu: Decimal | None = None
    previous_opd_count: int | None = None

    @property
    def serapan(self) -> Decimal | None:
        return (self.realisasi / self.pagu) if self.pagu else None

    @property
    def change(self) -> Decimal | None:
        if not self.previous_pagu:
            return None
        return (self.pagu - self.previous_pagu) / self.previous_pagu


def latest_fiscal_year(*, user) -> int | None:
    source = summary_source(user=user, filters=None, line_scope=budget_line_scope)
    return source.qs.aggregate(y=Max("fiscal_year"))["y"]


def _totals_and_units(source: Source) -> dict:
    """Pagu, realisasi, lines, OPD with lines and UPTD with lines, in one query."""
    return source.qs.aggregate(
        pagu=Coalesce(Sum("pagu"), Value(ZERO)),
        realisasi=Coalesce(Sum("realisasi"), Value(ZERO)),
        lines=Coalesce(source.lines, Value(0)),
        opd=Count(source.unit, distinct=True),
        uptd=Count(
            source.sub_unit,
            distinct=True,
            filter=Q(**{source.sub_unit_kind: UnitKind.UPTD}),
        ),
    )


def budget_headline(*, user, filters: dict | None = None) -> Headline:
    """Total pagu and realisasi, OPD/UPTD with lines, and the change on last year."""
    filters = dict(filters or {})
    year = filters.get("fiscal_year") or latest_fiscal_year(user=user)
    if year:
        filters["fiscal_year"] = year
    source = summary_source(user=user, filters=filters, line_scope=budget_line_scope)
    totals = _totals_and_units(source)
    headline = Headline(
        fiscal_year=int(year) if year else None,
        pagu=totals["pagu"],
        realisasi=totals["realisasi"],
        lines=totals["lines"],
        opd_count=totals["opd"],
        uptd_count=totals["uptd"],
    )
    if year:
        previous = dict(filters, fiscal_year=int(year) - 1)
        prev = summary_source(user=user, filters=previous, line_scope=budget_line_scope)
        prev_totals = prev.qs.aggregate(
            p=Sum("pagu"), opd=Count(prev.unit, distinct=True)
        )
        if prev_totals["p"] is not None:
            headline.previous_year = int(year) - 1
            headline.previous_pagu = prev_totals["p"]
            headline.previous_opd_count = prev_totals["opd"]
    return headline


def fiscal_years(*, user) -> list[int]:
    source = summary_source(user=user, filters=None, line_scope=budget_line_scope)
    return list(
        source.qs.order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def import_batch_list(*, user) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(access.readable_q(user)).select_related(
        "region", "uploaded_by"
    )


def line_documents(*, line: BudgetLine):
    """The realisation documents booked on a line's sub unit x sub kegiatan x
    rekening (its realisation is their sum, split over the key's sumber dana lines
    in proportion to pagu), newest first."""
    from .models import RealisationDocument

    return (
        RealisationDocument.objects.filter(
            region_id=line.region_id, fiscal_year=line.fiscal_year, sub_unit_id=line.sub_unit_id,
            sub_kegiatan_id=line.sub_kegiatan_id, account_id=line.account_id,
        )
        .select_related("import_batch")
        .order_by("-document_date", "-id")
    )


def realisation_without_pagu(*, region_id: str, fiscal_year: int):
    """Spending on a sub unit x sub kegiatan x rekening that has no line in the
    latest stage of the year (the budget in force): kept, never dropped or moved.
    Rows: sub_unit, sub_kegiatan, account codes, amount, documents."""
    from django.db.models import Count, Exists, Max, OuterRef, Sum

    from .models import RealisationDocument

    latest = BudgetLine.objects.filter(region_id=region_id, fiscal_year=fiscal_year).aggregate(
        m=Max("stage"))["m"]
    lines = BudgetLine.objects.filter(
        region_id=region_id, fiscal_year=fiscal_year, stage=latest,
        sub_unit_id=OuterRef("sub_unit_id"), sub_kegiatan_id=OuterRef("sub_kegiatan_id"),
        account_id=OuterRef("account_id"),
    )
    return (
        RealisationDocument.objects.filter(region_id=region_id, fiscal_year=fiscal_year)
        .annotate(has_line=Exists(lines)).filter(has_line=False)
        .values("sub_unit__code", "sub_unit__name", "sub_kegiatan__code",
                "sub_kegiatan__name", "account__code")
        .annotate(amount=Sum("amount"), documents=Count("id"))
        .order_by("sub_unit__code", "sub_kegiatan__code", "account__code")
    )
