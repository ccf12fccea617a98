"""Hostile data for the security regression tests.

``hostile_world`` is the API tests' small world (an object of every kind in
Lebak, Tangerang and the province) with every free-text field of every object
overwritten by text an attacker would store: a formula, a vertical tab from a
paste out of Word, other control characters.
"""

import pytest

from django.db import models

from tests.api.conftest import api_client_for, world  # noqa: F401 - fixtures

POISON = '=HYPERLINK("http://evil.example/","klik")\x0bbaris\x01\x1f'
SKIP = {"code", "key", "slug", "username", "password", "stage", "origin", "digest"}


def poison_objects(objects):
    for obj in objects:
        model = type(obj)
        values = {}
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField):
                continue
            if f.choices or f.primary_key or f.unique or f.name in SKIP:
                continue
            if f.name.endswith("_code") or f.name.endswith("_id"):
                continue
            values[f.attname] = POISON[: f.max_length] if f.max_length else POISON
        if values:
            model.objects.filter(pk=obj.pk).update(**values)


@pytest.fixture
def hostile_world(world):  # noqa: F811 - the fixture imported above
    poison_objects(
        [
            *world.units.values(),
            *world.lines.values(),
            *world.tags.values(),
            *world.interventions.values(),
            *world.roadmaps.values(),
            *world.actions.values(),
            *world.obstacles.values(),
            *world.meetings.values(),
            *world.decisions.values(),
            world.sub_kegiatan,
        ]
    )
    return world


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """Pillars and strategies for database tests: a transactional test that ran
    before (a browser test) flushes what the migrations seeded."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and not marker.kwargs.get("transaction"):
        request.getfixturevalue("reference_data")
