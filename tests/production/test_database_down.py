"""PostgreSQL unreachable for a moment: a clear Indonesian 503, never a traceback."""

import json

import pytest

from django.db import InterfaceError, OperationalError
from django.test import Client

from .conftest import production_env, run_python

pytestmark = pytest.mark.django_db


def _down(monkeypatch, exc=OperationalError):
    def refuse(*args, **kwargs):
        raise exc("could not connect to server: Connection refused (10.1.2.3:5432)")

    monkeypatch.setattr(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", refuse
    )
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)


def _assert_503_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Layanan sementara tidak tersedia" in body
    assert "Traceback" not in body and "10.1.2.3" not in body
    assert "Content-Security-Policy" in response


def test_view_that_queries_gets_503_page(monkeypatch, client_for, province_coordinator):
    client = client_for(province_coordinator)
    client.get("/anggaran/baris/")  # warm: the session exists
    # The session and user load in middleware, the lines in the view: both paths.
    _down(monkeypatch)
    _assert_503_page(Client(raise_request_exception=False, **{}).get(
        "/anggaran/baris/", HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}"
    ))


def test_failure_inside_the_view_gets_503(monkeypatch, client_for, province_coordinator):
    client = client_for(province_coordinator)

    def refuse(**kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("budgets.selectors.budget_line_list", refuse)
    _assert_503_page(client.get("/anggaran/baris/"))


def test_api_gets_json_503(monkeypatch, client_for, province_coordinator):
    client = client_for(province_coordinator)
    cookie = client.cookies["sessionid"].value
    _down(monkeypatch)
    response = Client(raise_request_exception=False).get(
        "/api/v1/", HTTP_COOKIE=f"sessionid={cookie}"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    data = json.loads(response.content)
    assert data["code"] == "database_unavailable"
    assert "basis data" in data["detail"].lower()


def test_other_errors_still_500_without_traceback(
    monkeypatch, client_for, province_coordinator, settings
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address: the proxy
    client = client_for(province_coordinator)
    monkeypatch.setattr(
        "budgets.selectors.budget_line_list",
        lambda **kw: (_ for _ in ()).throw(RuntimeError("bug")),
    )
    c = Client(raise_request_exception=False)
    c.cookies = client.cookies
    response = c.get("/anggaran/baris/", headers={"X-Request-ID": "kejadian-9"})
    assert response.status_code == 500
    body = response.content.decode()
    assert "Terjadi kesalahan pada server" in body and "kejadian-9" in body
    assert "Traceback" not in body and "RuntimeError" not in body


@pytest.mark.slow
def test_closed_postgres_port_in_production_settings(collected_static):
    """A real process, production settings, DATABASE_URL at a closed port."""
    env = production_env(DATABASE_URL="postgres://tkpkd:x@127.0.0.1:1/tkpkd",
                         DATABASE_CONNECT_TIMEOUT=2, STATIC_ROOT=collected_static)
    code = """
import django, json
django.setup()
from django.test import Client
c = Client(raise_request_exception=False)
out = {}
for path in ("/", "/anggaran/baris/", "/api/v1/", "/masuk/", "/healthz"):
    r = c.get(path, secure=True, HTTP_COOKIE="sessionid=abcdefghijklmnopqrstuvwxyz012345")
    out[path] = [r.status_code, r.get("Retry-After"), r.get("Content-Type"), r.content.decode()]
r = c.get("/healthz")  # the load balancer: plain HTTP, no cookie
out["health"] = [r.status_code, r.content.decode()]
print(json.dumps(out))
"""
    result = run_python(code, env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    for path in ("/", "/anggaran/baris/", "/masuk/"):
        status, retry, ctype, body = out[path]
        assert status == 503, (path, status, body[:300])
        assert retry == "30" and ctype.startswith("text/html")
        assert "Layanan sementara tidak tersedia" in body and "Traceback" not in body
    status, retry, ctype, body = out["/api/v1/"]
    assert status == 503 and ctype == "application/json"
    assert out["/healthz"][0] == 503 and out["/healthz"][2] == "application/json"
    assert out["health"][0] == 503
    assert json.loads(out["health"][1])["checks"]["database"]["status"] == "error"
    # The failure is logged as JSON lines, with the request id.
    logged = []
    for line in result.stderr.splitlines():
        try:
            logged.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON log line: {line[:300]!r}") from None
    assert any(
        line["logger"] in {"tkpkd.database", "django.request"}
        and line.get("exc_type") == "OperationalError"
        and line["request_id"]
        for line in logged
    )
