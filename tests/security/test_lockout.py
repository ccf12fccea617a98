"""The login lockout cannot be turned against users (issue 13):

- one user's wrong passwords never lock out another user, at the same
  address or elsewhere;
- failures for a name from other addresses slow it down (progressive delays)
  but cannot keep its owner out;
- a lock is not renewed by further tries;
- the token endpoint answers the documented 429 for a locked name, even
  with the right password.
"""

import datetime as dt

import pytest

from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LIMIT = 5
OFFICE = "203.0.113.10"  # a government office: everyone behind one NAT


@pytest.fixture(autouse=True)
def _axes(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_IP_FAILURE_LIMIT = 100
    settings.LOGIN_DELAY_MAX_SECONDS = 60
    settings.TRUSTED_PROXIES = []


def login(username, password, ip=OFFICE):
    return Client(REMOTE_ADDR=ip).post(
        "/masuk/", {"username": username, "password": password}
    )


def token(username, password, ip=OFFICE):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/", {"username": username, "password": password},
        content_type="application/json",
    )


def age_failures(seconds):
    """Move every recorded failure back in time (instead of sleeping)."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - dt.timedelta(seconds=seconds)
    )


def test_12_wrong_passwords_by_one_user_leave_every_other_user_of_that_address_able_to_log_in(
    province_coordinator, lebak_coordinator, tangerang_coordinator, official
):
    for _ in range(12):
        login(province_coordinator.username, "salah-ketik")
    for other in (lebak_coordinator, tangerang_coordinator, official):
        assert login(other.username, PASSWORD).status_code == 302, other.username
        assert token(other.username, PASSWORD).status_code == 200, other.username


def test_one_users_failures_never_lock_another_user_elsewhere(
    province_coordinator, lebak_coordinator
):
    for _ in range(12):
        login(province_coordinator.username, "salah-ketik")
    assert login(lebak_coordinator.username, PASSWORD, ip="198.51.100.9").status_code == 302


def test_a_name_locked_at_one_address_still_logs_in_from_its_own(lebak_coordinator):
    name = lebak_coordinator.username
    assert login(name, PASSWORD).status_code == 302  # the owner, at the office
    for _ in range(LIMIT):
        login(name, "tebakan", ip="192.0.2.66")
    assert login(name, PASSWORD, ip="192.0.2.66").status_code == 429
    # The owner at the office, where the name logged in before, is not delayed.
    assert login(name, PASSWORD).status_code == 302


def test_failures_from_many_addresses_slow_the_name_down_but_cannot_keep_its_owner_out(
    lebak_coordinator,
):
    name = lebak_coordinator.username
    # The owner has logged in from the office before.
    assert login(name, PASSWORD).status_code == 302
    # An attacker tries from 30 addresses, a few times each.
    for n in range(30):
        for _ in range(2):
            login(name, "tebakan", ip=f"192.0.2.{n + 1}")
    # A stranger's try for the name now waits (progressive delay, capped).
    slowed = login(name, PASSWORD, ip="198.51.100.200")
    assert slowed.status_code == 429
    assert 1 <= int(slowed["Retry-After"]) <= 60
    assert "Tunggu" in slowed.content.decode()
    # The owner, from the address the name logged in from, gets in at once.
    assert login(name, PASSWORD).status_code == 302
    # And from a new address, once the capped delay has passed.
    age_failures(61)
    assert login(name, PASSWORD, ip="198.51.100.201").status_code == 302


def test_delays_grow_with_the_failures_and_are_capped(lebak_coordinator):
    from config.lockout import name_delay

    name = lebak_coordinator.username
    seen = []
    for n in range(LIMIT + 8):
        age_failures(120)  # past any delay: this try is checked and fails
        login(name, "tebakan", ip=f"192.0.2.{n + 1}")
        age_failures(0)
        seen.append(name_delay(name, "198.51.100.1"))
    assert seen[: LIMIT - 1] == [0] * (LIMIT - 1)
    assert seen[LIMIT - 1 : LIMIT + 3] == [1, 2, 4, 8]
    assert max(seen) == 60


def test_a_lock_is_not_renewed_by_tries_during_it(lebak_coordinator):
    from axes.models import AccessAttempt

    name = lebak_coordinator.username
    for _ in range(LIMIT):
        login(name, "tebakan", ip="192.0.2.7")
    locked_at = AccessAttempt.objects.get(username=name).attempt_time
    for _ in range(5):
        assert login(name, "tebakan", ip="192.0.2.7").status_code == 429
    assert AccessAttempt.objects.get(username=name).attempt_time == locked_at


def test_token_endpoint_answers_429_for_a_locked_name_even_with_the_right_password(
    lebak_coordinator,
):
    name = lebak_coordinator.username
    for _ in range(LIMIT - 1):
        assert token(name, "salah", ip="192.0.2.8").status_code == 400
    assert token(name, "salah", ip="192.0.2.8").status_code == 429  # the one that locks
    response = token(name, PASSWORD, ip="192.0.2.8")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out" and "Terlalu banyak percobaan" in body["detail"]
    assert int(response["Retry-After"]) > 0


def test_the_per_address_limit_fits_an_office_and_is_documented(settings):
    from pathlib import Path

    assert settings.AXES_IP_FAILURE_LIMIT >= 100
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "AXES_IP_FAILURE_LIMIT" in readme
