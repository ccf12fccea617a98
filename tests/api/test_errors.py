"""No input makes the API answer 5xx; every 4xx is JSON with a message."""

import pytest

BAD_QUERIES = [
    ("/api/v1/budget-lines/", {"fiscal_year": "abc"}),
    ("/api/v1/budget-lines/", {"fiscal_year": "99999999999999999999999999"}),
    ("/api/v1/budget-lines/", {"fiscal_year": "1e400"}),
    ("/api/v1/budget-lines/", {"stage": "nope"}),
    ("/api/v1/budget-lines/", {"unit": "-1"}),
    ("/api/v1/budget-lines/", {"page": "99999999999999999999"}),
    ("/api/v1/budget-lines/", {"page": "abc"}),
    ("/api/v1/budget-lines/", {"page_size": "-5"}),
    ("/api/v1/budget-lines/", {"format": "pdf"}),
    ("/api/v1/budget-lines/", {"ordering": "password,-nothing"}),
    ("/api/v1/budget-lines/", {"q": "\x00"}),
    ("/api/v1/budget-lines/summary/", {"group_by": "bad"}),
    ("/api/v1/budget-lines/summary/", {"group_by": "region,unit,pillar"}),
    ("/api/v1/budget-lines/summary/", {"group_by": "region,region"}),
    ("/api/v1/budget-lines/summary/", {"fiscal_year": "x"}),
    ("/api/v1/meetings/", {"date_from": "31-31-2024"}),
    ("/api/v1/roadmap-actions/", {"status": "hilang"}),
    ("/api/v1/budget-lines/99999999999999999999999/", {}),
    ("/api/v1/regions/99/", {}),
    ("/api/v1/pillars/tidak-ada/", {}),
    ("/api/v1/interventions/1/", {"format": "xlsx"}),
]


@pytest.mark.parametrize("url,params", BAD_QUERIES)
def test_bad_queries_never_get_a_5xx(url, params, world, lebak_coordinator, api_client_for):
    response = api_client_for(lebak_coordinator).get(url, params)
    assert response.status_code < 500, (response.status_code, response.content[:200])
    if response.status_code >= 400:
        body = response.json()
        assert body["detail"] and body["code"] and "errors" in body
    else:
        # Lenient on purpose: an out-of-range number matches nothing, a bad
        # page_size falls back to the default, an unknown ordering is ignored.
        assert "results" in response.json()


BAD_BODIES = [
    ("/api/v1/interventions/", {"region": "36.02", "fiscal_year": "x", "name": ""}),
    ("/api/v1/interventions/", {"region": 36.02, "fiscal_year": 2024, "name": "x"}),
    ("/api/v1/interventions/", {"region": "99", "fiscal_year": 2024, "name": "x"}),
    ("/api/v1/interventions/", {"region": "36.02", "fiscal_year": 2024, "name": "x",
                                "start_date": "2024-13-45"}),
    ("/api/v1/interventions/", {"region": "36.02", "fiscal_year": 2024, "name": "x",
                                "start_date": "2024-05-01", "end_date": "2024-01-01"}),
    ("/api/v1/interventions/", {"region": "36.02", "fiscal_year": 2024, "name": "x",
                                "lead_unit": "abc", "partner_units": [True, None]}),
    ("/api/v1/interventions/", {"region": "36.02", "fiscal_year": 2024, "name": "x",
                                "status": "hilang", "pillar": "tidak_ada"}),
    ("/api/v1/budget-lines/", {"region": "36.02", "fiscal_year": 2024, "pagu": "-1",
                               "sub_kegiatan": "1.06"}),
    ("/api/v1/budget-lines/", {"region": "36.02", "fiscal_year": 2024, "pagu": "1e30",
                               "sub_kegiatan": "9.99.99.9.99.9999"}),
    ("/api/v1/roadmaps/", {"region": "36.02", "fiscal_year": 2024, "title": "dup"}),
    ("/api/v1/roadmap-actions/", {"roadmap": 2**70, "title": "x", "target_quarter": 9}),
    ("/api/v1/tags/", {"budget_lines": [], "reason": ""}),
    ("/api/v1/tags/", {"budget_lines": "1"}),
    ("/api/v1/meetings/", ["not", "an", "object"]),
]


@pytest.mark.parametrize("url,payload", BAD_BODIES)
def test_bad_bodies_get_a_json_400(url, payload, world, lebak_coordinator, api_client_for):
    response = api_client_for(lebak_coordinator).post(url, payload, format="json")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]


def test_malformed_json_and_wrong_content_type(world, lebak_coordinator, api_client_for):
    client = api_client_for(lebak_coordinator)
    response = client.generic("POST", "/api/v1/obstacles/", "{bad json",
                              content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = client.generic("POST", "/api/v1/obstacles/", "a=b",
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json()["detail"]


def test_messages_follow_accept_language(world, api_client_for):
    response = api_client_for(None).get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 401
    assert "Anda belum masuk" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")
    response = api_client_for(None).get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and response.json()["detail"]


def test_a_bad_token_is_401(world, api_client_for):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_read_only_roles_get_a_reason(world, official, api_client_for):
    response = api_client_for(official).post(
        "/api/v1/obstacles/", {"region": "36.02"}, format="json"
    )
    assert response.status_code == 403
    assert "hanya boleh membaca" in response.json()["detail"]


def test_an_imported_line_is_not_editable_through_the_api(world, admin_user, api_client_for):
    line = world.lines["36.02"]
    line.origin = "import"
    line.save()
    response = api_client_for(admin_user).patch(
        f"/api/v1/budget-lines/{line.pk}/", {"pagu": "1.00"}, format="json"
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.pagu != 1
