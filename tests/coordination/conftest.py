"""Fixtures of the coordination tests: units and lines of Lebak (36.02) and
Tangerang (36.03), a roadmap each, and a helper to count rows."""

import pytest

from tests.factories import (
    BudgetLineFactory,
    InterventionFactory,
    RoadmapActionFactory,
    RoadmapFactory,
    UnitFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def lebak_unit(banten):
    return UnitFactory(region_id="36.02", code="1.06.0.00.0.00.01.0000", name="Dinsos Lebak")


@pytest.fixture
def province_unit(banten):
    return UnitFactory(region_id="36", code="1.06.0.00.0.00.01.0000", name="Dinsos Provinsi")


@pytest.fixture
def tangerang_unit(banten):
    return UnitFactory(region_id="36.03", code="1.06.0.00.0.00.01.0000",
                       name="Dinsos Tangerang")


@pytest.fixture
def lebak_lines(lebak_unit):
    return [BudgetLineFactory(region_id="36.02", unit=lebak_unit, sub_unit=lebak_unit)
            for _ in range(3)]


@pytest.fixture
def tangerang_line(tangerang_unit):
    return BudgetLineFactory(region_id="36.03", unit=tangerang_unit, sub_unit=tangerang_unit)


@pytest.fixture
def lebak_intervention(banten):
    return InterventionFactory(region_id="36.02", fiscal_year=2024)


@pytest.fixture
def tangerang_intervention(banten):
    return InterventionFactory(region_id="36.03", fiscal_year=2024)


@pytest.fixture
def lebak_roadmap(banten):
    return RoadmapFactory(region_id="36.02", fiscal_year=2024)


@pytest.fixture
def tangerang_roadmap(banten):
    return RoadmapFactory(region_id="36.03", fiscal_year=2024)


@pytest.fixture
def tangerang_action(tangerang_roadmap):
    return RoadmapActionFactory(roadmap=tangerang_roadmap, target_year=2024, target_quarter=2)


@pytest.fixture
def counts():
    """``counts()`` -> row counts of every coordination table (to prove nothing changed)."""
    from audit.models import AuditRecord
    from budgets.models import BudgetLine, Tag
    from programs.models import Intervention, InterventionEvidence, InterventionProgress
    from roadmap.models import (
        Decision,
        Meeting,
        Obstacle,
        QuarterSubmission,
        Roadmap,
        RoadmapAction,
        VerificationEvent,
    )

    models = (AuditRecord, BudgetLine, Tag, Intervention, InterventionEvidence,
              InterventionProgress, Decision, Meeting, Obstacle, QuarterSubmission, Roadmap,
              RoadmapAction, VerificationEvent)

    def take():
        return {m.__name__: m.objects.count() for m in models}

    return take
