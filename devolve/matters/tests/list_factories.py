"""Factories for annual list editions, their entries and demand items, and a helper that takes a
picture of the tables a service may touch, so a refused call can be shown to have written
nothing."""

import datetime
from collections.abc import Callable
from typing import Any

import factory
import pytest
from django.apps import apps
from django.db import models

from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent
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


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


def database_state(*tracked: type[models.Model]) -> dict[str, Any]:
    """Every row of each tracked model, how many history rows it has, every row of its
    many-to-many tables, and how many audit events exist: equal before and after a refused call
    exactly when the call wrote nothing."""
    state: dict[str, Any] = {"audit events": AuditEvent.objects.count()}
    for model in tracked:
        label = model._meta.label
        state[label] = _rows(model)
        history = getattr(model, "history", None)
        if history is not None:
            state[f"{label} history"] = history.count()
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            state[f"{label}.{field.name}"] = _rows(through)
    if ListEntry in tracked:
        historical_areas = apps.get_model("matters", "HistoricalListEntry_receiving_areas")
        state["matters.ListEntry.receiving_areas history"] = historical_areas.objects.count()
    return state


def assert_refused(
    code: str, call: Callable[[], object], *tracked: type[models.Model]
) -> DomainError:
    """``call`` raises a ``DomainError`` with ``code`` and leaves every tracked table as it was."""
    before = database_state(*tracked)
    with pytest.raises(DomainError) as caught:
        call()
    if caught.value.code != code:
        raise AssertionError(f"code {caught.value.code!r} ({caught.value}), not {code!r}")
    after = database_state(*tracked)
    changed = sorted(key for key in before if before[key] != after[key])
    if changed:
        raise AssertionError(f"a refused call changed {', '.join(changed)}")
    return caught.value


LIST_MODELS: tuple[type[models.Model], ...] = (
    AnnualList,
    ListEntry,
    ListEntrySubItem,
    DemandItem,
    DemandWindow,
)
