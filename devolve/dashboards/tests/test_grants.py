"""Staff pages for grants: who may open them, the timeline, each action's happy path and each
refusal shown with nothing written, and the views of what is owed and held."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.actors import SYSTEM
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import read_again
from devolve.dashboards.tests.test_annual_lists import form_errors, mode, url
from devolve.grants import services as grant_services
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, Department
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

D = datetime.date
TODAY = timezone.localdate
PUBLISHED_ON = D(2023, 3, 10)


def writes() -> tuple[list[tuple[int, str]], int, int]:
    """What any write would change: grant statuses, agreements, audit events."""
    return (
        list(Grant.objects.order_by("pk").values_list("pk", "status")),
        EntrustmentAgreement.objects.count(),
        AuditEvent.objects.count(),
    )


@dataclass
class Published:
    """The module's edition and the personas it names."""

    edition: AnnualList
    office_user: User
    pilot_area_user: User
    justice: Department


def _publish_edition(office_user: User, pilot_area_user: User, justice: Department) -> AnnualList:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    BatchMembershipFactory(batch=batch, zone=pilot_area_user.zone, joined_on=D(2023, 1, 1))
    annual_list = list_services.create_annual_list(year=2023, batch=batch, created_by=office_user)
    for code, matter in [
        ("entrust", MatterFactory(competent_department=justice, name_en="Legal aid")),
        ("delegate", MatterFactory(competent_department=justice, name_en="Law firms")),
        ("support", MatterFactory(support=True, competent_department=justice)),
    ]:
        list_services.add_list_entry(
            annual_list=annual_list,
            matter=matter,
            mode=mode(code),
            granting_department=justice,
            added_by=office_user,
        )
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=office_user)
    list_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=office_user,
        approved_on=D(2023, 3, 1),
        document_number="川改办〔2023〕1号",
    )
    return grant_services.publish_annual_list(
        annual_list=annual_list, published_on=PUBLISHED_ON, published_by=office_user
    )


