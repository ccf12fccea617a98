"""Every list endpoint answers in a fixed number of queries, whatever the page
size and however many rows there are."""

import pytest

from budgets.models import Tag, TagSource
from tests.factories import (
    AccountFactory,
    BudgetLineFactory,
    DecisionFactory,
    InterventionFactory,
    MeetingFactory,
    NomenclatureFactory,
    ObstacleFactory,
    RoadmapActionFactory,
    RoadmapFactory,
    UnitFactory,
    pillar,
)

MAX_QUERIES = 12


def _make(kind: str, n: int, banten):
    unit = UnitFactory(region=banten["36.02"], region_id="36.02", code="1.06.0.00.0.00.01.0000")
    other = UnitFactory(region=banten["36.02"], region_id="36.02", code="1.06.0.00.0.00.02.0000")
    for i in range(n):
        if kind in ("budget-lines", "tags", "nomenclature"):
            line = BudgetLineFactory(unit=unit, sub_unit=unit,
                                     account=AccountFactory(code=f"5.1.06.01.01.{i + 1:04d}"))
            Tag.objects.create(budget_line=line, pillar=pillar(), source=TagSource.PERSON, reason="x")
        elif kind == "units":
            UnitFactory(region=banten["36.02"], region_id="36.02", code=f"2.07.0.00.0.00.{i + 1:02d}.0000")
        elif kind == "interventions":
            intervention = InterventionFactory(lead_unit=unit)
            intervention.partner_units.set([unit, other])
            intervention.target_regions.set(["36.02.01"])
        elif kind in ("roadmaps",):
            RoadmapFactory(region=banten["36.02"], region_id="36.02", fiscal_year=2000 + i)
        elif kind == "roadmap-actions":
            roadmap = RoadmapFactory(region=banten["36.02"], region_id="36.02")
            action = RoadmapActionFactory(roadmap=roadmap, owner_unit=unit)
            action.partner_units.set([other])
        elif kind == "obstacles":
            ObstacleFactory()
        elif kind in ("meetings", "decisions"):
            meeting = MeetingFactory(region_id="36.02")
            DecisionFactory(meeting=meeting)
            DecisionFactory(meeting=meeting)
    if kind == "nomenclature":
        for i in range(n):
            NomenclatureFactory(code=f"1.06.05.2.03.{i + 1:04d}")


LISTS = [
    "regions", "units", "nomenclature", "funding-sources", "accounts", "budget-lines",
    "tags", "pillars", "strategies", "strategy-focuses", "interventions", "roadmaps",
    "roadmap-actions", "obstacles", "meetings", "decisions",
]


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_is_bounded(
    name, n, banten, lebak_coordinator, api_client_for, django_assert_max_num_queries
):
    _make(name, n, banten)
    client = api_client_for(lebak_coordinator)
    for page_size in (5, 500):
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(f"/api/v1/{name}/", {"page_size": page_size})
        assert response.status_code == 200
        if name not in ("regions", "funding-sources", "accounts", "pillars",
                        "strategies", "strategy-focuses"):
            assert response.json()["count"] >= n


def test_summary_query_count_is_bounded(
    banten, lebak_coordinator, api_client_for, django_assert_max_num_queries
):
    _make("budget-lines", 30, banten)
    client = api_client_for(lebak_coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/api/v1/budget-lines/summary/", {"group_by": "unit,pillar"})
    assert response.status_code == 200
