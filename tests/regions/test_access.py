import pytest

from regions import access

pytestmark = pytest.mark.django_db


def test_lebak_coordinator_changes_lebak_and_below(lebak_coordinator):
    assert access.can_change(lebak_coordinator, "36.02")
    assert access.can_change(lebak_coordinator, "36.02.01.2001")


def test_lebak_coordinator_cannot_change_or_read_tangerang(lebak_coordinator):
    assert not access.can_change(lebak_coordinator, "36.03")
    assert not access.can_read(lebak_coordinator, "36.03.01")
    assert not access.can_change(lebak_coordinator, "36")


def test_a_code_that_only_shares_a_prefix_is_not_under_the_scope(lebak_coordinator):
    assert not access.can_read(lebak_coordinator, "36.021")


def test_province_scope_reads_all_of_banten(official):
    assert access.can_read(official, "36.03.01.2001")
    assert not access.can_change(official, "36.03")


def test_province_coordinator_changes_everything_in_banten(province_coordinator):
    assert access.can_change(province_coordinator, "36.74")
    assert not access.can_change(province_coordinator, "32")


def test_data_staff_imports_but_does_not_edit(data_staff):
    assert access.can_import(data_staff, "36.02")
    assert not access.can_change(data_staff, "36.02")


def test_an_unscoped_user_sees_nothing(unscoped_user, banten):
    from regions.models import Region

    assert not access.can_read(unscoped_user, "36")
    assert access.readable_regions(unscoped_user).count() == 0
    assert Region.objects.count() > 0


def test_anonymous_sees_nothing(banten):
    from django.contrib.auth.models import AnonymousUser

    assert not access.can_read(AnonymousUser(), "36")


def test_readable_regions_is_one_prefix_query(lebak_coordinator, django_assert_num_queries):
    access.access_for(lebak_coordinator)
    with django_assert_num_queries(1):
        codes = list(access.readable_regions(lebak_coordinator).values_list("code", flat=True))
    assert codes == ["36.02", "36.02.01", "36.02.01.2001"]
