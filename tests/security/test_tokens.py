"""API tokens are stored hashed, expire, and the page showing one is never cached."""

import datetime as dt
import importlib
import types

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from django.db import connection
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _new_token(user):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    return response


def test_a_token_is_stored_hashed(lebak_coordinator):
    key = _new_token(lebak_coordinator).json()["token"]
    stored = AuthToken.objects.get(user=lebak_coordinator)
    assert key != stored.digest and key not in stored.digest
    assert len(stored.token_key) < len(key)  # only a prefix, to find it


def test_a_token_expires_after_the_configured_days(lebak_coordinator, settings):
    response = _new_token(lebak_coordinator)
    expiry = AuthToken.objects.get(user=lebak_coordinator).expiry
    assert (expiry - timezone.now()).days in (29, 30)  # default: 30 days
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/regions/").status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/regions/").status_code == 401


def test_the_token_lifetime_is_a_setting(lebak_coordinator, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": dt.timedelta(days=2)}
    _new_token(lebak_coordinator)
    expiry = AuthToken.objects.get(user=lebak_coordinator).expiry
    assert dt.timedelta(days=1) < expiry - timezone.now() <= dt.timedelta(days=2)


def test_pages_and_answers_that_show_a_secret_are_not_cached(client_for, lebak_coordinator):
    page = client_for(lebak_coordinator).post("/profil/", {"action": "create"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'id="new-token"' in page.content.decode()
    assert "no-store" in _new_token(lebak_coordinator)["Cache-Control"]


@pytest.mark.parametrize("header", ["Token \xff\xfe", "Token a b", "Token", "Token " + "x" * 5000])
def test_a_malformed_token_header_is_a_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/regions/").status_code == 401


def test_the_migration_revokes_tokens_stored_in_clear(db):
    migration = importlib.import_module("core.migrations.0001_revoke_clear_tokens")
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)"
        )
        cur.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef', 1)")
    # The migration only runs SQL on the editor's connection; a stand-in editor
    # lets the test run inside its transaction on SQLite too (SQLite's own schema
    # editor refuses to open inside one).
    editor = types.SimpleNamespace(
        connection=connection, execute=lambda sql: connection.cursor().execute(sql)
    )
    migration.drop_clear_tokens(None, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
