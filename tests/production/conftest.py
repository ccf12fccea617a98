"""Fixtures of the production-readiness tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "k" * 20 + "-prod-like-secret-" + "Zq8#pL2@" * 6


def production_env(**extra) -> dict:
    """Environment variables of a production-like deployment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="portal.tkpkd.bantenprov.go.id,testserver",
        CSRF_TRUSTED_ORIGINS="https://portal.tkpkd.bantenprov.go.id",
        DATABASE_URL="sqlite:////tmp/tkpkd-prod-test-unused.sqlite3",
        LOG_FORMAT="json",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_python(code: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_manage(*args: str, env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def staff_non_admin(django_user_model, banten):
    """A staff user whose role is not admin (a koordinator with is_staff set)."""
    from regions.models import Role
    from regions.services import user_scope_set

    from ..conftest import PASSWORD

    user = django_user_model.objects.create_user(
        username="t.staf.bukan.admin", password=PASSWORD, is_staff=True
    )
    user_scope_set(user=user, role=Role.KOORDINATOR, region_code="36.02")
    return user


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT after ``collectstatic`` with production settings (once per run)."""
    root = tmp_path_factory.mktemp("static")
    result = run_manage("collectstatic", "--noinput", env=production_env(STATIC_ROOT=root))
    assert result.returncode == 0, result.stderr
    return root
