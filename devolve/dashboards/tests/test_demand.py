"""Staff pages for the demand list: who may open them, each form's happy path, each refusal shown
with nothing written, and the list swapped in by HTMX."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.dashboards.tests.test_annual_lists import form_errors, url
from devolve.matters import services as demand_services
from devolve.matters.models import (
    AnnualList,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
)
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory

D = datetime.date


def writes() -> tuple[int, int, int, int]:
    return (
        DemandWindow.objects.count(),
        DemandItem.objects.count(),
        ListEntry.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def batch(pilot_area_user: User) -> Batch:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    BatchMembershipFactory(batch=batch, zone=pilot_area_user.zone, joined_on=D(2023, 1, 1))
    return batch


@pytest.fixture
def window(office_user: User, batch: Batch) -> DemandWindow:
    today = timezone.localdate()
    return demand_services.open_demand_window(
        year=today.year + 1,
        batch=batch,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        opened_by=office_user,
    )


@pytest.fixture
def law_firms(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice, name_en="Law firm approval")


@pytest.fixture
def item(window: DemandWindow, pilot_area_user: User, law_firms: Matter) -> DemandItem:
    """A pilot area's demand for a Department of Justice matter, not yet answered."""
    return demand_services.file_demand_item(
        window=window,
        zone=pilot_area_user.zone,
        kind="power",
        department=law_firms.competent_department,
        matter=law_firms,
        justification="Firms register here.",
        filed_by=pilot_area_user,
    )


@pytest.fixture
def answered(item: DemandItem, department_user: User) -> DemandItem:
    return demand_services.answer_demand_item(
        item=item, response="agree", answered_by=department_user
    )


@pytest.fixture
def draft(office_user: User, batch: Batch) -> AnnualList:
    return demand_services.create_annual_list(
        year=timezone.localdate().year + 1, batch=batch, created_by=office_user
    )


# Authorization matrix ---------------------------------------------------------------------------

SCOPED_READERS = {"office", "department", "other_department", "prefecture", "pilot_area", "auditor"}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("demand_item_list", SCOPED_READERS),
        ("demand_window_create", {"office"}),
        ("demand_item_create", {"office", "pilot_area"}),
        ("demand_item_offer", {"office", "department", "other_department"}),
    ],
)
def test_demand_pages_are_open_to_the_roles_that_use_them(
    client: Client, personas: dict[str, User | None], name: str, allowed: set[str]
) -> None:
    assert_authorization_matrix(client, personas, "get", url(name), allowed=allowed)


def test_answering_is_open_to_the_office_and_the_competent_department(
    client: Client, personas: dict[str, User | None], item: DemandItem
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "get",
        url("demand_item_answer", pk=item.pk),
        allowed={"office", "department"},
        not_found={"other_department"},
    )


def test_deciding_is_open_to_the_office_only(
    client: Client, personas: dict[str, User | None], answered: DemandItem
) -> None:
    assert_authorization_matrix(
        client, personas, "get", url("demand_item_decide", pk=answered.pk), allowed={"office"}
    )


def test_another_departments_item_is_not_found_and_nothing_changes(
    client: Client, other_department_user: User, item: DemandItem
) -> None:
    client.force_login(other_department_user)
    before = writes()

    response = client.post(url("demand_item_answer", pk=item.pk), {"response": "agree"})

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "submitted"
    assert writes() == before


def test_a_missing_item_is_404(client: Client, office_user: User) -> None:
    client.force_login(office_user)

    assert client.get(url("demand_item_answer", pk=999_999)).status_code == 404


# Windows ----------------------------------------------------------------------------------------


def test_the_office_opens_a_window(client: Client, office_user: User, batch: Batch) -> None:
    client.force_login(office_user)

    response = client.post(
        url("demand_window_create"),
        {"year": 2026, "batch": batch.number, "opens_on": "2025-09-01", "closes_on": "2025-10-31"},
    )

    assertRedirects(response, url("demand_item_list"))
    window = DemandWindow.objects.get()
    assert (window.year, window.batch, window.closes_on) == (2026, batch, D(2025, 10, 31))
    assert AuditEvent.objects.get(action="demand_window.opened").actor == office_user


def test_a_window_that_closes_before_it_opens_shows_why_and_writes_nothing(
    client: Client, office_user: User, batch: Batch
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("demand_window_create"),
        {"year": 2026, "batch": batch.number, "opens_on": "2025-09-01", "closes_on": "2025-08-31"},
    )

    assert form_errors(response) == {
        "__all__": ["A demand window closes on or after the day it opens."]
    }
    assert writes() == before


# Filing -----------------------------------------------------------------------------------------


