from decimal import Decimal

import pytest

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.codes import ancestors, level_of
from budgets.models import BudgetLine, Nomenclature
from tests.factories import BudgetLineFactory

GOOD = [
    ("urusan", "1"),
    ("bidang", "1.06"),
    ("program", "1.06.05"),
    ("kegiatan", "1.06.05.2.02"),
    ("sub_kegiatan", "1.06.05.2.02.0001"),
    ("sub_kegiatan", "1.06.05.2.02.01"),
]
BAD = [
    ("urusan", "12"),
    ("bidang", "1.6"),
    ("bidang", "1.06.05"),
    ("program", "1.06.5"),
    ("kegiatan", "1.06.05.02.02"),
    ("kegiatan", "1.06.05.2"),
    ("sub_kegiatan", "1.06.05.2.02.1"),
    ("sub_kegiatan", "1.06.05.2.02.00001"),
    ("sub_kegiatan", "1.06.02.1.01"),
    ("sub_kegiatan", "1.06.05.2.02.000A"),
]


@pytest.mark.parametrize(("level", "code"), GOOD)
def test_it_accepts_well_formed_codes_of_every_level(db, level, code):
    node = Nomenclature(fiscal_year=2024, level=level, code=code, name="x")
    node.full_clean()
    assert level_of(code) == level


@pytest.mark.parametrize(("level", "code"), BAD)
def test_it_refuses_malformed_codes_with_an_indonesian_message(db, level, code):
    node = Nomenclature(fiscal_year=2024, level=level, code=code, name="x")
    with pytest.raises(ValidationError) as info:
        node.full_clean()
    assert "berformat" in str(info.value)


def test_ancestors_of_a_sub_kegiatan():
    assert ancestors("1.06.05.2.02.0001") == [
        ("urusan", "1"),
        ("bidang", "1.06"),
        ("program", "1.06.05"),
        ("kegiatan", "1.06.05.2.02"),
    ]


def test_the_same_code_may_name_different_things_in_two_years(db):
    Nomenclature.objects.create(fiscal_year=2023, level="program", code="1.06.05", name="A")
    Nomenclature.objects.create(fiscal_year=2024, level="program", code="1.06.05", name="B")
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomenclature.objects.create(fiscal_year=2024, level="program", code="1.06.05", name="C")


def test_a_budget_line_natural_key_is_unique(banten):
    line = BudgetLineFactory()
    duplicate = BudgetLine(
        fiscal_year=line.fiscal_year, stage=line.stage, region=line.region, unit=line.unit,
        sub_unit=line.sub_unit, sub_kegiatan=line.sub_kegiatan,
        funding_source=line.funding_source, account=line.account,
        pagu=Decimal("5"),
    )
    with pytest.raises(ValidationError) as info:
        duplicate.full_clean()
    assert "sudah ada" in str(info.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_another_stage_is_another_line(banten):
    line = BudgetLineFactory()
    BudgetLineFactory(unit=line.unit, sub_kegiatan=line.sub_kegiatan, stage="pergeseran-01")
    assert BudgetLine.objects.count() == 2


def test_negative_pagu_is_refused(banten):
    line = BudgetLineFactory.build(pagu=Decimal("-1"))
    line.unit.save()
    line.sub_unit = line.unit
    with pytest.raises(ValidationError) as info:
        line.full_clean(exclude=["sub_kegiatan", "funding_source", "account"])
    assert "negatif" in str(info.value) or "0" in str(info.value)
    existing = BudgetLineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=existing.pk).update(pagu=Decimal("-1"))


def test_money_is_stored_exactly(banten):
    line = BudgetLineFactory(pagu=Decimal("1234567890123.45"))
    line.refresh_from_db()
    assert line.pagu == Decimal("1234567890123.45")
