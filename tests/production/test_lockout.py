"""Login lockout (django-axes plus config.lockout): a name at one address is
locked, a name attacked from everywhere is slowed down but its owner gets in,
an address is locked only after many names, behind a proxy each client counts
on its own. The cases the issue names are in tests/security/test_lockout.py."""

import pytest

from django.test import Client, RequestFactory

from config.middleware import client_ip
from tests.conftest import PASSWORD

LIMIT = 5


@pytest.fixture(autouse=True)
def _axes(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_IP_FAILURE_LIMIT = 20
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def _login(username, password, ip="203.0.113.10", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    client = Client(REMOTE_ADDR=ip)
    return client.post("/masuk/", {"username": username, "password": password}, headers=headers)


def _fail(username, times, **where):
    for _ in range(times):
        response = _login(username, "salah-sekali", **where)
        assert response.status_code in (200, 429)
    return response


@pytest.mark.django_db
def test_a_name_is_locked_at_the_address_that_failed(province_coordinator):
    username = province_coordinator.username
    _fail(username, LIMIT, ip="198.51.100.1")
    response = _login(username, PASSWORD, ip="198.51.100.1")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal" in body
    assert "30 menit" in body
    assert int(response["Retry-After"]) == 30 * 60
    assert "_auth_user_id" not in response.client.session


@pytest.mark.django_db
def test_ip_locked_after_failures_for_many_usernames(province_coordinator, lebak_coordinator):
    for n in range(20):
        _login(f"tebakan{n}", "salah", ip="203.0.113.50")
    # Another (valid) user from the same address is refused...
    blocked = _login(lebak_coordinator.username, PASSWORD, ip="203.0.113.50")
    assert blocked.status_code == 429
    # ...and can still log in from elsewhere: the username is not locked.
    elsewhere = _login(lebak_coordinator.username, PASSWORD, ip="203.0.113.51")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_then_success_resets(province_coordinator):
    username = province_coordinator.username
    _fail(username, LIMIT - 1)
    assert _login(username, PASSWORD).status_code == 302
    # The counter was reset by the success: LIMIT - 1 more failures do not lock.
    _fail(username, LIMIT - 1)
    assert _login(username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_clients_are_counted_separately(lebak_coordinator):
    """All requests arrive from the proxy 10.0.0.2: the attacker's failures lock
    the attacker's address, not everybody behind the proxy."""
    for n in range(20):
        _login(f"tebakan{n}", "salah", ip="10.0.0.2", forwarded="198.51.100.66")
    attacker = _login(lebak_coordinator.username, PASSWORD, ip="10.0.0.2",
                      forwarded="198.51.100.66")
    assert attacker.status_code == 429
    colleague = _login(lebak_coordinator.username, PASSWORD, ip="10.0.0.2",
                       forwarded="198.51.100.77")
    assert colleague.status_code == 302


@pytest.mark.django_db
def test_forwarded_for_from_an_untrusted_client_is_ignored(lebak_coordinator):
    """A client talking to us directly cannot dodge the per-IP lock by
    inventing a new X-Forwarded-For on every attempt."""
    for n in range(20):
        _login(f"tebakan{n}", "salah", ip="203.0.113.99", forwarded=f"192.0.2.{n}")
    response = _login(lebak_coordinator.username, PASSWORD, ip="203.0.113.99",
                      forwarded="192.0.2.200")
    assert response.status_code == 429


def test_client_ip_rules(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "127.0.0.1"]
    rf = RequestFactory()

    def ip(remote, forwarded=None):
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return client_ip(rf.get("/", REMOTE_ADDR=remote, headers=headers))

    assert ip("203.0.113.1") == "203.0.113.1"
    assert ip("203.0.113.1", "1.2.3.4") == "203.0.113.1"  # untrusted sender
    assert ip("10.0.0.2", "198.51.100.7") == "198.51.100.7"
    # The client wrote a fake left-most entry; our proxy appended the real one.
    assert ip("10.0.0.2", "6.6.6.6, 198.51.100.7") == "198.51.100.7"
    # Two trusted hops (load balancer 127.0.0.1 -> nginx 10.0.0.2).
    assert ip("127.0.0.1", "198.51.100.7, 10.0.0.2") == "198.51.100.7"
    assert ip("10.0.0.2", "bukan-ip") == "10.0.0.2"
    assert ip("10.0.0.2") == "10.0.0.2"


def test_password_validators_are_on(settings):
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= names