@pytest.fixture(scope="module")
def _published_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[Published]:
    """The edition and the personas it names, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets them read again
    (``read_again``), so nothing one test does is seen by the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        office_user, pilot_area_user, justice = (
            make.office_user(),
            make.pilot_area_user(),
            make.justice(),
        )
        edition = _publish_edition(office_user, pilot_area_user, justice)
        yield Published(edition, office_user, pilot_area_user, justice)
        transaction.set_rollback(True)


@pytest.fixture
def published(_published_once: Published, db: None) -> Published:
    return read_again(_published_once)


@pytest.fixture
def edition(published: Published) -> AnnualList:
    """A 2023 edition published to the persona's pilot area (in Chengdu): an entrusted power, a
    delegated one and a support matter, all granted by the Department of Justice."""
    return published.edition


# The personas the edition names are the module's (the root conftest's would add others).
@pytest.fixture
def office_user(published: Published) -> User:
    return published.office_user


@pytest.fixture
def pilot_area_user(published: Published) -> User:
    return published.pilot_area_user


@pytest.fixture
def justice(published: Published) -> Department:
    return published.justice


def grant_of(code: str) -> Grant:
    return Grant.objects.get(entry__mode__code=code)


@pytest.fixture
def entrusted(edition: AnnualList) -> Grant:
    return grant_of("entrust")


@pytest.fixture
def delegated(edition: AnnualList) -> Grant:
    """Effective since 9 April 2023, its handover long overdue."""
    grant_services.activate_due_grants(on=D(2023, 4, 9), activated_by=SYSTEM)
    return grant_of("delegate")


def _agreement_form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "number": "川司委〔2023〕7号",
        "entrusted_body": "",
        "scope": ["acceptance", "review", "decision"],
        "signed_on": "2023-04-01",
        "starts_on": "2023-04-03",
        "ends_on": "2025-04-02",
        "document": "",
    }
    values.update(changes)
    return values


# Authorization matrix ---------------------------------------------------------------------------

MANAGERS = {"office", "department"}
HANDLERS = {"office", "department", "pilot_area"}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        (
            "grant_detail",
            {"office", "department", "pilot_area", "prefecture", "auditor", "evaluator"},
        ),
        ("grant_sign_agreement", MANAGERS),
        ("grant_record_handover", HANDLERS),
        ("grant_file_supervision", HANDLERS),
        ("grant_recall", MANAGERS),
    ],
)
def test_grant_pages_are_open_to_whoever_may_see_or_act_on_the_grant(
    client: Client,
    personas: dict[str, User | None],
    entrusted: Grant,
    name: str,
    allowed: set[str],
) -> None:
    assert_authorization_matrix(
        client, personas, "get", url(name, pk=entrusted.pk), allowed=allowed
    )


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("grant_owed_list", {"office", "department", "other_department"}),
        ("grant_held_list", {"office", "prefecture", "pilot_area", "auditor"}),
        ("grant_area_overview", {"office", "prefecture", "auditor"}),
    ],
)
def test_owed_and_held_views_are_open_to_the_roles_that_read_them(
    client: Client, personas: dict[str, User | None], name: str, allowed: set[str]
) -> None:
    assert_authorization_matrix(client, personas, "get", url(name), allowed=allowed)


def test_signing_by_another_department_is_refused_and_changes_nothing(
    client: Client, other_department_user: User, entrusted: Grant
) -> None:
    client.force_login(other_department_user)
    before = writes()

    response = client.post(url("grant_sign_agreement", pk=entrusted.pk), _agreement_form())

    assert response.status_code == 403
    assert writes() == before


def test_a_missing_grant_is_404(client: Client, office_user: User) -> None:
    client.force_login(office_user)

    assert client.get(url("grant_detail", pk=999_999)).status_code == 404


# Grant page and timeline ------------------------------------------------------------------------


def test_the_page_of_a_grant_awaiting_its_agreement(
    client: Client, department_user: User, entrusted: Grant
) -> None:
    client.force_login(department_user)

    response = client.get(url("grant_detail", pk=entrusted.pk))

    assertContains(response, 'data-status="awaiting_agreement"')
    steps = [(step.key, step.on) for step in response.context["timeline"].milestones]
    assert steps == [("published", PUBLISHED_ON), ("effective", None)]
    actions = response.context["actions"]
    assert (actions.sign_agreement, actions.record_handover, actions.recall) == (True, False, True)
    assertContains(response, url("grant_sign_agreement", pk=entrusted.pk))


def test_the_timeline_follows_agreement_handover_supervision_and_recall(
    client: Client, office_user: User, entrusted: Grant
) -> None:
    grant_services.sign_entrustment_agreement(
        grant=entrusted,
        number="川司委〔2023〕7号",
        signed_on=D(2023, 4, 1),
        starts_on=D(2023, 4, 3),
        ends_on=D(2025, 4, 2),
        signed_by=office_user,
    )
    grant_services.record_handover(
        grant=entrusted, handed_over_on=D(2023, 5, 4), recorded_by=office_user
    )
    grant_services.file_supervision_measures(
        grant=entrusted, filed_on=D(2023, 5, 10), document="川司监〔2023〕2号", filed_by=office_user
    )
    grant_services.recall_grant(
        grant=entrusted, recalled_on=D(2024, 1, 5), reason="Audit finding.", recalled_by=office_user
    )
    client.force_login(office_user)

    response = client.get(url("grant_detail", pk=entrusted.pk))

    timeline = response.context["timeline"]
    due = Grant.objects.get(pk=entrusted.pk).handover_due_on
    assert due == D(2023, 5, 17)  # 30 working days from 3 April, Labour Day holidays skipped
    assert [(step.key, step.on) for step in timeline.milestones] == [
        ("published", PUBLISHED_ON),
        ("agreement-signed", D(2023, 4, 1)),
        ("effective", D(2023, 4, 3)),
        ("handed-over", D(2023, 5, 4)),
        ("supervision-filed", D(2023, 5, 10)),
        ("handover-due", due),
        ("recalled", D(2024, 1, 5)),
        ("agreement-ends", D(2025, 4, 2)),
    ]
    assert [event.action for event in timeline.events] == [
        "agreement.signed",
        "grant.effective",
        "grant.handed_over",
        "grant.supervision_filed",
        "grant.recalled",
    ]
    assertContains(response, "Audit finding.")
    assert not response.context["actions"].any


def test_a_provisional_handover_date_is_marked(
    client: Client, pilot_area_user: User, delegated: Grant
) -> None:
    Grant.objects.filter(pk=delegated.pk).update(handover_due_is_provisional=True)
    client.force_login(pilot_area_user)

    response = client.get(url("grant_detail", pk=delegated.pk))

    assertContains(response, "data-provisional")
    assertContains(response, "provisional")
    assert response.context["overdue"] is True


# Agreement --------------------------------------------------------------------------------------


def test_signing_the_agreement_makes_the_grant_effective(
    client: Client, department_user: User, entrusted: Grant
) -> None:
    client.force_login(department_user)

    response = client.post(
        url("grant_sign_agreement", pk=entrusted.pk),
        _agreement_form(scope=["acceptance", "review"]),
    )

    assertRedirects(response, url("grant_detail", pk=entrusted.pk))
    entrusted.refresh_from_db()
    assert (entrusted.status, entrusted.effective_on) == ("effective", D(2023, 4, 3))
    agreement = EntrustmentAgreement.objects.get()
    assert (agreement.covers_acceptance, agreement.covers_review, agreement.covers_decision) == (
        True,
        True,
        False,
    )
    assert agreement.entrusted_body == str(entrusted.zone.management_committee_zh or entrusted.zone)
    page = client.get(url("grant_detail", pk=entrusted.pk))
    assertContains(page, 'data-status="effective"')
    assertContains(page, "2023-04-03")


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"starts_on": "2023-03-31"}, {"starts_on": ["The term starts on or after signing."]}),
        (
            {"scope": []},
            {"__all__": ["Entrust at least one of acceptance, review or decision."]},
        ),
        (
            {"ends_on": "2023-04-03"},
            {"__all__": ["An agreement's term ends after it starts."]},
        ),
    ],
)
def test_a_refused_agreement_shows_why_and_writes_nothing(
    client: Client,
    office_user: User,
    entrusted: Grant,
    changes: dict[str, Any],
    errors: dict[str, list[str]],
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(url("grant_sign_agreement", pk=entrusted.pk), _agreement_form(**changes))

    assert form_errors(response) == errors
    assert writes() == before


def test_a_delegated_grant_takes_no_agreement(
    client: Client, office_user: User, delegated: Grant
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(url("grant_sign_agreement", pk=delegated.pk), _agreement_form())

    assert form_errors(response) == {
        "__all__": ["Only an entrusted matter needs an entrustment agreement."]
    }
    assert writes() == before


# Handover, supervision, recall ------------------------------------------------------------------


def test_the_pilot_area_records_the_handover(
    client: Client, pilot_area_user: User, delegated: Grant
) -> None:
    client.force_login(pilot_area_user)

    response = client.post(
        url("grant_record_handover", pk=delegated.pk), {"handed_over_on": "2023-05-04"}
    )

    assertRedirects(response, url("grant_detail", pk=delegated.pk))
    delegated.refresh_from_db()
    assert (delegated.status, delegated.handed_over_on) == ("handed_over", D(2023, 5, 4))


def test_a_handover_before_the_grant_takes_effect_is_refused_beside_the_date(
    client: Client, pilot_area_user: User, delegated: Grant
) -> None:
    client.force_login(pilot_area_user)
    before = writes()

    response = client.post(
        url("grant_record_handover", pk=delegated.pk), {"handed_over_on": "2023-04-08"}
    )

    assert form_errors(response) == {
        "handed_over_on": ["Handover comes on or after the day the grant takes effect."]
    }
    assert writes() == before


def test_a_handover_before_the_agreement_is_an_illegal_transition(
    client: Client, office_user: User, entrusted: Grant
) -> None:
    client.force_login(office_user)
    before = writes()

    response = client.post(
        url("grant_record_handover", pk=entrusted.pk), {"handed_over_on": "2023-05-04"}
    )

    (message,) = form_errors(response)["__all__"]
    assert "is not possible while the status is" in message
    assert writes() == before


def test_filing_supervision_measures(
    client: Client, department_user: User, delegated: Grant
) -> None:
    client.force_login(department_user)

    response = client.post(
        url("grant_file_supervision", pk=delegated.pk),
        {"filed_on": "2023-05-10", "document": "川司监〔2023〕2号"},
    )

    assertRedirects(response, url("grant_detail", pk=delegated.pk))
    delegated.refresh_from_db()
    assert (delegated.supervision_filed_on, delegated.supervision_document) == (
        D(2023, 5, 10),
        "川司监〔2023〕2号",
    )


def test_filing_without_a_document_is_refused_beside_it(
    client: Client, department_user: User, delegated: Grant
) -> None:
    client.force_login(department_user)
    before = writes()

    response = client.post(
        url("grant_file_supervision", pk=delegated.pk), {"filed_on": "2023-05-10", "document": ""}
    )

    assert form_errors(response) == {"document": ["Name the filed document."]}
    assert writes() == before
    delegated.refresh_from_db()
    assert delegated.supervision_filed_on is None


def test_recalling_with_a_reason(client: Client, office_user: User, delegated: Grant) -> None:
    client.force_login(office_user)

    response = client.post(
        url("grant_recall", pk=delegated.pk),
        {"recalled_on": "2024-01-05", "reason": "Audit finding."},
    )

    assertRedirects(response, url("grant_detail", pk=delegated.pk))
    delegated.refresh_from_db()
    assert (delegated.status, delegated.ended_on, delegated.end_reason) == (
        "recalled",
        D(2024, 1, 5),
        "Audit finding.",
    )


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        (
            {"recalled_on": "2024-01-05", "reason": ""},
            {"reason": ["Give the reason for the recall."]},
        ),
        (
            {"recalled_on": "2023-04-01", "reason": "Too early."},
            {"recalled_on": ["A recall comes after the grant took effect."]},
        ),
    ],
)
def test_a_refused_recall_shows_why_and_writes_nothing(
    client: Client,
    department_user: User,
    delegated: Grant,
    form: dict[str, str],
    errors: dict[str, list[str]],
) -> None:
    client.force_login(department_user)
    before = writes()

    response = client.post(url("grant_recall", pk=delegated.pk), form)

    assert form_errors(response) == errors
    assert writes() == before


# What is owed, what is held ---------------------------------------------------------------------


def test_the_department_sees_what_it_owes_by_when(
    client: Client, department_user: User, office_user: User, entrusted: Grant, delegated: Grant
) -> None:
    today = TODAY()
    grant_services.sign_entrustment_agreement(
        grant=entrusted,
        number="川司委〔2023〕7号",
        signed_on=today - datetime.timedelta(days=40),
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=5),
        signed_by=office_user,
    )
    client.force_login(department_user)

    response = client.get(url("grant_owed_list"))

    handovers = [row.record for row in response.context["handovers"].paginated_rows]
    expiring = [row.record for row in response.context["expiring"].paginated_rows]
    assert response.context["awaiting_agreement"].list_state.count == 0
    assert handovers[0] == delegated  # due in 2023: first, and overdue
    assert set(handovers) == {delegated, entrusted}
    assert handovers[0].is_handover_overdue
    assert [agreement.number for agreement in expiring] == ["川司委〔2023〕7号"]
    assertContains(response, f'data-grant="{delegated.pk}" data-status="effective" data-overdue')


def test_another_department_owes_nothing_here(
    client: Client, other_department_user: User, entrusted: Grant
) -> None:
    client.force_login(other_department_user)

    context = client.get(url("grant_owed_list")).context

    counts = [context[name].list_state.count for name in ("awaiting_agreement", "handovers")]
    assert [*counts, context["expiring"].list_state.count] == [0, 0, 0]


def test_the_pilot_area_sees_what_it_holds_and_filters_with_htmx(
    client: Client, pilot_area_user: User, entrusted: Grant, delegated: Grant
) -> None:
    client.force_login(pilot_area_user)

    page = client.get(url("grant_held_list"))
    partial = client.get(
        url("grant_held_list"),
        {"status": "effective"},
        headers={"HX-Request": "true", "HX-Target": "held-grants"},
    )

    assert page.context["count"] == 3
    assertContains(page, f'data-grant="{delegated.pk}" data-status="effective" data-overdue')
    assert {row.record.entry.mode.code for row in partial.context["table"].rows} == {
        "delegate",
        "support",
    }
    content = partial.content.decode()
    assert content.lstrip().startswith('<section id="held-grants"')
    assert "<html" not in content


def test_the_prefecture_overview_counts_its_areas_grants(
    client: Client, prefecture_user: User, pilot_area_user: User, delegated: Grant
) -> None:
    client.force_login(prefecture_user)

    response = client.get(url("grant_area_overview"))

    (row,) = [row.record for row in response.context["table"].paginated_rows]
    assert row.zone == pilot_area_user.zone
    assert {status: count for status, count in row.counts.items() if count} == {
        "awaiting_agreement": 1,
        "effective": 2,
    }
    assert row.overdue == 1
    assertContains(response, f"?zone={row.zone.slug}")


def test_a_prefecture_sees_no_other_prefectures_areas(
    client: Client, prefecture_user: User, delegated: Grant
) -> None:
    Grant.objects.update(zone=_zone_elsewhere())
    client.force_login(prefecture_user)

    assert client.get(url("grant_area_overview")).context["count"] == 0


def _zone_elsewhere() -> Any:
    return ZoneFactory(slug="mianyang-zone", prefecture=prefecture("510700"))


# Staff home -------------------------------------------------------------------------------------


def test_the_staff_home_counts_grants_awaiting_agreement_and_overdue_handovers(
    client: Client, department_user: User, pilot_area_user: User, entrusted: Grant, delegated: Grant
) -> None:
    client.force_login(department_user)
    response = client.get(url("dashboard_home"))
    work = {item.key: item.count for item in response.context["pending_work"]}
    assert (work["agreements"], work["overdue"]) == (1, 1)
    assertContains(response, url("grant_owed_list"))

    client.force_login(pilot_area_user)
    work = {
        item.key: item.count for item in client.get(url("dashboard_home")).context["pending_work"]
    }
    assert (work["held"], work["handovers"]) == (3, 1)
    assertNotContains(client.get(url("dashboard_home")), url("grant_owed_list"))
