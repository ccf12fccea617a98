"""Every endpoint, every role, every action: allowed ones succeed, the rest are
refused with nothing changed.

Objects acted on lie in Lebak (36.02): every persona may read them; the Lebak
and province coordinators and the admin may change them; Staf Data and
Pejabat may not; anonymous requests get 401.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from django.apps import apps

from budgets.stages import Stage
from tests.api.conftest import ROLES, WRITERS_OF_LEBAK

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


@dataclass
class Endpoint:
    name: str
    model: str  # app_label.Model counted before/after
    obj: callable  # world -> the Lebak object
    lookup: callable = lambda o: o.pk
    create: callable | None = None  # world -> payload
    update: callable | None = None  # world -> full payload (PUT)
    patch: callable | None = None  # world -> partial payload
    delete: bool = False
    actions: list = field(default_factory=list)  # (method, suffix, payload fn, writes)


def _line_payload(w):
    return {
        "fiscal_year": 2024, "region": "36.02",
        "unit": w.units["36.02"].pk, "sub_kegiatan": "1.06.05.2.02.0001",
        "funding_source": "1.1", "account": "5.1.06.01.01.0001",
        # a stage of its own keeps each created line's natural key apart
        "stage": Stage.values[_n() % len(Stage.values)], "pagu": "2500000.00",
        "realisasi": "0.00",
        "reason": "uji API",
    }


ENDPOINTS = [
    Endpoint("regions", "regions.Region", lambda w: w.units["36.02"].region, lambda o: o.code,
             create=lambda w: {"code": "36.02.99", "name": "X", "level": "kecamatan"},
             patch=lambda w: {"name": "Lebak Baru"}, delete=True),
    Endpoint("units", "budgets.Unit", lambda w: w.units["36.02"],
             create=lambda w: {"region": "36.02", "code": "1.06.0.00.0.00.02.0000", "name": "X"},
             patch=lambda w: {"name": "Y"}, delete=True),
    Endpoint("nomenclature", "budgets.Nomenclature", lambda w: w.sub_kegiatan,
             patch=lambda w: {"name": "Y"}, delete=True),
    Endpoint("funding-sources", "budgets.FundingSource",
             lambda w: apps.get_model("budgets.FundingSource").objects.first(),
             create=lambda w: {"code": "9.9", "name": "X"}, delete=True),
    Endpoint("accounts", "budgets.Account",
             lambda w: apps.get_model("budgets.Account").objects.first(),
             create=lambda w: {"code": "5.2", "name": "X"}, delete=True),
    Endpoint("pillars", "programs.Pillar",
             lambda w: apps.get_model("programs.Pillar").objects.first(), lambda o: o.code,
             create=lambda w: {"code": "baru", "name": "X"}, patch=lambda w: {"name": "Y"},
             delete=True),
    Endpoint("strategies", "programs.Strategy",
             lambda w: apps.get_model("programs.Strategy").objects.first(), lambda o: o.code,
             patch=lambda w: {"name": "Y"}, delete=True),
    Endpoint("strategy-focuses", "programs.StrategyFocus",
             lambda w: apps.get_model("programs.StrategyFocus").objects.first(),
             lambda o: o.code, patch=lambda w: {"name": "Y"}, delete=True),
    Endpoint("budget-lines", "budgets.BudgetLine", lambda w: w.lines["36.02"],
             create=_line_payload, update=_line_payload,
             patch=lambda w: {"pagu": "123.45"}, delete=True,
             actions=[("get", "summary/?group_by=region,pillar", None, False)]),
    Endpoint("tags", "budgets.Tag", lambda w: w.tags["36.02"],
             create=lambda w: {"budget_lines": [w.lines["36.02"].pk],
                               "pillar": "kebutuhan_pokok", "reason": "uji API"},
             patch=lambda w: {"reason": "lain"}, delete=True),
    Endpoint("interventions", "programs.Intervention", lambda w: w.interventions["36.02"],
             create=lambda w: {"region": "36.02", "fiscal_year": 2024, "name": f"I{_n()}",
                               "pillar": "jaminan_sosial",
                               "partner_units": [w.units["36.02"].pk],
                               "target_regions": ["36.02.01"],
                               "budget_lines": [w.lines["36.02"].pk]},
             update=lambda w: {"region": "36.02", "fiscal_year": 2025, "name": "Ganti"},
             patch=lambda w: {"status": "berjalan"}, delete=True,
             actions=[
                 ("post", "{pk}/close/", lambda w: {"reason": "selesai"}, True),
                 ("post", "{pk}/progress/",
                  lambda w: {"fiscal_year": 2024, "quarter": 1, "reached": 10}, True),
             ]),
    Endpoint("roadmaps", "roadmap.Roadmap", lambda w: w.roadmaps["36.02"],
             create=lambda w: {"region": "36.02", "fiscal_year": 2030 + _n() % 60,
                               "title": "Peta jalan baru"},
             update=lambda w: {"region": "36.02", "fiscal_year": 2024, "title": "Ganti"},
             patch=lambda w: {"policy_direction": "Arah baru"}, delete=True),
    Endpoint("roadmap-actions", "roadmap.RoadmapAction", lambda w: w.actions["36.02"],
             create=lambda w: {"roadmap": w.roadmaps["36.02"].pk, "title": "Aksi",
                               "target_quarter": 3, "owner_unit": w.units["36.02"].pk},
             update=lambda w: {"roadmap": w.roadmaps["36.02"].pk, "title": "Ganti",
                               "target_quarter": 4},
             patch=lambda w: {"status": "selesai"}, delete=True),
    Endpoint("obstacles", "roadmap.Obstacle", lambda w: w.obstacles["36.02"],
             create=lambda w: {"region": "36.02", "fiscal_year": 2024, "title": "H",
                               "category": "data", "action": w.actions["36.02"].pk,
                               "intervention": w.interventions["36.02"].pk},
             update=lambda w: {"region": "36.02", "fiscal_year": 2024, "title": "Ganti",
                               "category": "anggaran"},
             patch=lambda w: {"status": "selesai", "resolution": "Sudah"}, delete=True),
    Endpoint("meetings", "roadmap.Meeting", lambda w: w.meetings["36.02"],
             create=lambda w: {"region": "36.02", "title": "Rakor", "date": "2024-05-01"},
             update=lambda w: {"region": "36.02", "title": "Rakor 2", "date": "2024-06-01"},
             patch=lambda w: {"place": "Rangkasbitung"}, delete=True),
    Endpoint("decisions", "roadmap.Decision", lambda w: w.decisions["36.02"],
             create=lambda w: {"meeting": w.meetings["36.02"].pk, "text": "Keputusan"},
             update=lambda w: {"meeting": w.meetings["36.02"].pk, "text": "Ganti"},
             patch=lambda w: {"follow_up_status": "selesai"}, delete=True,
             actions=[("post", "{pk}/to-action/",
                       lambda w: {"roadmap": w.roadmaps["36.02"].pk, "target_quarter": 2},
                       True)]),
]

# Which write actions each endpoint has at all (the rest answer 405 or 403 to all).
WRITABLE = {
    "budget-lines": {"create", "update", "partial_update", "destroy"},
    "tags": {"create", "destroy"},
    "interventions": {"create", "update", "partial_update", "destroy"},
    "roadmaps": {"create", "update", "partial_update"},
    "roadmap-actions": {"create", "update", "partial_update", "destroy"},
    "obstacles": {"create", "update", "partial_update", "destroy"},
    "meetings": {"create", "update", "partial_update", "destroy"},
    "decisions": {"create", "update", "partial_update", "destroy"},
}


def _counts():
    return {
        label: apps.get_model(label).objects.count()
        for label in {e.model for e in ENDPOINTS}
        | {"roadmap.RoadmapAction", "audit.AuditRecord"}
    }


def _refused(status: int, role: str) -> bool:
    if role == "anonymous":
        return status == 401
    return status in (403, 405)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_every_action_for_every_role(endpoint, role, world, role_user, api_client_for):
    user = role_user(role)
    client = api_client_for(user)
    base = f"/api/v1/{endpoint.name}/"
    obj = endpoint.obj(world)
    detail = f"{base}{endpoint.lookup(obj)}/"
    reader = role != "anonymous"

    def check_read(response):
        if reader:
            assert response.status_code == 200, (response.status_code, response.content[:300])
        else:
            assert response.status_code == 401
            assert response.json()["code"] == "not_authenticated"

    check_read(client.get(base))
    check_read(client.get(detail))
    for fmt, ctype in (("xlsx", "spreadsheetml"), ("csv", "text/csv")):
        response = client.get(base, {"format": fmt})
        check_read(response)
        if reader:
            assert ctype in response["Content-Type"]

    writable = WRITABLE.get(endpoint.name, set())
    attempts = [
        ("create", "post", base, endpoint.create),
        ("update", "put", detail, endpoint.update),
        ("partial_update", "patch", detail, endpoint.patch),
    ]
    for action, method, url, payload in attempts:
        if payload is None:
            continue
        before = _counts()
        response = getattr(client, method)(url, payload(world), format="json")
        allowed = action in writable and role in WRITERS_OF_LEBAK
        if allowed:
            assert response.status_code in (200, 201), (action, response.content[:400])
        else:
            assert _refused(response.status_code, role), (action, response.status_code)
            assert response.json()["detail"]
            assert _counts() == before, action

    for method, suffix, payload, _writes in endpoint.actions:
        url = base + suffix.format(pk=endpoint.lookup(obj))
        before = _counts()
        if method == "get":
            check_read(client.get(url))
            continue
        response = client.post(url, payload(world), format="json")
        if role in WRITERS_OF_LEBAK:
            assert response.status_code in (200, 201), (url, response.content[:400])
        else:
            assert _refused(response.status_code, role), (url, response.status_code)
            assert _counts() == before

    if endpoint.delete:
        model = apps.get_model(endpoint.model)
        before = _counts()
        response = client.delete(detail)
        if "destroy" in writable and role in WRITERS_OF_LEBAK:
            assert response.status_code == 204, response.content[:300]
            assert not model.objects.filter(pk=obj.pk).exists()
        else:
            assert _refused(response.status_code, role), response.status_code
            assert _counts() == before
            assert model.objects.filter(pk=obj.pk).exists()
