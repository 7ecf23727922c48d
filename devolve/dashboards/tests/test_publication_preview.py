"""Publishing you can trust: the staff page and the API show what publishing does first, a power
recalled from an area is granted again only with a reason (or left out), and publishing needs
the confirmation of a preview that still holds."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.grants import services as grant_services
from devolve.grants.models import Grant
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, Department, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.models import Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

D = datetime.date


def url(name: str, **kwargs: object) -> str:
    with translation.override("en"):
        return reverse(f"dashboards:{name}", kwargs=kwargs)


def _approve(annual_list: AnnualList, user: User, on: datetime.date) -> None:
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=user)
    list_services.approve_annual_list(
        annual_list=annual_list, approved_by=user, approved_on=on, document_number="川改办〔1〕1号"
    )


@pytest.fixture
def dazhou(db: None) -> Zone:
    return ZoneFactory(slug="dazhou", name_en="Dazhou park")


@pytest.fixture
def design_review(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_en="Design scheme review")


@pytest.fixture
def next_edition(
    office_user: User, justice: Department, dazhou: Zone, design_review: Matter
) -> AnnualList:
    """2025, approved, derived from 2024, whose design-review grant to Dazhou was recalled."""
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    BatchMembershipFactory(batch=batch, zone=dazhou, joined_on=D(2023, 1, 1))
    first = list_services.create_annual_list(year=2024, batch=batch, created_by=office_user)
    list_services.add_list_entry(
        annual_list=first,
        matter=design_review,
        mode=AuthorizationMode.objects.get(code="delegate"),
        granting_department=justice,
        added_by=office_user,
    )
    _approve(first, office_user, D(2024, 3, 1))
    grant_services.publish_annual_list(
        annual_list=first, published_on=D(2024, 3, 2), published_by=office_user
    )
    grant_services.recall_grant(
        grant=Grant.objects.get(),
        recalled_on=D(2024, 9, 15),
        reason="The audit found schemes approved without expert review.",
        recalled_by=office_user,
    )
    second = list_services.derive_annual_list(predecessor=first, year=2025, created_by=office_user)
    _approve(second, office_user, D(2025, 3, 1))
    return second


def test_the_preview_page_warns_of_the_recalled_power_and_publishes_nothing(
    client: Client, office_user: User, next_edition: AnnualList, design_review: Matter
) -> None:
    client.force_login(office_user)
    response = client.get(
        url("annual_list_publish", pk=next_edition.pk), {"published_on": "2025-03-02"}
    )

    assertContains(response, 'data-count="regrants">1<')
    assertContains(response, f'data-regrant="{design_review.key}@dazhou"')
    assertContains(response, "The audit found schemes approved without expert review.")
    assert AnnualList.objects.get(pk=next_edition.pk).status == "approved"


def _form(client: Client, edition: AnnualList, **extra: str) -> dict[str, str]:
    page = client.get(url("annual_list_publish", pk=edition.pk), {"published_on": "2025-03-02"})
    fingerprint = page.context["plan"].fingerprint
    return {"published_on": "2025-03-02", "preview": fingerprint, "confirm": "on", **extra}


def test_publishing_without_a_reason_for_the_regrant_is_refused_on_the_page(
    client: Client, office_user: User, next_edition: AnnualList
) -> None:
    client.force_login(office_user)
    events = AuditEvent.objects.count()

    response = client.post(
        url("annual_list_publish", pk=next_edition.pk), _form(client, next_edition)
    )

    assert response.status_code == 200
    assert "regrant" not in response.context["form"].errors
    (message,) = response.context["form"].non_field_errors()
    assert "give a reason to grant each again, or leave it out" in message
    assert (AnnualList.objects.get(pk=next_edition.pk).status, AuditEvent.objects.count()) == (
        "approved",
        events,
    )


def test_publishing_without_the_confirmation_is_refused(
    client: Client, office_user: User, next_edition: AnnualList, design_review: Matter
) -> None:
    client.force_login(office_user)
    form = _form(client, next_edition, **{f"leave_out__{design_review.key}@dazhou": "on"})
    del form["confirm"]

    response = client.post(url("annual_list_publish", pk=next_edition.pk), form)

    assert list(response.context["form"].errors) == ["confirm"]
    assert AnnualList.objects.get(pk=next_edition.pk).status == "approved"


def test_a_reason_publishes_the_regrant_and_records_why(
    client: Client,
    office_user: User,
    next_edition: AnnualList,
    design_review: Matter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(office_user)
    reason = "The park rebuilt its review team (川自然资〔2025〕4号)."
    form = _form(client, next_edition, **{f"reason__{design_review.key}@dazhou": reason})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("annual_list_publish", pk=next_edition.pk), form)

    assertRedirects(response, url("annual_list_detail", pk=next_edition.pk))
    regranted = Grant.objects.get(entry__annual_list=next_edition)
    event = AuditEvent.objects.get(action="grant.regranted")
    assert (event.target_id, event.reason) == (str(regranted.pk), reason)


def test_the_preview_api_lists_the_regrant_for_the_office_only(
    client: Client,
    personas: dict[str, User | None],
    office_user: User,
    next_edition: AnnualList,
    design_review: Matter,
) -> None:
    path = f"/api/v1/annual-lists/{next_edition.key}/publication-preview/?published_on=2025-03-02"
    assert_authorization_matrix(
        client, personas, "get", path, allowed={"office"}, anonymous_status=401
    )

    client.force_login(office_user)
    body = client.get(path).json()

    assert (body["edition"], body["published_on"], len(body["fingerprint"])) == (
        "2025/batch-1",
        "2025-03-02",
        64,
    )
    assert (body["created"], body["continued"], body["ended"]) == (
        [
            {
                "key": f"{design_review.key}@dazhou",
                "matter": design_review.key,
                "matter_name": str(design_review),
                "zone": "dazhou",
                "zone_name": str(Zone.objects.get(slug="dazhou")),
                "continues_grant": None,
            }
        ],
        [],
        [],
    )
    (regrant,) = body["regrants"]
    assert (regrant["key"], regrant["recalled_on"], regrant["recall_reason"]) == (
        f"{design_review.key}@dazhou",
        "2024-09-15",
        "The audit found schemes approved without expert review.",
    )


def test_the_publish_api_takes_the_preview_and_the_decision_per_regrant(
    client: Client,
    office_user: User,
    next_edition: AnnualList,
    design_review: Matter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(office_user)
    base = f"/api/v1/annual-lists/{next_edition.key}"
    preview = client.get(f"{base}/publication-preview/?published_on=2025-03-02").json()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{base}/publish/",
            {
                "published_on": "2025-03-02",
                "preview": preview["fingerprint"],
                "left_out": [f"{design_review.key}@dazhou"],
            },
            content_type="application/json",
        )

    assert response.status_code == 202
    assert client.get(response["Location"]).json()["status"] == "published"
    assert not Grant.objects.filter(entry__annual_list=next_edition).exists()
