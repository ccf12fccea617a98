"""The access rule through the API: another region's data is neither written
nor shown, directly or through a foreign key."""

import pytest

from django.apps import apps


def _counts():
    labels = ["budgets.BudgetLine", "programs.Intervention", "roadmap.Obstacle",
              "roadmap.RoadmapAction", "audit.AuditRecord"]
    return {label: apps.get_model(label).objects.count() for label in labels}


def test_it_refuses_lines_interventions_obstacles_for_another_region(
    world, lebak_coordinator, api_client_for
):
    client = api_client_for(lebak_coordinator)
    before = _counts()
    attempts = [
        ("/api/v1/budget-lines/", {
            "fiscal_year": 2024, "region": "36.03", "unit": world.units["36.02"].pk,
            "sub_kegiatan": "1.06.05.2.02.0001", "funding_source": "1.1",
            "account": "5.1.06.01.01.0001", "pagu": "10.00"}),
        ("/api/v1/interventions/", {"region": "36.03", "fiscal_year": 2024, "name": "X"}),
        ("/api/v1/obstacles/", {"region": "36.03", "fiscal_year": 2024, "title": "X",
                                "category": "data"}),
    ]
    for url, payload in attempts:
        response = client.post(url, payload, format="json")
        assert response.status_code == 403, (url, response.content)
        assert "36.03" in response.json()["detail"]
    assert _counts() == before


@pytest.mark.parametrize(
    "url,payload",
    [
        # a unit of Tangerang in a Lebak line
        ("/api/v1/budget-lines/", lambda w: {
            "fiscal_year": 2024, "region": "36.02", "unit": w.units["36.03"].pk,
            "sub_kegiatan": "1.06.05.2.02.0001", "funding_source": "1.1",
            "account": "5.1.06.01.01.0001", "pagu": "10.00"}),
        # a Tangerang budget line and partner unit in a Lebak intervention
        ("/api/v1/interventions/", lambda w: {
            "region": "36.02", "fiscal_year": 2024, "name": "X",
            "budget_lines": [w.lines["36.03"].pk]}),
        ("/api/v1/interventions/", lambda w: {
            "region": "36.02", "fiscal_year": 2024, "name": "X",
            "partner_units": [w.units["36.03"].pk]}),
        # a Lebak obstacle pointing at a Tangerang action or intervention
        ("/api/v1/obstacles/", lambda w: {
            "region": "36.02", "fiscal_year": 2024, "title": "X", "category": "data",
            "action": w.actions["36.03"].pk}),
        ("/api/v1/obstacles/", lambda w: {
            "region": "36.02", "fiscal_year": 2024, "title": "X", "category": "data",
            "intervention": w.interventions["36.03"].pk}),
        # an action on Tangerang's roadmap
        ("/api/v1/roadmap-actions/", lambda w: {
            "roadmap": w.roadmaps["36.03"].pk, "title": "X", "target_quarter": 1}),
        # tagging a Tangerang line
        ("/api/v1/tags/", lambda w: {
            "budget_lines": [w.lines["36.03"].pk], "pillar": "jaminan_sosial",
            "reason": "x"}),
    ],
)
def test_it_refuses_foreign_keys_into_another_region(
    url, payload, world, lebak_coordinator, api_client_for
):
    client = api_client_for(lebak_coordinator)
    before = _counts()
    response = client.post(url, payload(world), format="json")
    assert response.status_code in (400, 403, 404), response.content
    body = response.json()
    assert body["detail"] and body["code"]
    assert _counts() == before


def test_a_province_unit_of_another_region_is_refused_even_for_province_writers(
    world, province_coordinator, api_client_for
):
    """The service refuses a Tangerang unit in a Lebak line even when the user
    may change both regions."""
    client = api_client_for(province_coordinator)
    before = _counts()
    response = client.post("/api/v1/budget-lines/", {
        "fiscal_year": 2024, "region": "36.02", "unit": world.units["36.03"].pk,
        "sub_kegiatan": "1.06.05.2.02.0001", "funding_source": "1.1",
        "account": "5.1.06.01.01.0001", "pagu": "10.00"}, format="json")
    assert response.status_code == 403
    assert _counts() == before


@pytest.mark.parametrize("name,attr", [
    ("budget-lines", "lines"), ("tags", "tags"), ("interventions", "interventions"),
    ("roadmaps", "roadmaps"), ("roadmap-actions", "actions"), ("obstacles", "obstacles"),
    ("meetings", "meetings"), ("decisions", "decisions"), ("units", "units"),
])
def test_other_regions_never_show(name, attr, world, lebak_coordinator, api_client_for):
    client = api_client_for(lebak_coordinator)
    theirs = getattr(world, attr)["36.03"]
    province = getattr(world, attr)["36"]
    ids = {row["id"] for row in client.get(f"/api/v1/{name}/", {"page_size": 500}).json()["results"]}
    assert getattr(world, attr)["36.02"].pk in ids
    assert theirs.pk not in ids and province.pk not in ids
    assert client.get(f"/api/v1/{name}/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/v1/{name}/{theirs.pk}/", {}, format="json").status_code in (403, 404, 405)
    csv = client.get(f"/api/v1/{name}/", {"format": "csv"}).content.decode("utf-8-sig")
    exported_ids = {line.split(",")[0] for line in csv.splitlines() if not line.startswith("#")}
    if name == "budget-lines":  # the import-template layout puts the id near the end
        assert "36.03" not in csv
    else:
        assert str(theirs.pk) not in exported_ids


def test_summary_and_exports_stay_in_scope(world, lebak_coordinator, api_client_for):
    client = api_client_for(lebak_coordinator)
    body = client.get("/api/v1/budget-lines/summary/", {"group_by": "region"}).json()
    assert [row["key"]["region"] for row in body["rows"]] == ["36.02"]
    assert body["totals"] == {
        "pagu": "1500000.50", "realisasi": "700000.25", "serapan": "0.466667", "lines": 1,
    }
    # Filtering by another region yields nothing, not its data.
    body = client.get("/api/v1/budget-lines/summary/", {"region": "36.03"}).json()
    assert body["totals"]["lines"] == 0 and body["totals"]["pagu"] == "0.00"
