"""Sessions: key rotated at login, idle and absolute timeouts, logout ends it
on the server; admin actions need an admin."""

import time

import pytest

from django.contrib.sessions.models import Session
from django.test import Client

from config.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY
from tests.conftest import PASSWORD


def _login(client, user):
    response = client.post("/masuk/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client.cookies["sessionid"].value


def _with_session(key):
    client = Client()
    client.cookies["sessionid"] = key
    return client


def _edit_session(key, **values):
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore(session_key=key)
    store.load()
    data = store.load()
    data.update(values)
    store._session_cache = data
    store.save()


@pytest.mark.django_db
def test_session_key_rotated_at_login(client, province_coordinator):
    client.get("/masuk/")
    client.session["prelogin"] = 1  # an anonymous session exists
    session = client.session
    session["prelogin"] = 1
    session.save()
    before = session.session_key
    after = _login(client, province_coordinator)
    assert before and after != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_absolute_lifetime_is_pinned_at_login(client, settings, province_coordinator):
    key = _login(client, province_coordinator)
    session = Session.objects.get(session_key=key)
    lifetime = (session.expire_date - session.expire_date.now(session.expire_date.tzinfo))
    assert abs(lifetime.total_seconds() - settings.SESSION_COOKIE_AGE) < 60
    # Activity does not extend it.
    client.get("/anggaran/baris/")
    assert Session.objects.get(session_key=key).expire_date == session.expire_date
    data = Session.objects.get(session_key=key).get_decoded()
    assert LOGIN_AT_KEY in data and LAST_SEEN_KEY in data


@pytest.mark.django_db
def test_absolute_timeout_ends_session(client, settings, province_coordinator):
    key = _login(client, province_coordinator)
    now = int(time.time())
    _edit_session(key, **{LOGIN_AT_KEY: now - settings.SESSION_COOKIE_AGE - 5,
                          LAST_SEEN_KEY: now})
    response = _with_session(key).get("/anggaran/baris/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_idle_timeout_ends_session(client, settings, province_coordinator):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    key = _login(client, province_coordinator)
    now = int(time.time())
    # 29 minutes idle: still in.
    _edit_session(key, **{LAST_SEEN_KEY: now - 29 * 60})
    assert _with_session(key).get("/anggaran/baris/").status_code == 200
    # 31 minutes idle: out, and the session row is gone.
    _edit_session(key, **{LAST_SEEN_KEY: now - 31 * 60})
    response = _with_session(key).get("/anggaran/baris/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert not Session.objects.filter(session_key=key).exists()
    assert _with_session(key).get("/anggaran/baris/").status_code == 302


@pytest.mark.django_db
def test_api_session_after_idle_timeout_is_refused(client, settings, province_coordinator):
    key = _login(client, province_coordinator)
    _edit_session(key, **{LAST_SEEN_KEY: int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5})
    assert _with_session(key).get("/api/v1/").status_code in (401, 403)


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(client, province_coordinator):
    key = _login(client, province_coordinator)
    stolen = _with_session(key)  # a copy of the cookie, e.g. stolen
    assert stolen.get("/anggaran/baris/").status_code == 200
    assert client.post("/keluar/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    response = stolen.get("/anggaran/baris/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


@pytest.mark.django_db
def test_admin_needs_an_admin(client_for, staff_non_admin, admin_user, demo_data):
    """A staff user who is not an admin by role sees and changes nothing."""
    from budgets.models import BudgetLine

    line = BudgetLine.objects.filter(region_id="36.02").first()
    staff = client_for(staff_non_admin)
    index = staff.get("/admin/")
    assert index.status_code == 200
    assert "budgetline" not in index.content.decode()
    for path in (
        "/admin/budgets/budgetline/",
        f"/admin/budgets/budgetline/{line.pk}/change/",
        "/admin/budgets/budgetline/add/",
        f"/admin/budgets/budgetline/{line.pk}/delete/",
        "/admin/regions/userscope/",
    ):
        assert staff.get(path).status_code == 403, path
    before = line.pagu
    response = staff.post(
        f"/admin/budgets/budgetline/{line.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.pagu == before
    response = staff.post(
        "/admin/budgets/budgetline/",
        {"action": "delete_selected", "_selected_action": [line.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    # The admin can.
    assert client_for(admin_user).get("/admin/budgets/budgetline/").status_code == 200
