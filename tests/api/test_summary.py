"""The summary adds up: for any filters and grouping, the rows sum to the
totals, and the totals are the plain sum over the lines the filters cover, of
each pemda-year's latest stage when no stage is asked for (stages are never
added)."""

import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets.filters import BudgetLineFilterSet
from budgets.models import BudgetLine, Tag, TagSource
from budgets.selectors import GROUP_KEYS
from budgets.services import line_classification_refresh
from budgets.summary import budget_summary_refresh
from programs.models import Pillar
from tests.factories import (
    AccountFactory,
    BudgetLineFactory,
    NomenclatureFactory,
    UnitFactory,
)

STAGES = ["murni", "pergeseran-01", "perubahan"]


def _dataset(banten):
    rng = random.Random(4)
    pillars = list(Pillar.objects.all())
    subs = [NomenclatureFactory(code=c, fiscal_year=y) for y in (2023, 2024)
            for c in ("1.06.05.2.02.0001", "1.02.02.2.01.0003", "2.07.03.2.02.0002")]
    units = {code: [UnitFactory(region=banten[code], region_id=code,
                                code=f"1.0{i}.0.00.0.00.01.0000") for i in (2, 6)]
             for code in ("36", "36.02", "36.03")}
    for i in range(40):
        region = rng.choice(["36", "36.02", "36.03"])
        unit = rng.choice(units[region])
        sub = rng.choice(subs)
        line = BudgetLineFactory(
            region_id=region, unit=unit, sub_unit=unit, sub_kegiatan=sub,
            fiscal_year=sub.fiscal_year, stage=rng.choice(STAGES),
            account=AccountFactory(code=f"5.1.06.01.01.{i + 1:04d}"),
            pagu=Decimal(rng.randint(0, 10**13)) / 100,
            realisasi=Decimal(rng.randint(0, 10**12)) / 100,
        )
        if rng.random() < 0.7:
            Tag.objects.create(budget_line=line, pillar=rng.choice(pillars),
                               source=TagSource.PERSON, reason="x")
    line_classification_refresh(line_ids=BudgetLine.objects.values_list("id", flat=True))
    # The summary table answers the filters it knows, the lines ("q") the rest.
    budget_summary_refresh()


filters_strategy = st.fixed_dictionaries({}, optional={
    "fiscal_year": st.sampled_from(["2023", "2024", "2030"]),
    "stage": st.sampled_from([*STAGES, "terakhir", "latest"]),
    "region": st.sampled_from(["36", "36.02", "36.03", "36.02.01"]),
    "pillar": st.sampled_from(["jaminan_sosial", "kebutuhan_pokok", "budaya_usaha", "none"]),
    "sub_kegiatan": st.sampled_from(["1.06", "1.02.02", "2"]),
    "q": st.sampled_from(["Dinas", "pendataan", "zzz"]),
})
group_strategy = st.lists(st.sampled_from(GROUP_KEYS), min_size=0, max_size=2, unique=True)


def test_summary_totals_equal_the_sum_of_the_lines(
    banten, province_coordinator, lebak_coordinator, api_client_for
):
    _dataset(banten)
    clients = {
        "province": (province_coordinator, api_client_for(province_coordinator)),
        "lebak": (lebak_coordinator, api_client_for(lebak_coordinator)),
    }

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(filters=filters_strategy, group_by=group_strategy,
           who=st.sampled_from(sorted(clients)))
    def check(filters, group_by, who):
        user, client = clients[who]
        params = dict(filters)
        if group_by:
            params["group_by"] = ",".join(group_by)
        response = client.get("/api/v1/budget-lines/summary/", params)
        assert response.status_code == 200, response.content
        body = response.json()
        from regions import access

        readable = BudgetLine.objects.filter(access.readable_q(user))
        if filters.get("stage") in STAGES:
            lines = list(BudgetLineFilterSet(data=filters, queryset=readable).qs)
        else:
            # The oracle of the default: each stage asked for explicitly, kept
            # only where it is its pemda-year's latest (over all of its lines).
            latest = {}
            for region, year, stage in BudgetLine.objects.values_list(
                "region_id", "fiscal_year", "stage"
            ):
                latest[region, year] = max(stage, latest.get((region, year), stage))
            lines = [
                line
                for stage in STAGES
                for line in BudgetLineFilterSet(
                    data=dict(filters, stage=stage), queryset=readable
                ).qs
                if latest[line.region_id, line.fiscal_year] == stage
            ]
        pagu = sum((line.pagu for line in lines), Decimal("0"))
        realisasi = sum((line.realisasi for line in lines), Decimal("0"))
        totals = body["totals"]
        assert Decimal(totals["pagu"]) == pagu
        assert Decimal(totals["realisasi"]) == realisasi
        assert totals["lines"] == len(lines)
        if group_by:
            assert sum(Decimal(r["pagu"]) for r in body["rows"]) == pagu
            assert sum(Decimal(r["realisasi"]) for r in body["rows"]) == realisasi
            assert sum(r["lines"] for r in body["rows"]) == len(lines)
            for row in body["rows"]:
                assert set(row["key"]) == set(group_by)
                assert row["label"]
        else:
            assert body["rows"] == []

    check()
