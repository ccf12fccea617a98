"""Every URL of the project, requested anonymously: a redirect to a login page
or 401/403, except an explicit allow-list. URLs added later are swept too."""

import pytest

from django.conf import settings
from django.test import Client

from .urlsweep import all_routes

# URL names anyone may reach, and why.
PUBLIC_NAMES = {
    "login": "the login page",
    "logout": "logging out needs no login (POST only)",
    "healthz": "the load balancer's health check, no secrets in it",
    "set_language": "the language switch of the login page",
    "admin:login": "the admin's login page",
    "admin:logout": "logging out of the admin",
    "api-token": "trades a username and password for an API token, like the login page",
}
# Names containing these words are the API schema and its documentation pages.
PUBLIC_NAME_WORDS = ("schema", "swagger", "redoc", "docs")
# Patterns reachable only with DEBUG on (Django's media serving in development).
DEBUG_ONLY_PREFIXES = (settings.MEDIA_URL.lstrip("/"),)

LOGIN_PREFIXES = ("/masuk/", "/admin/login/")


def _public(route) -> bool:
    name = route.name or ""
    if name in PUBLIC_NAMES:
        return True
    short = name.rsplit(":", 1)[-1]
    return any(word in short for word in PUBLIC_NAME_WORDS)


def _refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code in (301, 302):
        location = response["Location"]
        return any(location.startswith(prefix) for prefix in LOGIN_PREFIXES)
    return False


def test_every_pattern_gets_a_sample_path():
    """A pattern the sweep cannot fill would escape it: name it here instead."""
    unfilled = [
        route.pattern
        for route in all_routes()
        if route.path is None and not route.pattern.startswith(DEBUG_ONLY_PREFIXES)
    ]
    assert not unfilled, f"no sample path for: {unfilled}"


@pytest.mark.django_db
def test_anonymous_requests_are_sent_to_login_or_refused(banten):
    client = Client(raise_request_exception=False)
    leaks = []
    checked = 0
    for route in all_routes():
        if route.path is None or _public(route):
            continue
        if route.pattern.startswith(DEBUG_ONLY_PREFIXES):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(route.path)
            checked += 1
            if response.status_code == 405:
                continue  # the method does not exist here: nothing to leak
            if not _refused(response):
                leaks.append(
                    f"{method.upper()} {route.path} ({route.name}) -> "
                    f"{response.status_code} {response.get('Location', '')}"
                )
    assert checked > 100  # the admin alone has more: the sweep really ran
    assert not leaks, "anonymous access:\n" + "\n".join(leaks)


@pytest.mark.django_db
def test_public_pages_answer_anonymously(banten):
    client = Client()
    assert client.get("/masuk/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin/login/").status_code == 200


def test_allow_list_names_exist():
    names = {route.name for route in all_routes()}
    for name in ("login", "logout", "healthz", "set_language"):
        assert name in names
