"""Production settings: ``check --deploy`` passes, static files collect, pages render."""

import json

import pytest

from .conftest import production_env, run_manage, run_python

pytestmark = pytest.mark.slow


def test_check_deploy_passes_with_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_loudly_with_debug_on():
    # The guard works: the same check with DEBUG on reports it.
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(DEBUG="1")
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_missing_secret_key_refuses_to_start():
    env = production_env()
    env.pop("SECRET_KEY")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_collectstatic_and_pages_render_with_debug_off(tmp_path):
    """collectstatic (manifest + compression) works, and with DEBUG off the
    login page and the error pages render through whitenoise with hashed names."""
    env = production_env(STATIC_ROOT=tmp_path / "static")
    result = run_manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "css/portal.css" in manifest["paths"]
    assert "js/portal.js" in manifest["paths"]
    assert list((tmp_path / "static" / "css").glob("portal.*.css.gz")), "no compressed copy"

    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert run_manage("migrate", "--noinput", env=env).returncode == 0
    code = """
import django, json
django.setup()
from django.test import Client
from django.conf import settings
c = Client(raise_request_exception=False)
out = {}
r = c.get("/masuk/", secure=True)
out["login"] = [r.status_code, r.content.decode()]
r = c.get("/tidak-ada/", secure=True)
out["404"] = [r.status_code, r.content.decode()]
css = [l for l in out["login"][1].split('"') if l.startswith("/static/css/portal.")][0]
r = c.get(css, secure=True)
out["css"] = [r.status_code, css, r.get("Cache-Control", "")]
r = c.get("/masuk/")
out["plain_http"] = [r.status_code, r.get("Location", "")]
out["debug"] = settings.DEBUG
print(json.dumps(out))
"""
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["debug"] is False
    assert out["login"][0] == 200
    assert "Masuk ke Portal TKPKD" in out["login"][1]
    assert out["404"][0] == 404
    assert "Halaman tidak ditemukan" in out["404"][1]
    status, css_url, cache_control = out["css"]
    # Hashed file name served by whitenoise with a far-future cache header.
    assert status == 200
    assert css_url != "/static/css/portal.css"
    assert "max-age" in cache_control
    # Plain HTTP is redirected to HTTPS.
    assert out["plain_http"][0] == 301
    assert out["plain_http"][1].startswith("https://")
