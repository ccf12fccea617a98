import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_the_official_sees_the_2024_province_figures(demo_data, client):
    client.login(username="pejabat", password="tkpkd-demo")
    html = client.get("/").content.decode()
    assert "Rp1.700.000.000.000" in html
    assert "Rp1,7 triliun" in html
    assert 'data-testid="opd-count">9<' in html
    assert 'data-testid="uptd-count">9<' in html
    assert "-22,7%" in html


def test_the_lebak_coordinator_sees_lebak_only(demo_data, client):
    client.login(username="koordinator.lebak", password="tkpkd-demo")
    html = client.get("/").content.decode()
    assert "Kabupaten Lebak" in html
    assert "Rp1.700.000.000.000" not in html
    assert "Kota Cilegon" not in html


def test_an_unscoped_user_is_told_why_nothing_shows(unscoped_user, client_for):
    html = client_for(unscoped_user).get("/").content.decode()
    assert "belum memiliki peran" in html


def test_a_wrong_password_gets_an_indonesian_message(demo_data, client):
    response = client.post("/masuk/", {"username": "pejabat", "password": "salah-sandi"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_the_line_list_never_shows_another_region(demo_data, client):
    client.login(username="koordinator.lebak", password="tkpkd-demo")
    response = client.get("/anggaran/baris/?region=36.03")
    assert response.context["page"].paginator.count == 0
    other = client.get("/anggaran/baris/").context["page"].object_list
    assert {line.region_id for line in other} == {"36.02"}


def test_a_line_of_another_region_is_not_found(demo_data, client):
    from budgets.models import BudgetLine

    client.login(username="koordinator.lebak", password="tkpkd-demo")
    other = BudgetLine.objects.filter(region_id="36.03").first()
    assert client.get(f"/anggaran/baris/{other.pk}/").status_code == 404


def test_pages_stay_indonesian_whatever_the_browser_language(demo_data, client):
    client.login(username="pejabat", password="tkpkd-demo")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Rp1,7 triliun" in html


def test_the_language_switcher_turns_english_on(demo_data, client):
    client.login(username="pejabat", password="tkpkd-demo")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Rp1.7 trillion" in html
