import datetime

import factory

from devolve.regions.models import Batch, BatchMembership, Division, Zone


def prefecture(code: str = "510100") -> Division:
    """Prefectures come from the data migration, so every test database has Sichuan's 21."""
    return Division.objects.get(code=code)


class ZoneFactory(factory.django.DjangoModelFactory[Zone]):
    class Meta:
        model = Zone
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda number: f"zone-{number}")
    name_zh = factory.Sequence(lambda number: f"测试开发区{number}")
    name_en = factory.Sequence(lambda number: f"Test Zone {number}")
    kind = Zone.Kind.ETDZ
    level = Zone.Level.PROVINCIAL
    prefecture = factory.LazyFunction(prefecture)


class BatchFactory(factory.django.DjangoModelFactory[Batch]):
    class Meta:
        model = Batch
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda number: number + 1)
    starts_on = datetime.date(2023, 1, 1)


class BatchMembershipFactory(factory.django.DjangoModelFactory[BatchMembership]):
    class Meta:
        model = BatchMembership

    batch = factory.SubFactory(BatchFactory)
    zone = factory.SubFactory(ZoneFactory)
    joined_on = factory.LazyAttribute(lambda membership: membership.batch.starts_on)