def test_a_pilot_area_files_for_itself_whatever_zone_is_posted(
    client: Client, pilot_area_user: User, window: DemandWindow, law_firms: Matter
) -> None:
    client.force_login(pilot_area_user)

    response = client.post(
        url("demand_item_create"),
        {
            "window": window.pk,
            "zone": "some-other-zone",
            "matter": law_firms.pk,
            "kind": "power",
            "justification": "Firms register here.",
        },
    )

    assertRedirects(response, url("demand_item_list"))
    item = DemandItem.objects.get()
    assert (item.zone, item.matter, item.department, item.status) == (
        pilot_area_user.zone,
        law_firms,
        law_firms.competent_department,
        "submitted",
    )
    assert "zone" not in client.get(url("demand_item_create")).context["form"].fields


def test_a_described_matter_needs_its_department(
    client: Client, pilot_area_user: User, window: DemandWindow, finance: Department
) -> None:
    client.force_login(pilot_area_user)
    form = {"window": window.pk, "description": "Land-use quota approval", "kind": "power"}

    refused = client.post(url("demand_item_create"), form)
    assert form_errors(refused) == {
        "department": ["Choose the competent department, or a catalogue matter."]
    }
    assert DemandItem.objects.count() == 0

    client.post(url("demand_item_create"), {**form, "department": finance.pk})
    item = DemandItem.objects.get()
    assert (item.matter, item.description, item.department) == (
        None,
        "Land-use quota approval",
        finance,
    )


def test_filing_outside_the_window_shows_why_and_writes_nothing(
    client: Client, pilot_area_user: User, office_user: User, batch: Batch, law_firms: Matter
) -> None:
    closed = demand_services.open_demand_window(
        year=2024,
        batch=batch,
        opens_on=D(2023, 9, 1),
        closes_on=D(2023, 10, 31),
        opened_by=office_user,
    )
    client.force_login(pilot_area_user)
    before = writes()

    response = client.post(
        url("demand_item_create"), {"window": closed.pk, "matter": law_firms.pk, "kind": "power"}
    )

    assert form_errors(response) == {
        "__all__": [f"Demands for {closed} are accepted from 2023-09-01 to 2023-10-31."]
    }
    assert writes() == before


def test_the_office_files_on_an_areas_behalf(
    client: Client,
    office_user: User,
    pilot_area_user: User,
    window: DemandWindow,
    law_firms: Matter,
) -> None:
    client.force_login(office_user)

    client.post(
        url("demand_item_create"),
        {
            "window": window.pk,
            "zone": pilot_area_user.zone.slug,
            "matter": law_firms.pk,
            "kind": "power",
        },
    )

    assert DemandItem.objects.get().zone == pilot_area_user.zone


# Offers -----------------------------------------------------------------------------------------


def test_a_department_offers_its_own_matter(
    client: Client, department_user: User, window: DemandWindow, law_firms: Matter
) -> None:
    client.force_login(department_user)

    response = client.post(
        url("demand_item_offer"),
        {"window": window.pk, "matter": law_firms.pk, "justification": "Ready to hand over."},
    )

    assertRedirects(response, url("demand_item_list"))
    offer = DemandItem.objects.get()
    assert (offer.origin, offer.status, offer.response, offer.zone) == (
        "offer",
        "answered",
        "agree",
        None,
    )


def test_a_department_cannot_offer_another_departments_matter(
    client: Client, other_department_user: User, window: DemandWindow, law_firms: Matter
) -> None:
    client.force_login(other_department_user)
    before = writes()

    response = client.post(url("demand_item_offer"), {"window": window.pk, "matter": law_firms.pk})

    assert list(form_errors(response)) == ["matter"]
    assert writes() == before


# Answers ----------------------------------------------------------------------------------------


def test_the_department_agrees(client: Client, department_user: User, item: DemandItem) -> None:
    client.force_login(department_user)

    response = client.post(url("demand_item_answer", pk=item.pk), {"response": "agree"})

    assertRedirects(response, url("demand_item_list"))
    item.refresh_from_db()
    assert (item.status, item.response, item.responded_by) == ("answered", "agree", department_user)


@pytest.mark.parametrize("response_code", ["agree_in_part", "decline", "needs_higher"])
def test_anything_but_agreement_needs_a_reason(
    client: Client, department_user: User, item: DemandItem, response_code: str
) -> None:
    client.force_login(department_user)
    before = writes()

    response = client.post(url("demand_item_answer", pk=item.pk), {"response": response_code})

    assert form_errors(response) == {
        "reason": ["Give the reason (for a refusal, the legal basis)."]
    }
    item.refresh_from_db()
    assert item.status == "submitted"
    assert writes() == before


def test_declining_with_the_legal_reason(
    client: Client, department_user: User, item: DemandItem
) -> None:
    client.force_login(department_user)

    client.post(
        url("demand_item_answer", pk=item.pk),
        {"response": "decline", "reason": "The Lawyers Law reserves it to the province."},
    )

    item.refresh_from_db()
    assert (item.response, item.response_reason) == (
        "decline",
        "The Lawyers Law reserves it to the province.",
    )


