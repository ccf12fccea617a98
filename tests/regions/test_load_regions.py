import pytest

from django.core.management import call_command

from regions.models import Level, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    call_command("load_regions", verbosity=0)


def test_it_loads_every_province_and_kabupaten_kota(loaded):
    assert Region.objects.filter(level=Level.PROVINSI).count() == 38
    assert Region.objects.filter(level__in=[Level.KABUPATEN, Level.KOTA]).count() == 514


def test_it_loads_banten_down_to_desa(loaded):
    banten = Region.objects.filter(code__startswith="36.")
    assert banten.filter(level=Level.KECAMATAN).count() == 155
    assert banten.filter(level=Level.KELURAHAN).count() == 314
    assert banten.filter(level=Level.DESA).count() == 1238


def test_each_region_hangs_under_its_parent(loaded):
    desa = Region.objects.get(code="36.01.01.2001")
    assert desa.parent.code == "36.01.01"
    assert desa.parent.parent.parent.code == "36"
    assert Region.objects.get(code="36.71").level == Level.KOTA


def test_population_and_area_are_kept(loaded):
    lebak = Region.objects.get(code="36.02")
    assert lebak.name == "Kabupaten Lebak"
    assert lebak.population and lebak.area_km2


def test_running_it_twice_changes_nothing(loaded, capsys):
    before = list(Region.objects.order_by("code").values_list())
    call_command("load_regions")
    assert "0 baru, 0 diubah" in capsys.readouterr().out
    assert list(Region.objects.order_by("code").values_list()) == before


def test_prefix_loads_one_province(db):
    call_command("load_regions", prefix="36", verbosity=0)
    assert Region.objects.exclude(code__startswith="36").count() == 0
    assert Region.objects.filter(code__startswith="36.").count() == 8 + 155 + 314 + 1238


def test_subtree_is_one_query(loaded, django_assert_num_queries):
    from regions.selectors import region_descendants

    with django_assert_num_queries(1):
        count = region_descendants(code="36.02").count()
    assert count == 1 + 28 + 5 + 340
