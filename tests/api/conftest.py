"""Data and clients for the API tests: a small world in three regions.

Every endpoint has one object in Lebak (36.02, the coordinator's own region)
and one in Tangerang (36.03, the "other region") so every test can check both
sides of the access rule.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from django.core.cache import cache

from budgets.models import Tag, TagSource
from tests.factories import (
    AccountFactory,
    BudgetLineFactory,
    DecisionFactory,
    FundingSourceFactory,
    InterventionFactory,
    MeetingFactory,
    NomenclatureFactory,
    ObstacleFactory,
    RoadmapActionFactory,
    RoadmapFactory,
    UnitFactory,
    pillar,
)

ROLES = [
    "anonymous",
    "lebak_coordinator",
    "province_coordinator",
    "data_staff",
    "official",
    "admin_user",
]
WRITERS_OF_LEBAK = {"lebak_coordinator", "province_coordinator", "admin_user"}


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    """Throttle counters live in the cache; user ids repeat across tests."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    units: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    interventions: dict = field(default_factory=dict)
    roadmaps: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    obstacles: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)
    decisions: dict = field(default_factory=dict)
    sub_kegiatan: object = None


@pytest.fixture
def world(banten):
    w = World()
    w.sub_kegiatan = NomenclatureFactory(code="1.06.05.2.02.0001", name="Pendataan fakir miskin")
    FundingSourceFactory()
    AccountFactory()
    for code in ("36", "36.02", "36.03"):
        unit = UnitFactory(region=banten[code], region_id=code, code="1.06.0.00.0.00.01.0000", name=f"Dinsos {code}")
        w.units[code] = unit
        line = BudgetLineFactory(
            region_id=code, unit=unit, sub_unit=unit, sub_kegiatan=w.sub_kegiatan,
            pagu=Decimal("1500000.50"), realisasi=Decimal("700000.25"),
        )
        w.lines[code] = line
        w.tags[code] = Tag.objects.create(
            budget_line=line, pillar=pillar(), source=TagSource.PERSON, reason="uji"
        )
        w.interventions[code] = InterventionFactory(region_id=code, lead_unit=unit)
        w.roadmaps[code] = RoadmapFactory(region=banten[code], region_id=code)
        w.actions[code] = RoadmapActionFactory(roadmap=w.roadmaps[code], owner_unit=unit)
        w.obstacles[code] = ObstacleFactory(region_id=code)
        w.meetings[code] = MeetingFactory(region_id=code)
        w.decisions[code] = DecisionFactory(meeting=w.meetings[code])
    return w


@pytest.fixture
def api_client_for():
    """``api_client_for(user)``: an APIClient sending the user's token (or none)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            _instance, key = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def role_user(request):
    """Resolve a role name from ROLES to its persona (None for anonymous)."""

    def resolve(role):
        if role == "anonymous":
            return None
        return request.getfixturevalue(role)

    return resolve
