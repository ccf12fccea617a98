"""Security headers on every answer: CSP, HSTS (DEBUG off), nosniff, frames, request id."""

import pytest

from django.test import override_settings


@pytest.mark.django_db
def test_content_security_policy_on_pages_and_api(client, client_for, province_coordinator):
    for response in (
        client.get("/masuk/"),
        client_for(province_coordinator).get("/"),
        client.get("/api/v1/"),
        client.get("/tidak-ada/"),
    ):
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";")
        )
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["img-src"] == "'self' data:"
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client, client_for, demo_data):
    """What the CSP forbids is not in our markup (the browser test checks too)."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="koordinator.provinsi")
    html = client_for(admin).get("/").content.decode() + client.get("/masuk/").content.decode()
    assert " style=" not in html
    assert " onchange=" not in html and " onclick=" not in html
    assert "<script>" not in html  # only <script src=...>


@pytest.mark.django_db
def test_view_with_its_own_policy_is_left_alone(rf):
    from django.http import HttpResponse

    from config.middleware import ContentSecurityPolicyMiddleware

    def view(request):
        response = HttpResponse("ok")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_request_id_header_is_echoed_from_the_proxy_or_made(client, settings):
    made = client.get("/masuk/")["X-Request-ID"]
    assert len(made) == 32
    # The test client talks from 127.0.0.1: a proxy only once it is trusted.
    assert client.get("/masuk/", headers={"X-Request-ID": "abc-123"})["X-Request-ID"] != "abc-123"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    echoed = client.get("/masuk/", headers={"X-Request-ID": "abc-123"})["X-Request-ID"]
    assert echoed == "abc-123"


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_hsts_https_redirect_and_secure_cookies_when_production(client, province_coordinator):
    from tests.conftest import PASSWORD

    plain = client.get("/masuk/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    health = client.get("/healthz")  # the load balancer polls over plain HTTP
    assert health.status_code == 200
    response = client.get("/masuk/", headers={"X-Forwarded-Proto": "https"})
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    login = client.post(
        "/masuk/",
        {"username": province_coordinator.username, "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert login.status_code == 302
    session_cookie = login.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
