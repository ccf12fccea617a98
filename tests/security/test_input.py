"""Control characters are cleaned where text enters; nested or huge JSON gets
the API's 400 answer, never a 500."""

import json

import pytest

from core.parsers import max_depth
from core.text import clean_text, export_text

pytestmark = pytest.mark.django_db


def test_clean_text_turns_word_line_breaks_into_newlines_and_drops_the_rest():
    assert clean_text("Banjir\x0bbandang\x0cdi\x00 Lebak\x1f\x7f\x85") == "Banjir\nbandang\ndi Lebak"
    assert clean_text("tab\tbaris\nCR\r") == "tab\tbaris\nCR\r"
    assert clean_text("\ud800ganjil") == "ganjil"


def test_export_text_shows_leftovers_and_defuses_formulas():
    assert export_text("a\x01b") == "a\ufffdb"
    assert export_text("=1+1") == "'=1+1"
    assert export_text("=1+1", plain_cells=True) == "=1+1"
    assert export_text("a\r\n=b", one_line=True) == "a =b"


@pytest.mark.parametrize("depth", [100, 5000, 100_000])
def test_deeply_nested_json_is_a_400_even_anonymously(client, depth):
    body = "[" * depth + "]" * depth
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "bersarang terlalu dalam" in response.json()["detail"]


def test_nested_json_to_a_write_endpoint_is_a_400(client_for, lebak_coordinator):
    body = '{"name": ' + "{" * 3000 + "}" * 3000 + "}"
    response = client_for(lebak_coordinator).post(
        "/api/v1/obstacles/", body, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_huge_json_is_a_400(client, settings):
    settings.API_MAX_JSON_BYTES = 10_000
    body = json.dumps({"username": "x" * 20_000, "password": "y"})
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "terlalu besar" in response.json()["detail"]


def test_a_huge_integer_is_a_400(client):
    body = '{"username": "a", "password": ' + "9" * 10_000 + "}"
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400


def test_depth_counter_ignores_brackets_in_strings():
    assert max_depth('{"a": "[[[[[[[[", "b": [1, {"c": "\\"]]]"}]}', 32) == 3


def test_json_strings_are_cleaned(lebak_coordinator, api_client_for, banten):
    from roadmap.models import Obstacle

    client = api_client_for(lebak_coordinator)
    response = client.post(
        "/api/v1/obstacles/",
        {"region": "36.02", "title": "Data\x0bganda\x00", "description": "a\x01b",
         "category": "data", "fiscal_year": 2024, "status": "terbuka"},
        format="json",
    )
    assert response.status_code == 201, response.content
    obstacle = Obstacle.objects.get(pk=response.json()["id"])
    assert obstacle.title == "Data\nganda" and obstacle.description == "ab"


def test_form_posts_and_query_strings_are_cleaned(client_for, lebak_coordinator, banten):
    from roadmap.models import Obstacle

    client = client_for(lebak_coordinator)
    response = client.post(
        "/hambatan/tambah/",
        {"region": "36.02", "title": "Jalan\x0brusak\x00", "description": "x\x1fy",
         "category": "data", "fiscal_year": 2024, "status": "terbuka"},
    )
    assert response.status_code in (200, 302)
    obstacle = Obstacle.objects.filter(region_id="36.02").order_by("-pk").first()
    assert obstacle is not None and obstacle.title == "Jalan\nrusak"
    # A NUL in a query parameter name or value: a page, not a 500.
    assert client.get("/hambatan/?q%00=%00x&status=\x0b").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/dasbor/unduh/hambatan/?%0B=1",
        "/api/v1/obstacles/?format=xlsx&%0Bx%01=1",
        "/api/v1/budget-lines/?format=csv&%00=%00",
        "/api/v1/budget-lines/summary/?format=xlsx&group_by=pillar&%0B=%0B",
    ],
)
def test_a_control_character_in_a_download_parameter_name_is_no_500(
    client_for, province_coordinator, url
):
    assert client_for(province_coordinator).get(url).status_code == 200


def test_the_refusal_is_in_english_when_asked(client):
    body = "[" * 200 + "]" * 200
    response = client.post(
        "/api/v1/auth/token/", body, content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