# Decisions --------------------------------------------------------------------------------------


def test_the_office_accepts_into_a_draft_edition(
    client: Client, office_user: User, answered: DemandItem, draft: AnnualList
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("demand_item_decide", pk=answered.pk),
        {"decision": "accept", "annual_list": draft.pk, "reason": ""},
    )

    assertRedirects(response, url("demand_item_list"))
    answered.refresh_from_db()
    assert answered.status == "accepted"
    entry = ListEntry.objects.get()
    assert (entry.annual_list, entry.matter, entry.demand_item, entry.mode.code) == (
        draft,
        answered.matter,
        answered,
        "delegate",
    )
    assert list(entry.receiving_areas.all()) == [answered.zone]


def test_the_decision_offers_only_drafts_of_the_items_batch(
    client: Client, office_user: User, answered: DemandItem, draft: AnnualList
) -> None:
    other_batch = BatchFactory(number=2, starts_on=D(2024, 12, 2))
    demand_services.create_annual_list(year=2030, batch=other_batch, created_by=office_user)
    client.force_login(office_user)

    response = client.get(url("demand_item_decide", pk=answered.pk))

    assert list(response.context["form"].fields["annual_list"].queryset) == [draft]


def test_accepting_without_an_edition_is_refused_beside_the_edition(
    client: Client, office_user: User, answered: DemandItem, draft: AnnualList
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(url("demand_item_decide", pk=answered.pk), {"decision": "accept"})

    assert form_errors(response) == {"annual_list": ["Choose a draft edition of the same batch."]}
    answered.refresh_from_db()
    assert answered.status == "answered"
    assert writes() == before


def test_rejecting_needs_a_reason(client: Client, office_user: User, answered: DemandItem) -> None:
    client.force_login(office_user)
    before = writes()

    refused = client.post(url("demand_item_decide", pk=answered.pk), {"decision": "reject"})

    assert form_errors(refused) == {"reason": ["Say why the item is not accepted."]}
    assert writes() == before
    client.post(
        url("demand_item_decide", pk=answered.pk),
        {"decision": "reject", "reason": "Not in this year's priorities."},
    )
    answered.refresh_from_db()
    assert (answered.status, answered.decision_reason) == (
        "rejected",
        "Not in this year's priorities.",
    )


def test_deciding_before_the_department_answers_shows_why(
    client: Client, office_user: User, item: DemandItem
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("demand_item_decide", pk=item.pk), {"decision": "reject", "reason": "No."}
    )

    assert form_errors(response) == {
        "__all__": ["“Do not accept” is not possible while the status is “Submitted”."]
    }
    assert writes() == before


# The list and its HTMX partial ------------------------------------------------------------------


def test_each_role_sees_its_own_items(
    client: Client,
    item: DemandItem,
    department_user: User,
    other_department_user: User,
    pilot_area_user: User,
    prefecture_user: User,
) -> None:
    for user, expected in [
        (department_user, [item]),
        (other_department_user, []),
        (pilot_area_user, [item]),
        (prefecture_user, [item]),
    ]:
        client.force_login(user)
        table = client.get(url("demand_item_list")).context["table"]
        assert [row.record for row in table.rows] == expected


def test_the_department_sees_an_answer_link_and_the_office_a_decide_link(
    client: Client, office_user: User, department_user: User, answered: DemandItem
) -> None:
    client.force_login(department_user)
    assertContains(client.get(url("demand_item_list")), url("demand_item_answer", pk=answered.pk))
    client.force_login(office_user)
    assertContains(client.get(url("demand_item_list")), url("demand_item_decide", pk=answered.pk))


def test_filtering_with_htmx_returns_only_the_table(
    client: Client, office_user: User, item: DemandItem, window: DemandWindow, law_firms: Matter
) -> None:
    demand_services.offer_matter(window=window, matter=law_firms, offered_by=office_user)
    client.force_login(office_user)

    response = client.get(
        url("demand_item_list"),
        {"status": "submitted"},
        headers={"HX-Request": "true", "HX-Target": "demand-items-table"},
    )

    assert [row.record for row in response.context["table"].rows] == [item]
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="demand-items-table"')
    assert "<html" not in content


def test_the_staff_home_counts_items_to_answer_and_to_decide(
    client: Client,
    department_user: User,
    office_user: User,
    item: DemandItem,
    window: DemandWindow,
    law_firms: Matter,
) -> None:
    demand_services.offer_matter(window=window, matter=law_firms, offered_by=department_user)

    client.force_login(department_user)
    work = {w.key: w.count for w in client.get(url("dashboard_home")).context["pending_work"]}
    assert work["demand"] == 1  # the area's demand; the offer counts as answered
    client.force_login(office_user)
    work = {w.key: w.count for w in client.get(url("dashboard_home")).context["pending_work"]}
    assert work["demand"] == 1  # the offer awaits the office's decision
