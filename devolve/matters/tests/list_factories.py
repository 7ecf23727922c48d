"""Factories for annual list editions, their entries and demand items, and the tables a list
service may touch (``LIST_MODELS``) for ``devolve.core.testing.database.assert_refused``."""

import datetime

import factory
from django.db import models

from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    ListEntry,
    ListEntrySubItem,
)
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.tests.factories import BatchFactory, ZoneFactory


def mode(code: str) -> AuthorizationMode:
    """Authorization modes come from the data migration."""
    return AuthorizationMode.objects.get(code=code)


class AnnualListFactory(factory.django.DjangoModelFactory[AnnualList]):
    class Meta:
        model = AnnualList

    year = 2024
    batch = factory.SubFactory(BatchFactory)
    edition = 1
    status = AnnualList.Status.DRAFT

    class Params:
        in_review = factory.Trait(status=AnnualList.Status.IN_REVIEW)
        approved = factory.Trait(
            status=AnnualList.Status.APPROVED,
            approved_on=datetime.date(2024, 3, 1),
            document_number="川改办〔2024〕1号",
        )
        published = factory.Trait(
            status=AnnualList.Status.PUBLISHED,
            approved_on=datetime.date(2024, 3, 1),
            published_on=datetime.date(2024, 3, 10),
            document_number="川改办〔2024〕1号",
        )
        superseded = factory.Trait(
            status=AnnualList.Status.SUPERSEDED,
            approved_on=datetime.date(2024, 3, 1),
            published_on=datetime.date(2024, 3, 10),
            superseded_on=datetime.date(2025, 3, 10),
            document_number="川改办〔2024〕1号",
        )


class ListEntryFactory(factory.django.DjangoModelFactory[ListEntry]):
    class Meta:
        model = ListEntry

    annual_list = factory.SubFactory(AnnualListFactory)
    sequence = factory.Sequence(lambda number: number + 1)
    matter = factory.SubFactory(MatterFactory)
    mode = factory.LazyFunction(lambda: mode("delegate"))
    granting_department = factory.LazyAttribute(lambda entry: entry.matter.competent_department)
    change = ListEntry.Change.ADDED


class DemandWindowFactory(factory.django.DjangoModelFactory[DemandWindow]):
    class Meta:
        model = DemandWindow

    year = 2024
    batch = factory.SubFactory(BatchFactory)
    opens_on = datetime.date(2023, 10, 1)
    closes_on = datetime.date(2023, 11, 30)


class DemandItemFactory(factory.django.DjangoModelFactory[DemandItem]):
    class Meta:
        model = DemandItem

    window = factory.SubFactory(DemandWindowFactory)
    origin = DemandItem.Origin.AREA_DEMAND
    zone = factory.SubFactory(ZoneFactory)
    matter = factory.SubFactory(MatterFactory)
    kind = DemandItem.Kind.POWER
    department = factory.LazyAttribute(lambda item: item.matter.competent_department)

    class Params:
        answered = factory.Trait(
            status=DemandItem.Status.ANSWERED, response=DemandItem.Response.AGREE
        )
        offer = factory.Trait(origin=DemandItem.Origin.DEPARTMENT_OFFER, zone=None)


LIST_MODELS: tuple[type[models.Model], ...] = (
    AnnualList,
    ListEntry,
    ListEntrySubItem,
    DemandItem,
    DemandWindow,
)
