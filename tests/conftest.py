"""Personas and clients shared by every test.

Personas follow the demo roles: an admin, a province coordinator (scope 36), a
Lebak coordinator (36.02), a Tangerang coordinator (36.03, the "other region"),
a Staf Data (36), a Pejabat (36), and an unscoped user who must see nothing.
"""

import pytest

from django.conf import settings

from regions.models import Level, Region, Role
from regions.services import user_scope_set

PASSWORD = "tkpkd-test-pass"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and other cached state never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _project_celery_app():
    """The portal's Celery app is the current one in every test: a test that runs
    a throwaway app's worker (celery.contrib.testing) leaves that app current, and
    the shared tasks would then be sent to its memory broker, never run."""
    from config.celery import app

    app.set_current()
    yield
    app.set_current()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reference_data():
    """Pillars, strategy focuses and strategies, as the data migration seeds them.

    Transactional tests flush every table when they end (migration data too);
    tests that run after one, or that need the rows committed, ask for this.
    """
    from programs.models import Pillar, Strategy, StrategyFocus
    from programs.reference import reference_ensure

    reference_ensure(pillar_model=Pillar, focus_model=StrategyFocus, strategy_model=Strategy)


@pytest.fixture
def banten(db):
    """The Banten tree the tests need: province, 3 kab/kota, a kecamatan and a desa."""
    rows = [
        ("36", "Banten", Level.PROVINSI),
        ("36.01", "Kabupaten Pandeglang", Level.KABUPATEN),
        ("36.02", "Kabupaten Lebak", Level.KABUPATEN),
        ("36.03", "Kabupaten Tangerang", Level.KABUPATEN),
        ("36.02.01", "Malingping", Level.KECAMATAN),
        ("36.02.01.2001", "Malingping Utara", Level.DESA),
        ("36.03.01", "Balaraja", Level.KECAMATAN),
        ("36.03.01.2001", "Saga", Level.DESA),
    ]
    regions = {}
    for code, name, level in rows:
        regions[code], _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "parent_id": code.rsplit(".", 1)[0] if "." in code else None,
            },
        )
    return regions


def _persona(django_user_model, username, role=None, region=None, **extra):
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, **extra
    )
    if role:
        user_scope_set(user=user, role=role, region_code=region)
    return user


@pytest.fixture
def admin_user(django_user_model, banten):
    return _persona(
        django_user_model, "t.admin", Role.ADMIN, "36", is_staff=True, is_superuser=True
    )


@pytest.fixture
def province_coordinator(django_user_model, banten):
    return _persona(django_user_model, "t.koordinator.provinsi", Role.KOORDINATOR, "36")


@pytest.fixture
def lebak_coordinator(django_user_model, banten):
    return _persona(django_user_model, "t.koordinator.lebak", Role.KOORDINATOR, "36.02")


@pytest.fixture
def tangerang_coordinator(django_user_model, banten):
    return _persona(django_user_model, "t.koordinator.tangerang", Role.KOORDINATOR, "36.03")


@pytest.fixture
def data_staff(django_user_model, banten):
    return _persona(django_user_model, "t.staf.data", Role.STAF_DATA, "36")


@pytest.fixture
def official(django_user_model, banten):
    return _persona(django_user_model, "t.pejabat", Role.PEJABAT, "36")


@pytest.fixture
def unscoped_user(django_user_model, banten):
    return _persona(django_user_model, "t.tanpa.lingkup")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client logged in as that user."""

    def make(user):
        from django.test import Client

        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def demo_data(db):
    """The full demo data set (regions of Banten, users, lines, roadmap...)."""
    from django.core.management import call_command

    call_command("load_regions", prefix="36", verbosity=0)
    from budgets.demo import demo_seed

    return demo_seed()


def pytest_configure(config):
    # Never read settings at import time elsewhere; this only checks the test run.
    assert settings.TIME_ZONE == "Asia/Jakarta"
