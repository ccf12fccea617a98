"""pytest plugin: tests that need PostgreSQL, Redis or Chromium.

Loaded with ``-p tests.services`` (see pyproject.toml). A test marked ``postgres``,
``redis`` or ``browser`` whose service is missing is skipped, with the reason, on a
laptop; with ``TKPKD_REQUIRE_SERVICES=1`` (set by .ci/run) it fails instead, so CI
can never pass by skipping.

Fixtures and code that need a service call :func:`require` too, so a test that
uses them without the marker gets the same treatment.
"""

import functools
import importlib.util
import os
from pathlib import Path

import pytest

REQUIRE_ENV = "TKPKD_REQUIRE_SERVICES"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"


def services_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes"}


def redis_url_from_env() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH


def _postgres_unmet() -> str | None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return None
    return (
        "needs PostgreSQL: set DATABASE_URL=postgres://... "
        f"(the tests run on {connection.vendor})"
    )


@functools.cache
def _redis_unmet(url: str) -> str | None:
    try:
        import redis
    except ImportError:
        return "needs the redis package (pip install -e '.[dev]')"
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"needs Redis at {url}: {exc}"
    finally:
        client.close()
    return None


@functools.cache
def _browser_unmet(path: str) -> str | None:
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        return (
            f"needs Chromium at {path} (apt-get install chromium, or set CHROMIUM_PATH)"
        )
    if importlib.util.find_spec("playwright") is None:
        return "needs the playwright package (pip install -e '.[dev]')"
    return None


def unmet(service: str) -> str | None:
    """Why ``service`` is unavailable, or None when it is there."""
    if service == "postgres":
        return _postgres_unmet()
    if service == "redis":
        return _redis_unmet(redis_url_from_env())
    if service == "browser":
        return _browser_unmet(chromium_path())
    raise ValueError(f"unknown service {service!r}")


def require(service: str) -> None:
    """Skip the current test when ``service`` is missing, or fail it in CI."""
    reason = unmet(service)
    if reason is None:
        return
    if services_required():
        pytest.fail(f"{service}: {reason} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(f"{service}: {reason}")


SERVICES = ("postgres", "redis", "browser")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # tryfirst: decide before any fixture (database, browser) is set up.
    for service in SERVICES:
        if item.get_closest_marker(service) is not None:
            require(service)


@pytest.fixture
def redis_url() -> str:
    """URL of a reachable Redis for tests (REDIS_URL, default database 15)."""
    require("redis")
    return redis_url_from_env()
