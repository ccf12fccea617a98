"""Tokens: obtained with username and password, created and revoked on /profil/."""

from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PASSWORD


def test_token_endpoint_gives_a_working_token(lebak_coordinator):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": lebak_coordinator.username,
                                                   "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json()["expiry"] and response["Cache-Control"] == "no-store"
    stored = AuthToken.objects.get(user=lebak_coordinator)
    assert stored.token_key == key[: len(stored.token_key)] and key not in stored.digest
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/regions/").status_code == 200


def test_token_endpoint_refuses_a_wrong_password(lebak_coordinator):
    response = APIClient().post("/api/v1/auth/token/", {"username": lebak_coordinator.username,
                                                        "password": "salah"}, format="json")
    assert response.status_code == 400
    assert "salah" in response.json()["detail"]
    assert not AuthToken.objects.filter(user=lebak_coordinator).exists()


def test_schema_and_docs_are_public_and_need_no_cdn(db):
    client = APIClient()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.json()
    assert {"tokenAuth", "cookieAuth"} <= set(body["components"]["securitySchemes"])
    summary = body["paths"]["/api/v1/budget-lines/summary/"]["get"]
    names = {p["name"] for p in summary["parameters"]}
    assert {"group_by", "fiscal_year", "region", "pillar", "format"} <= names
    listing = body["paths"]["/api/v1/interventions/"]["get"]
    assert {"format", "page", "page_size", "ordering", "region", "q"} <= {
        p["name"] for p in listing["parameters"]}
    assert {"400", "401", "403", "404", "429"} <= set(listing["responses"])
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()


def test_profile_page_creates_shows_once_lists_and_revokes(client, lebak_coordinator):
    client.force_login(lebak_coordinator)
    page = client.get("/profil/")
    assert page.status_code == 200 and "Token API" in page.content.decode()
    created = client.post("/profil/", {"action": "create"})
    assert "no-store" in created["Cache-Control"]
    html = created.content.decode()
    key = html.split('id="new-token" class="token">')[1].split("<")[0]
    stored = AuthToken.objects.get(user=lebak_coordinator)
    assert key.startswith(stored.token_key)
    again = client.get("/profil/").content.decode()
    assert key not in again and key[:8] in again
    second = client.post("/profil/", {"action": "create"})
    assert second.status_code == 200
    assert AuthToken.objects.filter(user=lebak_coordinator).count() == 2
    client.post("/profil/", {"action": "revoke", "token_key": stored.token_key})
    assert AuthToken.objects.filter(user=lebak_coordinator).count() == 1
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/regions/").status_code == 401
    client.post("/profil/", {"action": "revoke-all"})
    assert not AuthToken.objects.filter(user=lebak_coordinator).exists()


def test_profile_needs_login(client, db):
    response = client.get("/profil/")
    assert response.status_code == 302 and "/masuk/" in response["Location"]
