"""Controls that tell the truth: for every edition status and every role that opens the edition,
the page and the API offer exactly the actions the services accept, and those are the ones the
programme's lifecycle names (written out by hand below)."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.errors import DomainError
from devolve.grants import services as grant_services
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, Department, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

D = datetime.date
STATES = ["draft", "in_review", "approved", "published", "superseded"]
READERS = ["office", "auditor"]  # everyone else is refused the page (see test_annual_lists.py)

# From the programme: the office drafts, submits, returns, approves and publishes; entries change
# only in a draft; the next edition is derived from the published one. Auditors only read.
EXPECTED = {
    ("office", "draft"): {"edit_entries", "submit"},
    ("office", "in_review"): {"return", "approve"},
    ("office", "approved"): {"publish"},
    ("office", "published"): {"derive"},
    ("office", "superseded"): set(),
}

TEST_IDS = {
    "edit_entries": "entry-create",
    "submit": "edition-submit",
    "return": "edition-return",
    "approve": "edition-approve",
    "publish": "edition-publish",
    "derive": "edition-derive",
}


class Rollback(Exception):
    """Undoes a service call that succeeded: only whether it was accepted matters here."""


@pytest.fixture
def batch(db: None) -> Batch:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    BatchMembershipFactory(batch=batch, zone=ZoneFactory(slug="east"), joined_on=D(2023, 1, 1))
    return batch


def _approve(annual_list: AnnualList, user: User, on: datetime.date) -> None:
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=user)
    list_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=user,
        approved_on=on,
        document_number="川改办〔2025〕1号",
    )


def _edition_in(state: str, office_user: User, batch: Batch, justice: Department) -> AnnualList:
    edition = list_services.create_annual_list(year=2025, batch=batch, created_by=office_user)
    list_services.add_list_entry(
        annual_list=edition,
        matter=MatterFactory(competent_department=justice),
        mode=AuthorizationMode.objects.get(code="delegate"),
        granting_department=justice,
        added_by=office_user,
    )
    if state == "in_review":
        list_services.submit_annual_list_for_review(annual_list=edition, submitted_by=office_user)
    if state in {"approved", "published", "superseded"}:
        _approve(edition, office_user, D(2025, 3, 1))
    if state in {"published", "superseded"}:
        grant_services.publish_annual_list(
            annual_list=edition, published_on=D(2025, 3, 2), published_by=office_user
        )
    if state == "superseded":
        successor = list_services.derive_annual_list(
            predecessor=edition, year=2026, created_by=office_user
        )
        _approve(successor, office_user, D(2026, 3, 1))
        grant_services.publish_annual_list(
            annual_list=successor, published_on=D(2026, 3, 2), published_by=office_user
        )
    edition.refresh_from_db()
    assert edition.status == state
    return edition


def _calls(matter: Matter, justice: Department) -> dict[str, Callable[[AnnualList, User], object]]:
    """One service call per action, with valid input, so only status and role decide."""
    return {
        "edit_entries": lambda edition, user: list_services.add_list_entry(
            annual_list=edition,
            matter=matter,
            mode=AuthorizationMode.objects.get(code="delegate"),
            granting_department=justice,
            added_by=user,
        ),
        "submit": lambda edition, user: list_services.submit_annual_list_for_review(
            annual_list=edition, submitted_by=user
        ),
        "return": lambda edition, user: list_services.return_annual_list_to_draft(
            annual_list=edition, returned_by=user, reason="The legal basis needs checking."
        ),
        "approve": lambda edition, user: list_services.approve_annual_list(
            annual_list=edition,
            approved_by=user,
            approved_on=D(2027, 1, 5),
            document_number="川改办〔2027〕2号",
        ),
        "publish": lambda edition, user: grant_services.publish_annual_list(
            annual_list=edition, published_on=D(2027, 1, 6), published_by=user
        ),
        "derive": lambda edition, user: list_services.derive_annual_list(
            predecessor=edition, year=2027, created_by=user
        ),
    }


def _accepted(edition: AnnualList, user: User, justice: Department) -> set[str]:
    accepted = set()
    for action, call in _calls(MatterFactory(competent_department=justice), justice).items():
        try:
            with transaction.atomic():
                call(AnnualList.objects.get(pk=edition.pk), user)
                raise Rollback
        except Rollback:
            accepted.add(action)
        except DomainError:
            pass
    return accepted


def _offered_on_page(client: Client, user: User, edition: AnnualList) -> set[str]:
    client.force_login(user)
    with translation.override("en"):
        page = reverse("dashboards:annual_list_detail", kwargs={"pk": edition.pk})
    html = client.get(page).content.decode()
    return {action for action, test_id in TEST_IDS.items() if f'data-testid="{test_id}"' in html}


def _offered_by_api(client: Client, user: User, edition: AnnualList) -> set[str]:
    client.force_login(user)
    response = client.get(f"/api/v1/annual-lists/{edition.key}/")
    assert response.status_code == 200
    return set(response.json()["actions"])


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("state", STATES)
def test_offered_actions_are_the_accepted_ones(
    client: Client,
    personas: dict[str, User | None],
    office_user: User,
    batch: Batch,
    justice: Department,
    state: str,
    role: str,
) -> None:
    edition = _edition_in(state, office_user, batch, justice)
    user = personas[role]
    assert user is not None

    on_page = _offered_on_page(client, user, edition)
    by_api = _offered_by_api(client, user, edition)
    accepted = _accepted(edition, user, justice)

    expected = EXPECTED.get((role, state), set())
    assert (on_page, by_api, accepted) == (expected, expected, expected)


def test_the_public_is_offered_nothing(client: Client, office_user: User, batch: Batch,
                                       justice: Department) -> None:  # fmt: skip
    edition = _edition_in("published", office_user, batch, justice)
    response = client.get(f"/api/v1/annual-lists/{edition.key}/")
    assert response.json()["actions"] == []


@pytest.mark.parametrize(
    ("state", "submitter_offered", "other_offered"),
    [("in_review", {"return"}, {"return", "approve"}), ("approved", set(), {"publish"})],
)
def test_under_four_eyes_the_submitter_is_offered_neither_approval_nor_publication(
    settings: Any,
    client: Client,
    office_user: User,
    batch: Batch,
    justice: Department,
    state: str,
    submitter_offered: set[str],
    other_offered: set[str],
) -> None:
    edition = _edition_in(state, office_user, batch, justice)  # office_user submitted it
    settings.DEVOLVE_FOUR_EYES = True
    second = UserFactory(username="office2", role=User.Role.OFFICE)

    for user, expected in ((office_user, submitter_offered), (second, other_offered)):
        offered = (
            _offered_on_page(client, user, edition),
            _offered_by_api(client, user, edition),
            _accepted(edition, user, justice),
        )
        assert offered == (expected, expected, expected)
