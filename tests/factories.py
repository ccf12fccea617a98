"""One factory per model (factory_boy). Regions come from the ``banten`` fixture."""

from decimal import Decimal

import factory

from budgets.codes import account_group
from budgets.models import (
    Account,
    BudgetLine,
    FundingSource,
    LineOrigin,
    Nomenclature,
    Stage,
    Tag,
    TagSource,
    Unit,
    UnitKind,
)
from programs.models import Intervention, Pillar, Strategy
from roadmap.models import (
    Decision,
    Meeting,
    Obstacle,
    ObstacleCategory,
    Roadmap,
    RoadmapAction,
)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("region_id", "code")

    region_id = "36.02"
    code = factory.Sequence(lambda n: f"1.06.0.00.0.00.{n % 90 + 1:02d}.0000")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    kind = UnitKind.OPD


class NomenclatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomenclature
        django_get_or_create = ("fiscal_year", "level", "code")

    fiscal_year = 2024
    level = "sub_kegiatan"
    code = factory.Sequence(lambda n: f"1.06.05.2.02.{n % 9000 + 1:04d}")
    name = factory.Sequence(lambda n: f"Sub kegiatan uji {n}")


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource
        django_get_or_create = ("code",)

    code = "1.1"
    name = "Pendapatan Asli Daerah"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("code",)

    code = "5.1.06.01.01.0001"
    name = "Belanja Bantuan Sosial"
    group = factory.LazyAttribute(lambda o: account_group(o.code))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    fiscal_year = 2024
    stage = Stage.MURNI
    region_id = "36.02"
    unit = factory.SubFactory(UnitFactory, region_id=factory.SelfAttribute("..region_id"))
    sub_unit = factory.SelfAttribute("unit")
    sub_kegiatan = factory.SubFactory(
        NomenclatureFactory, fiscal_year=factory.SelfAttribute("..fiscal_year")
    )
    funding_source = factory.SubFactory(FundingSourceFactory)
    account = factory.SubFactory(AccountFactory)
    pagu = Decimal("1000000.00")
    realisasi = Decimal("0.00")
    origin = LineOrigin.MANUAL


def pillar(code="jaminan_sosial"):
    return Pillar.objects.get(code=code)


def strategy(code="pengurangan_beban"):
    return Strategy.objects.get(code=code)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    budget_line = factory.SubFactory(BudgetLineFactory)
    pillar = factory.LazyFunction(pillar)
    source = TagSource.PERSON
    reason = "uji"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    region_id = "36.02"
    fiscal_year = 2024
    name = factory.Sequence(lambda n: f"Intervensi uji {n}")
    pillar = factory.LazyFunction(pillar)


class RoadmapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roadmap
        django_get_or_create = ("region_id", "fiscal_year")

    region_id = "36.02"
    fiscal_year = 2024
    title = factory.Sequence(lambda n: f"Peta jalan uji {n}")


class RoadmapActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadmapAction

    roadmap = factory.SubFactory(RoadmapFactory)
    title = factory.Sequence(lambda n: f"Aksi uji {n}")
    target_year = 2024
    target_quarter = 2


class ObstacleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obstacle

    region_id = "36.02"
    fiscal_year = 2024
    title = factory.Sequence(lambda n: f"Hambatan uji {n}")
    category = ObstacleCategory.DATA


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    region_id = "36"
    title = "Rakor uji"
    date = factory.Faker("date_object")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Keputusan uji {n}")
