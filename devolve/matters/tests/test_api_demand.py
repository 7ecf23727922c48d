"""Demand list API: windows, items scoped to the reader, and the writes of each party: a pilot
area files for itself, a department answers its own items and offers its own matters, the office
opens windows and decides. Every test reads one world, built once for the module."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import read_again
from devolve.core.testing.personas import personas_of_world
from devolve.matters import services
from devolve.matters.models import (
    AnnualList,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
)
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

D = datetime.date
JSON = "application/json"


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


@dataclass
class World:
    batch: Batch
    home: Zone
    east: Zone
    window: DemandWindow
    law_firms: Matter
    legal_aid: Matter
    tax_exemption: Matter
    home_demand: DemandItem  # home asks justice for law firms
    east_demand: DemandItem  # east asks finance for tax exemption
    offer: DemandItem  # justice offers legal aid
    justice: Department
    finance: Department
    pilot_area_user: User
    office_user: User


def _build_world(
    justice: Department, finance: Department, pilot_area_user: User, office_user: User
) -> World:
    """Batch 1 (home in Chengdu, east in Mianyang) with the 2025 window open today."""
    today = timezone.localdate()
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    home = pilot_area_user.zone
    east = ZoneFactory(slug="east", prefecture=prefecture("510700"))
    for zone in (home, east):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    window = services.open_demand_window(
        year=2025,
        batch=batch,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        opened_by=office_user,
    )
    law_firms = MatterFactory(
        competent_department=justice, code="511A9000000001", name_zh="律师事务所设立审批"
    )
    legal_aid = MatterFactory(
        competent_department=justice, code="511A9000000002", name_zh="法律援助机构指派"
    )
    tax_exemption = MatterFactory(
        competent_department=finance, code="511A9000000004", name_zh="非营利组织免税资格认定"
    )
    home_demand = services.file_demand_item(
        window=window,
        zone=home,
        kind="power",
        department=justice,
        matter=law_firms,
        justification="Many firms register here.",
        filed_by=office_user,
    )
    east_demand = services.file_demand_item(
        window=window,
        zone=east,
        kind="power",
        department=finance,
        matter=tax_exemption,
        filed_by=office_user,
    )
    offer = services.offer_matter(window=window, matter=legal_aid, offered_by=office_user)
    return World(
        batch,
        home,
        east,
        window,
        law_firms,
        legal_aid,
        tax_exemption,
        home_demand,
        east_demand,
        offer,
        justice,
        finance,
        pilot_area_user,
        office_user,
    )


@pytest.fixture(scope="module")
def _world_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world and the personas it names, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets the world read
    again (``read_again``), so nothing one test does is seen by the next. Every test here
    uses it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world(
            make.justice(), make.finance(), make.pilot_area_user(), make.office_user()
        )
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_once: World, db: None) -> World:
    """Batch 1 (home in Chengdu, east in Mianyang) with the 2025 window open today."""
    return read_again(_world_once)


# The personas the world names are the world's (the root conftest's fixtures would add others).
justice, finance, pilot_area_user, office_user = personas_of_world(
    "justice", "finance", "pilot_area_user", "office_user"
)


def items_and_events() -> tuple[list[tuple[int, str, str]], int]:
    """What a refused write must leave alone."""
    items = list(DemandItem.objects.order_by("pk").values_list("pk", "status", "response"))
    return items, AuditEvent.objects.count()


# Windows ----------------------------------------------------------------------------------------


def test_demand_windows_are_listed_publicly(client: Client, world: World) -> None:
    body = client.get(url("demand-window-list")).json()

    today = timezone.localdate()
    assert body["results"] == [
        {
            "id": world.window.pk,
            "year": 2025,
            "batch": 1,
            "opens_on": (today - datetime.timedelta(days=10)).isoformat(),
            "closes_on": (today + datetime.timedelta(days=10)).isoformat(),
        }
    ]


@pytest.mark.parametrize(
    ("query", "count"), [({"year": 2025}, 1), ({"year": 2024}, 0), ({"batch": 1}, 1)]
)
def test_demand_windows_filter(
    client: Client, world: World, query: dict[str, int], count: int
) -> None:
    assert client.get(url("demand-window-list"), query).json()["count"] == count


def test_only_the_office_opens_a_window(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("demand-window-list"),
        allowed={"office"},
        allowed_status=201,
        anonymous_status=401,
        data={"year": 2026, "batch": 1, "opens_on": "2025-09-01", "closes_on": "2025-10-31"},
        content_type=JSON,
    )


def test_office_opens_a_window(client: Client, world: World, office_user: User) -> None:
    client.force_login(office_user)

    response = client.post(
        url("demand-window-list"),
        {"year": 2026, "batch": 1, "opens_on": "2025-09-01", "closes_on": "2025-10-31"},
        content_type=JSON,
    )

    assert response.status_code == 201
    window = DemandWindow.objects.get(year=2026)
    assert response.json() == {
        "id": window.pk,
        "year": 2026,
        "batch": 1,
        "opens_on": "2025-09-01",
        "closes_on": "2025-10-31",
    }


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"year": 2025, "opens_on": "2024-09-01", "closes_on": "2024-10-31"}, "duplicate"),
        ({"year": 2026, "opens_on": "2025-10-31", "closes_on": "2025-09-01"}, "dates_out_of_order"),
    ],
)
def test_a_second_window_or_one_closing_before_it_opens_is_refused(
    client: Client, world: World, office_user: User, payload: dict[str, Any], code: str
) -> None:
    events = AuditEvent.objects.count()
    client.force_login(office_user)

    response = client.post(url("demand-window-list"), {**payload, "batch": 1}, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(DemandWindow.objects.all()) == [world.window]
    assert AuditEvent.objects.count() == events


# Items: reads are scoped ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("office", {"home_demand", "east_demand", "offer"}),
        ("auditor", {"home_demand", "east_demand", "offer"}),
        ("department", {"home_demand", "offer"}),
        ("other_department", {"east_demand"}),
        ("prefecture", {"home_demand"}),
        ("pilot_area", {"home_demand"}),
        ("evaluator", set()),
    ],
)
def test_each_reader_sees_only_the_demand_items_in_scope(
    client: Client,
    personas: dict[str, User | None],
    world: World,
    persona: str,
    expected: set[str],
) -> None:
    client.force_login(personas[persona])

    body = client.get(url("demand-item-list")).json()

    assert {item["id"] for item in body["results"]} == {
        getattr(world, name).pk for name in expected
    }
    assert body["count"] == len(expected)


def test_an_item_out_of_scope_is_not_found(
    client: Client, world: World, other_department_user: User
) -> None:
    client.force_login(other_department_user)

    response = client.get(url("demand-item-detail", pk=world.home_demand.pk))

    assert response.status_code == 404


def test_demand_items_need_a_signed_in_user(client: Client, world: World) -> None:
    response = client.get(url("demand-item-list"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_demand_item_shows_what_was_asked_and_answered(
    client: Client, world: World, department_user: User
) -> None:
    client.force_login(department_user)

    body = client.get(url("demand-item-detail", pk=world.home_demand.pk)).json()

    assert body == {
        "id": world.home_demand.pk,
        "window": world.window.pk,
        "origin": "demand",
        "zone": "persona-zone",
        "matter": {
            "id": world.law_firms.pk,
            "code": "511A9000000001",
            "name_zh": "律师事务所设立审批",
            "name_en": world.law_firms.name_en,
            "kind": "power",
        },
        "description": "",
        "kind": "power",
        "department": "justice",
        "justification": "Many firms register here.",
        "status": "submitted",
        "response": "",
        "response_reason": "",
        "responded_at": None,
        "decision_reason": "",
        "decided_at": None,
        "is_illustrative": False,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"origin": "offer"}, {"offer"}),
        ({"status": "submitted"}, {"home_demand", "east_demand"}),
        ({"department": "finance"}, {"east_demand"}),
        ({"zone": "east"}, {"east_demand"}),
        ({"year": 2025, "batch": 1}, {"home_demand", "east_demand", "offer"}),
        ({"year": 2024}, set()),
    ],
)
def test_demand_items_filter(
    client: Client, world: World, office_user: User, query: dict[str, Any], expected: set[str]
) -> None:
    client.force_login(office_user)

    body = client.get(url("demand-item-list"), query).json()

    assert {item["id"] for item in body["results"]} == {
        getattr(world, name).pk for name in expected
    }


# Filing -----------------------------------------------------------------------------------------


def _demand_payload(world: World, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "window": world.window.pk,
        "zone": "persona-zone",
        "kind": "support",
        "department": "finance",
        "description": "Help with land quotas",
        "justification": "Industrial park expansion",
    }
    payload.update(changes)
    return payload


def test_a_demand_is_filed_by_the_area_itself_or_the_office(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("demand-item-list"),
        allowed={"office", "pilot_area"},
        allowed_status=201,
        anonymous_status=401,
        data=_demand_payload(world),
        content_type=JSON,
    )

    assert DemandItem.objects.filter(description="Help with land quotas").count() == 2


def test_a_pilot_area_files_a_described_demand(
    client: Client, world: World, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    response = client.post(url("demand-item-list"), _demand_payload(world), content_type=JSON)

    assert response.status_code == 201
    item = DemandItem.objects.get(description="Help with land quotas")
    assert response.json() == {
        "id": item.pk,
        "window": world.window.pk,
        "origin": "demand",
        "zone": "persona-zone",
        "matter": None,
        "description": "Help with land quotas",
        "kind": "support",
        "department": "finance",
        "justification": "Industrial park expansion",
        "status": "submitted",
        "response": "",
        "response_reason": "",
        "responded_at": None,
        "decision_reason": "",
        "decided_at": None,
        "is_illustrative": False,
    }
    event = AuditEvent.objects.get(action="demand_item.filed", target_id=str(item.pk))
    assert event.actor == pilot_area_user


def test_a_catalogue_matter_goes_to_its_own_department(
    client: Client, world: World, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    response = client.post(
        url("demand-item-list"),
        _demand_payload(world, kind="power", matter=world.legal_aid.pk, description=""),
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json()["department"] == "justice"


def test_a_pilot_area_may_not_file_for_another_area(
    client: Client, world: World, pilot_area_user: User
) -> None:
    before = items_and_events()
    client.force_login(pilot_area_user)

    response = client.post(
        url("demand-item-list"), _demand_payload(world, zone="east"), content_type=JSON
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert items_and_events() == before


def test_a_demand_outside_the_window_is_refused(
    client: Client, world: World, pilot_area_user: User, office_user: User
) -> None:
    closed = services.open_demand_window(
        year=2024,
        batch=world.batch,
        opens_on=D(2023, 9, 1),
        closes_on=D(2023, 10, 31),
        opened_by=office_user,
    )
    before = items_and_events()
    client.force_login(pilot_area_user)

    response = client.post(
        url("demand-item-list"), _demand_payload(world, window=closed.pk), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "window_closed"
    assert items_and_events() == before


def test_a_demand_names_a_matter_or_describes_one(
    client: Client, world: World, pilot_area_user: User
) -> None:
    before = items_and_events()
    client.force_login(pilot_area_user)

    response = client.post(
        url("demand-item-list"), _demand_payload(world, description=""), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "matter_or_description_required"
    assert items_and_events() == before


# Offers -----------------------------------------------------------------------------------------


def test_a_department_offers_only_its_own_matters(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("demand-item-offer"),
        allowed={"office", "department"},
        allowed_status=201,
        anonymous_status=401,
        data={"window": world.window.pk, "matter": world.law_firms.pk},
        content_type=JSON,
        each_alone=True,  # one offer of a matter per window: each persona tries on its own
    )

    assert DemandItem.objects.filter(origin="offer", matter=world.law_firms).count() == 0


def test_an_offer_counts_as_agreed(client: Client, world: World, department_user: User) -> None:
    client.force_login(department_user)

    response = client.post(
        url("demand-item-offer"),
        {"window": world.window.pk, "matter": world.law_firms.pk, "justification": "Ready"},
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    item = DemandItem.objects.get(pk=body["id"])
    assert (
        body["origin"],
        body["zone"],
        body["department"],
        body["status"],
        body["response"],
        body["justification"],
    ) == ("offer", None, "justice", "answered", "agree", "Ready")
    assert item.responded_by == department_user


# Answers ----------------------------------------------------------------------------------------


def test_only_the_competent_department_or_the_office_answers(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("demand-item-answer", pk=world.home_demand.pk),
        allowed={"office", "department"},
        allowed_status=200,
        anonymous_status=401,
        not_found={"other_department", "evaluator"},
        data={"response": "agree"},
        content_type=JSON,
    )


def test_a_department_declines_with_the_legal_reason(
    client: Client, world: World, department_user: User
) -> None:
    client.force_login(department_user)

    response = client.post(
        url("demand-item-answer", pk=world.home_demand.pk),
        {"response": "decline", "reason": "《律师法》第18条"},
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["response"], body["response_reason"]) == (
        "answered",
        "decline",
        "《律师法》第18条",
    )
    assert body["responded_at"] is not None
    world.home_demand.refresh_from_db()
    assert world.home_demand.responded_by == department_user


def test_another_departments_item_is_not_found_for_an_answer(
    client: Client, world: World, department_user: User
) -> None:
    before = items_and_events()
    client.force_login(department_user)

    response = client.post(
        url("demand-item-answer", pk=world.east_demand.pk), {"response": "agree"}, content_type=JSON
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert items_and_events() == before


@pytest.mark.parametrize("answer", ["decline", "agree_in_part", "needs_higher"])
def test_an_answer_other_than_agree_needs_a_reason(
    client: Client, world: World, department_user: User, answer: str
) -> None:
    before = items_and_events()
    client.force_login(department_user)

    response = client.post(
        url("demand-item-answer", pk=world.home_demand.pk),
        {"response": answer, "reason": "  "},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "reason_required",
        "detail": response.json()["detail"],
        "field": "reason",
    }
    assert items_and_events() == before


def test_a_decided_item_is_not_answered_again(
    client: Client, world: World, department_user: User, office_user: User
) -> None:
    services.decide_demand_item(
        item=world.offer, accept=False, reason="Not this year", decided_by=office_user
    )
    before = items_and_events()
    client.force_login(department_user)

    response = client.post(
        url("demand-item-answer", pk=world.offer.pk), {"response": "agree"}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"
    assert items_and_events() == before


# Decisions --------------------------------------------------------------------------------------


@pytest.fixture
def draft_2025(world: World, office_user: User) -> AnnualList:
    return services.create_annual_list(year=2025, batch=world.batch, created_by=office_user)


def test_only_the_office_decides(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("demand-item-decide", pk=world.offer.pk),
        allowed={"office"},
        allowed_status=200,
        anonymous_status=401,
        not_found={"other_department", "prefecture", "pilot_area", "evaluator"},
        data={"accept": False, "reason": "Not this year"},
        content_type=JSON,
    )

    world.offer.refresh_from_db()
    assert (world.offer.status, world.offer.decision_reason) == ("rejected", "Not this year")


def test_an_accepted_item_becomes_a_draft_entry_linked_to_it(
    client: Client,
    world: World,
    office_user: User,
    department_user: User,
    draft_2025: AnnualList,
) -> None:
    services.answer_demand_item(
        item=world.home_demand, response="agree", answered_by=department_user
    )
    client.force_login(office_user)

    response = client.post(
        url("demand-item-decide", pk=world.home_demand.pk),
        {"accept": True, "annual_list": "2025/batch-1", "mode": "entrust", "reason": "Agreed"},
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["decision_reason"]) == ("accepted", "Agreed")
    entry = ListEntry.objects.get(annual_list=draft_2025)
    assert (
        entry.matter,
        entry.mode.code,
        entry.granting_department.code,
        entry.demand_item,
        entry.all_areas,
        list(entry.receiving_areas.all()),
        entry.change_reason,
    ) == (world.law_firms, "entrust", "justice", world.home_demand, False, [world.home], "Agreed")
    entries = client.get(url("list-entry-list", annual_list_key="2025/batch-1")).json()
    assert [item["demand_item"] for item in entries["results"]] == [world.home_demand.pk]


@pytest.mark.parametrize(
    ("item", "payload", "code"),
    [
        ("home_demand", {"accept": False, "reason": "No"}, "illegal_transition"),
        ("offer", {"accept": False, "reason": ""}, "reason_required"),
        ("offer", {"accept": True}, "wrong_list"),
        (
            "offer",
            {"accept": True, "annual_list": "2025/batch-1", "mode": "support"},
            "mode_mismatch",
        ),
    ],
)
def test_a_decision_out_of_turn_or_incomplete_is_refused_and_nothing_written(
    client: Client,
    world: World,
    office_user: User,
    draft_2025: AnnualList,
    item: str,
    payload: dict[str, Any],
    code: str,
) -> None:
    before = items_and_events()
    client.force_login(office_user)

    response = client.post(
        url("demand-item-decide", pk=getattr(world, item).pk), payload, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert items_and_events() == before
    assert ListEntry.objects.count() == 0


def test_a_decision_into_an_unknown_edition_is_invalid(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("demand-item-decide", pk=world.offer.pk),
        {"accept": True, "annual_list": "2030/batch-1"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["detail"]) == ["annual_list"]
