"""X-Request-ID is believed only from TRUSTED_PROXIES and only in a safe shape;
otherwise the portal makes its own, and that is what the change history gets."""

import pytest

pytestmark = pytest.mark.django_db

HOSTILE = [
    "x" * 65,
    "id with spaces",
    "<script>alert(1)</script>",
    "abc\u200b123",
    "-leading-dash",
    "a/../../etc",
    "a;b",
]


def test_an_untrusted_client_cannot_choose_its_request_id(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    response = client.get("/masuk/", headers={"X-Request-ID": "pilihan-penyerang"})
    assert response["X-Request-ID"] != "pilihan-penyerang"
    assert len(response["X-Request-ID"]) == 32


def test_a_trusted_proxy_request_id_is_kept(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    rid = "4f1c2a9e0b7d4e3f8a6b5c4d3e2f1a0b"
    assert client.get("/masuk/", headers={"X-Request-ID": rid})["X-Request-ID"] == rid


@pytest.mark.parametrize("value", HOSTILE)
def test_a_malformed_request_id_from_the_proxy_is_replaced(client, settings, value):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    made = client.get("/masuk/", headers={"X-Request-ID": value})["X-Request-ID"]
    assert made != value and len(made) == 32 and made.isalnum()


def test_the_change_history_gets_the_portal_id_not_the_client_one(
    client_for, lebak_coordinator, settings
):
    from audit.models import AuditRecord

    settings.TRUSTED_PROXIES = []
    client = client_for(lebak_coordinator)
    response = client.post(
        "/profil/", {"action": "create"}, headers={"X-Request-ID": "palsu-dari-klien"}
    )
    assert response.status_code == 200
    ids = set(AuditRecord.objects.values_list("request_id", flat=True))
    assert ids and "palsu-dari-klien" not in ids
