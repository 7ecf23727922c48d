"""Registry admin: read-only for every role; history only for the office and auditors."""

import datetime
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)


@pytest.fixture
def zone(db: None) -> Zone:
    return ZoneFactory(slug="admin-zone", name_zh="管理开发区")


@pytest.fixture
def registry_records(zone: Zone) -> dict[str, models.Model]:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    return {
        "division": prefecture("510100"),
        "zone": zone,
        "batch": batch,
        "batchmembership": BatchMembershipFactory(batch=batch, zone=zone),
    }


def _admin_url(record: models.Model, action: str) -> str:
    return reverse(
        f"admin:regions_{record._meta.model_name}_{action}",
        args=[record.pk] if action != "add" else None,
    )


def _field_values(record: models.Model) -> dict[str, Any]:
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


POST_CHANGES: dict[str, dict[str, Any]] = {
    "division": {"code": "510100", "level": "prefecture", "name_zh": "改名", "name_en": "Renamed"},
    "zone": {"slug": "admin-zone", "name_zh": "改名", "name_en": "Renamed", "kind": "etdz"},
    "batch": {"number": "1", "starts_on": "2020-01-01"},
    "batchmembership": {"joined_on": "2020-01-01"},
}


@pytest.mark.parametrize("persona", ["office", "department", "auditor"])
@pytest.mark.parametrize("model_name", ["division", "zone", "batch", "batchmembership"])
def test_registry_change_post_is_refused_and_changes_nothing(
    client: Client,
    personas: dict[str, User | None],
    registry_records: dict[str, models.Model],
    persona: str,
    model_name: str,
) -> None:
    record = registry_records[model_name]
    before = _field_values(record)
    history_before = record.history.count()
    client.force_login(personas[persona])

    response = client.post(_admin_url(record, "change"), POST_CHANGES[model_name])

    assert response.status_code == 403
    record.refresh_from_db()
    assert _field_values(record) == before
    assert record.history.count() == history_before
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("model", [Division, Zone, Batch, BatchMembership])
def test_registry_add_form_is_refused_to_the_office(
    client: Client, office_user: User, model: type[models.Model]
) -> None:
    count_before = model._default_manager.count()
    client.force_login(office_user)

    response = client.post(reverse(f"admin:regions_{model._meta.model_name}_add"), {})

    assert response.status_code == 403
    assert model._default_manager.count() == count_before


def test_registry_records_are_shown_read_only(
    client: Client, office_user: User, zone: Zone
) -> None:
    client.force_login(office_user)

    response = client.get(_admin_url(zone, "change"))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert response.context["original"] == zone


def test_registry_records_cannot_be_deleted_in_the_admin(
    client: Client, office_user: User, zone: Zone
) -> None:
    client.force_login(office_user)

    response = client.post(_admin_url(zone, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert Zone.objects.filter(pk=zone.pk).exists() is True


def test_zone_changelist_lists_every_zone_for_a_department(
    client: Client, department_user: User, zone: Zone
) -> None:
    other_zone = ZoneFactory(slug="other-zone")
    client.force_login(department_user)

    response = client.get(reverse("admin:regions_zone_changelist"))

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {zone, other_zone}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 200), ("auditor", 200), ("department", 403), ("other_department", 403)],
)
def test_zone_history_is_shown_to_office_and_auditor_only(
    client: Client, personas: dict[str, User | None], zone: Zone, persona: str, status: int
) -> None:
    client.force_login(personas[persona])

    response = client.get(_admin_url(zone, "history"))

    assert response.status_code == status
