"""Grants API: grants and agreements scoped to the reader, the take-up matrix, what a department
owes and what an area holds; publishing an edition and every change in a grant's life, each
through one service that checks the actor's scope."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.actors import SYSTEM
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import read_again
from devolve.core.testing.personas import PERSONAS, personas_of_world
from devolve.grants import services as grant_services
from devolve.grants.models import ActivationRun, EntrustmentAgreement, Grant, Publication
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, Department, Matter
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


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


class RolledBackClient(Client):
    """A client whose every request is undone afterwards, so each persona of an authorization
    matrix acts on the same grant (a one-off transition succeeds for each allowed persona)."""

    def request(self, **request: Any) -> Any:
        with transaction.atomic():
            response = super().request(**request)
            transaction.set_rollback(True)
        return response


@dataclass
class World:
    batch: Batch
    home: Zone  # the pilot area persona's zone, in Chengdu
    east: Zone  # in Mianyang
    law_firms: Matter
    legal_aid: Matter
    tax_support: Matter
    edition: AnnualList
    justice: Department
    finance: Department
    pilot_area_user: User  # whose zone is home
    office_user: User

    def grant(self, matter: Matter, zone: Zone) -> Grant:
        return Grant.objects.get(entry__annual_list=self.edition, entry__matter=matter, zone=zone)


def _build_world(
    justice: Department, finance: Department, pilot_area_user: User, office_user: User
) -> World:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    home = pilot_area_user.zone
    east = ZoneFactory(slug="east", prefecture=prefecture("510700"))
    for zone in (home, east):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    law_firms = MatterFactory(
        competent_department=justice, code="511A9000000001", name_zh="律师事务所设立审批"
    )
    legal_aid = MatterFactory(
        competent_department=justice, code="511A9000000002", name_zh="法律援助机构指派"
    )
    tax_support = MatterFactory(
        support=True, competent_department=finance, name_zh="财税管理体制支持"
    )
    edition = list_services.create_annual_list(year=2023, batch=batch, created_by=office_user)
    for matter, code, department, areas in [
        (law_firms, "delegate", justice, None),
        (legal_aid, "entrust", justice, [home]),
        (tax_support, "support", finance, None),
    ]:
        list_services.add_list_entry(
            annual_list=edition,
            matter=matter,
            mode=mode(code),
            granting_department=department,
            receiving_areas=areas,
            added_by=office_user,
        )
    list_services.submit_annual_list_for_review(annual_list=edition, submitted_by=office_user)
    list_services.approve_annual_list(
        annual_list=edition,
        approved_by=office_user,
        approved_on=D(2023, 3, 1),
        document_number="川改办〔2023〕1号",
    )
    grant_services.publish_annual_list(
        annual_list=edition, published_on=D(2023, 3, 10), published_by=office_user
    )
    edition.refresh_from_db()
    return World(
        batch,
        home,
        east,
        law_firms,
        legal_aid,
        tax_support,
        edition,
        justice,
        finance,
        pilot_area_user,
        office_user,
    )


@pytest.fixture(scope="module")
def _world_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world and the personas it names, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets the world read
    again (``read_again``), so nothing one test does is seen by the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world(
            make.justice(), make.finance(), make.pilot_area_user(), make.office_user()
        )
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_once: World, db: None) -> World:
    """2023 edition published on 10 March 2023: law firms delegated by justice to both areas,
    legal aid entrusted by justice to home, tax support from finance to both."""
    return read_again(_world_once)


# The personas the world names are the world's (the root conftest's fixtures would add others).
justice, finance, pilot_area_user, office_user = personas_of_world(
    "justice", "finance", "pilot_area_user", "office_user"
)


@pytest.fixture
def activated(world: World) -> World:
    """Delegation took effect on 9 April 2023; handover is due on 22 May 2023."""
    assert grant_services.activate_due_grants(on=D(2023, 4, 9), activated_by=SYSTEM) == 2
    return world


@pytest.fixture
def agreement(world: World, office_user: User) -> EntrustmentAgreement:
    return grant_services.sign_entrustment_agreement(
        grant=world.grant(world.legal_aid, world.home),
        number="川司委〔2023〕7号",
        signed_on=D(2023, 4, 1),
        starts_on=D(2023, 4, 3),
        ends_on=D(2025, 4, 2),
        signed_by=office_user,
    )


def snapshot() -> tuple[list[tuple[Any, ...]], int, int]:
    """What a refused write must leave alone: every grant's state, agreements, audit events."""
    grants = list(
        Grant.objects.order_by("pk").values_list(
            "pk", "status", "effective_on", "handed_over_on", "supervision_filed_on", "ended_on"
        )
    )
    return grants, EntrustmentAgreement.objects.count(), AuditEvent.objects.count()


def ids(*grants: Grant) -> list[int]:
    return [grant.pk for grant in grants]


# Reads: grants ----------------------------------------------------------------------------------


def test_anonymous_readers_see_the_grants_of_published_editions(
    client: Client, world: World
) -> None:
    response = client.get(url("grant-list"), {"page_size": 500})

    assert response.status_code == 200
    published = Grant.objects.filter(entry__annual_list__status__in=["published", "superseded"])
    assert sorted(row["id"] for row in response.json()["results"]) == sorted(
        published.values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("office", ["law_home", "law_east", "aid_home", "tax_home", "tax_east"]),
        ("auditor", ["law_home", "law_east", "aid_home", "tax_home", "tax_east"]),
        ("evaluator", ["law_home", "law_east", "aid_home", "tax_home", "tax_east"]),
        ("department", ["law_home", "law_east", "aid_home"]),
        ("other_department", ["tax_home", "tax_east"]),
        ("prefecture", ["law_home", "aid_home", "tax_home"]),
        ("pilot_area", ["law_home", "aid_home", "tax_home"]),
    ],
)
def test_each_reader_sees_only_the_grants_in_scope(
    client: Client,
    personas: dict[str, User | None],
    world: World,
    persona: str,
    expected: list[str],
) -> None:
    named = {
        "law_home": world.grant(world.law_firms, world.home),
        "law_east": world.grant(world.law_firms, world.east),
        "aid_home": world.grant(world.legal_aid, world.home),
        "tax_home": world.grant(world.tax_support, world.home),
        "tax_east": world.grant(world.tax_support, world.east),
    }
    client.force_login(personas[persona])

    body = client.get(url("grant-list")).json()

    assert [item["id"] for item in body["results"]] == [named[name].pk for name in expected]


def test_a_grant_shows_its_entry_area_status_and_dates(
    client: Client, activated: World, pilot_area_user: User
) -> None:
    grant = activated.grant(activated.law_firms, activated.home)
    client.force_login(pilot_area_user)

    body = client.get(url("grant-detail", pk=grant.pk)).json()

    assert body == {
        "id": grant.pk,
        "annual_list": "2023/batch-1",
        "entry": grant.entry_id,
        "sequence": 1,
        "matter": {
            "id": activated.law_firms.pk,
            "code": "511A9000000001",
            "name_zh": "律师事务所设立审批",
            "name_en": activated.law_firms.name_en,
            "kind": "power",
        },
        "mode": "delegate",
        "granting_department": "justice",
        "zone": "persona-zone",
        "status": "effective",
        "previous_grant": None,
        "effective_on": "2023-04-09",
        "handover_due_on": "2023-05-22",
        "handover_due_is_provisional": False,
        "handed_over_on": None,
        "supervision_filed_on": None,
        "supervision_document": "",
        "ended_on": None,
        "end_reason": "",
        "is_illustrative": False,
    }


def test_a_grant_out_of_scope_is_not_found(
    client: Client, world: World, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    response = client.get(url("grant-detail", pk=world.grant(world.law_firms, world.east).pk))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"annual_list": "2023/batch-1"}, 5),
        ({"annual_list": "2024/batch-1"}, 0),
        ({"annual_list": "nonsense"}, 0),
        ({"zone": "east"}, 2),
        ({"department": "finance"}, 2),
        ({"status": "awaiting_agreement"}, 1),
        ({"status": "effective"}, 2),
        ({"mode": "delegate"}, 2),
        ({"kind": "support"}, 2),
        ({"department": "justice", "zone": "persona-zone"}, 2),
    ],
)
def test_grants_filter(
    client: Client, world: World, office_user: User, query: dict[str, str], count: int
) -> None:
    client.force_login(office_user)

    assert len(client.get(url("grant-list"), query).json()["results"]) == count


def test_grants_are_paged_by_key_from_page_to_page(
    client: Client, world: World, office_user: User
) -> None:
    """Keyset pages: each continues after the last grant of the one before, with no count; the
    queries of a page do not depend on how deep it is."""
    client.force_login(office_user)
    every = list(Grant.objects.order_by("pk").values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as first_page:
        first = client.get(url("grant-list"), {"page_size": 2}).json()
    seen = [item["id"] for item in first["results"]]
    following = first["next"]
    while following:
        with CaptureQueriesContext(connection) as page:
            body = client.get(following).json()
        assert len(page.captured_queries) == len(first_page.captured_queries)
        seen += [item["id"] for item in body["results"]]
        following = body["next"]

    assert "count" not in first
    assert seen == every
    assert len(every) > 4


def test_a_numbered_page_is_still_answered_with_its_count(
    client: Client, world: World, office_user: User
) -> None:
    """Deprecated overlap: ``?page=N`` keeps the numbered page, its count and the list order."""
    client.force_login(office_user)

    body = client.get(url("grant-list"), {"page": 1, "page_size": 2}).json()

    assert body["count"] == Grant.objects.count()
    assert [item["id"] for item in body["results"]] == list(
        Grant.objects.order_by(*Grant._meta.ordering).values_list("pk", flat=True)[:2]
    )


# Reads: take-up matrix --------------------------------------------------------------------------


def test_take_up_matrix_shows_each_entry_in_each_area(
    client: Client, world: World, office_user: User
) -> None:
    law_home, law_east, aid_home, tax_home, tax_east = (
        world.grant(world.law_firms, world.home),
        world.grant(world.law_firms, world.east),
        world.grant(world.legal_aid, world.home),
        world.grant(world.tax_support, world.home),
        world.grant(world.tax_support, world.east),
    )
    client.force_login(office_user)

    response = client.get("/api/v1/annual-lists/2023/batch-1/take-up/")

    assert response.status_code == 200
    body = response.json()
    assert body["annual_list"] == "2023/batch-1"
    assert body["zones"] == [
        {"slug": "persona-zone", "name_zh": world.home.name_zh, "name_en": world.home.name_en},
        {"slug": "east", "name_zh": world.east.name_zh, "name_en": world.east.name_en},
    ]
    assert body["status_counts"] == {"awaiting_effect": 2, "awaiting_agreement": 1, "effective": 2}

    def cell(grant: Grant, effective_on: str | None) -> dict[str, Any]:
        return {
            "grant": grant.pk,
            "zone": grant.zone.slug,
            "status": grant.status,
            "effective_on": effective_on,
            "handover_due_on": None,
        }

    no_grant_in_east = {
        "zone": "east",
        "grant": None,
        "status": None,
        "effective_on": None,
        "handover_due_on": None,
    }
    assert [
        (row["sequence"], row["mode"], row["granting_department"], row["cells"])
        for row in body["rows"]
    ] == [
        (1, "delegate", "justice", [cell(law_home, "2023-04-09"), cell(law_east, "2023-04-09")]),
        (2, "entrust", "justice", [cell(aid_home, None), no_grant_in_east]),
        (3, "support", "finance", [cell(tax_home, "2023-03-10"), cell(tax_east, "2023-03-10")]),
    ]
    assert body["rows"][0]["entry"] == law_home.entry_id
    assert body["rows"][0]["matter"]["id"] == world.law_firms.pk


@pytest.mark.parametrize(
    ("persona", "zones", "rows"),
    [
        ("department", ["persona-zone", "east"], [1, 2]),
        ("other_department", ["persona-zone", "east"], [3]),
        ("pilot_area", ["persona-zone"], [1, 2, 3]),
        ("prefecture", ["persona-zone"], [1, 2, 3]),
        ("auditor", ["persona-zone", "east"], [1, 2, 3]),
    ],
)
def test_take_up_matrix_shows_only_the_grants_in_scope(
    client: Client,
    personas: dict[str, User | None],
    world: World,
    persona: str,
    zones: list[str],
    rows: list[int],
) -> None:
    client.force_login(personas[persona])

    body = client.get(url("annual-list-take-up", key="2023/batch-1")).json()

    assert [zone["slug"] for zone in body["zones"]] == zones
    assert [row["sequence"] for row in body["rows"]] == rows
    assert all(len(row["cells"]) == len(zones) for row in body["rows"])


@pytest.mark.parametrize(
    ("query", "rows", "counts"),
    [
        ({"status": "effective"}, [3], {"effective": 2}),
        ({"department": "justice"}, [1, 2], {"awaiting_effect": 2, "awaiting_agreement": 1}),
        ({"kind": "support"}, [3], {"effective": 2}),
        ({"zone": "east"}, [1, 3], {"awaiting_effect": 1, "effective": 1}),
    ],
)
def test_take_up_matrix_filters(
    client: Client,
    world: World,
    office_user: User,
    query: dict[str, str],
    rows: list[int],
    counts: dict[str, int],
) -> None:
    client.force_login(office_user)

    body = client.get(url("annual-list-take-up", key="2023/batch-1"), query).json()

    assert [row["sequence"] for row in body["rows"]] == rows
    assert body["status_counts"] == counts


@pytest.mark.parametrize(
    "query",
    [{"status": "lost"}, {"zone": "nowhere"}, {"department": "no-such"}, {"kind": "power-ish"}],
    ids=["status", "zone", "department", "kind"],
)
def test_take_up_matrix_refuses_a_filter_value_it_does_not_know(
    client: Client, world: World, office_user: User, query: dict[str, str]
) -> None:
    client.force_login(office_user)

    response = client.get(url("annual-list-take-up", key="2023/batch-1"), query)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["detail"]) == set(query)  # the one filter refused, by name


def test_take_up_matrix_of_an_unpublished_edition_has_rows_and_no_areas(
    client: Client, world: World, office_user: User
) -> None:
    list_services.derive_annual_list(predecessor=world.edition, year=2024, created_by=office_user)
    client.force_login(office_user)

    body = client.get(url("annual-list-take-up", key="2024/batch-1")).json()

    assert body["zones"] == []
    assert [row["cells"] for row in body["rows"]] == [[], [], []]
    client.logout()
    assert client.get(url("annual-list-take-up", key="2024/batch-1")).status_code == 404


def test_take_up_matrix_of_a_published_edition_is_public(client: Client, world: World) -> None:
    response = client.get(url("annual-list-take-up", key="2023/batch-1"))

    assert response.status_code == 200
    cells = [cell for row in response.json()["rows"] for cell in row["cells"] if cell["grant"]]
    assert len(cells) == Grant.objects.filter(entry__annual_list__year=2023).count()


def _whole_matrix(world: World, user: User | None, query: dict[str, str]) -> dict[str, Any]:
    """The slow path: the whole matrix read at once (``get_take_up_matrix``) and cut down to the
    reader's scope grant by grant, as the API answered before it paged its rows."""
    from devolve.grants import selectors

    filters = {
        "department_code": query.get("department"),
        "zone_slug": query.get("zone"),
        "status": query.get("status"),
        "kind": query.get("kind"),
    }
    matrix = selectors.get_take_up_matrix(annual_list=world.edition, **filters)
    visible = (
        selectors.list_public_grants()
        if user is None
        else selectors.list_grants_visible_to(user=user)
    )
    shown = set(visible.values_list("pk", flat=True))
    cells = {place: grant for place, grant in matrix.cells.items() if grant.pk in shown}
    hidden = {entry_id for entry_id, _zone in matrix.cells} - {e for e, _z in cells}
    zones = [zone for zone in matrix.zones if zone.pk in {z for _e, z in cells}]
    counts: dict[str, int] = {}
    for grant in cells.values():
        counts[grant.status] = counts.get(grant.status, 0) + 1

    def cell(entry_id: int, zone: Zone) -> dict[str, Any]:
        grant = cells.get((entry_id, zone.pk))
        dates = [getattr(grant, name, None) for name in ("effective_on", "handover_due_on")]
        return {
            "zone": zone.slug,
            "grant": grant.pk if grant else None,
            "status": grant.status if grant else None,
            "effective_on": dates[0].isoformat() if dates[0] else None,
            "handover_due_on": dates[1].isoformat() if dates[1] else None,
        }

    return {
        "zones": [zone.slug for zone in zones],
        "status_counts": counts,
        "rows": [
            (entry.pk, entry.sequence, [cell(entry.pk, zone) for zone in zones])
            for entry in matrix.entries
            if entry.pk not in hidden
        ],
    }


@pytest.mark.parametrize("persona", [None, "department", "other_department", "pilot_area"])
@pytest.mark.parametrize("query", [{}, {"zone": "east"}, {"status": "awaiting_effect"}])
def test_take_up_matrix_pages_are_the_whole_matrix(
    client: Client,
    personas: dict[str, User | None],
    world: World,
    persona: str | None,
    query: dict[str, str],
) -> None:
    """Page by page, one row a page, the rows, cells, zones and counts are those of the whole
    matrix read at once and cut down to the reader's scope (the answer before paging)."""
    user = personas[persona] if persona else None
    if user is not None:
        client.force_login(user)
    expected = _whole_matrix(world, user, query)

    rows, pages, address = [], 0, url("annual-list-take-up", key="2023/batch-1")
    page: dict[str, Any] = {"next": f"{address}?{urlencode({**query, 'page_size': 1})}"}
    while page["next"]:
        page = client.get(page["next"]).json()
        pages += 1
        assert [zone["slug"] for zone in page["zones"]] == expected["zones"]
        assert page["status_counts"] == expected["status_counts"]
        assert page["count"] == len(expected["rows"])
        rows += [(row["entry"], row["sequence"], row["cells"]) for row in page["rows"]]

    assert rows == expected["rows"]
    assert pages == max(1, len(expected["rows"]))


def test_take_up_matrix_reads_a_page_in_queries_that_do_not_grow_with_the_rows(
    client: Client, world: World, office_user: User
) -> None:
    address = url("annual-list-take-up", key="2023/batch-1")
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(address, {"page_size": 1}).json()["rows"]) == 1
    with CaptureQueriesContext(connection) as every:
        assert len(client.get(address).json()["rows"]) == 3

    assert len(every) == len(one) <= 9


# Reads: what a department owes, what an area holds ----------------------------------------------


def test_a_department_owes_agreements_and_handovers_with_due_dates(
    client: Client, activated: World, department_user: User
) -> None:
    law_home = activated.grant(activated.law_firms, activated.home)
    law_east = activated.grant(activated.law_firms, activated.east)
    aid_home = activated.grant(activated.legal_aid, activated.home)
    client.force_login(department_user)

    body = client.get(url("grant-owed-by", department="justice"), {"on": "2023-05-23"}).json()

    assert [
        (item["id"], item["status"], item["handover_due_on"], item["overdue"])
        for item in body["results"]
    ] == [
        (law_home.pk, "effective", "2023-05-22", True),
        (law_east.pk, "effective", "2023-05-22", True),
        (aid_home.pk, "awaiting_agreement", None, False),
    ]


def test_a_handover_is_not_overdue_on_its_due_date(
    client: Client, activated: World, office_user: User
) -> None:
    client.force_login(office_user)

    body = client.get(url("grant-owed-by", department="justice"), {"on": "2023-05-22"}).json()

    assert [item["overdue"] for item in body["results"]] == [False, False, False]


def test_a_handed_over_grant_is_no_longer_owed(
    client: Client, activated: World, office_user: User
) -> None:
    grant_services.record_handover(
        grant=activated.grant(activated.law_firms, activated.home),
        handed_over_on=D(2023, 5, 4),
        recorded_by=office_user,
    )
    client.force_login(office_user)

    body = client.get(url("grant-owed-by", department="justice")).json()

    assert [item["zone"] for item in body["results"]] == ["east", "persona-zone"]
    assert [item["status"] for item in body["results"]] == ["effective", "awaiting_agreement"]


def test_support_grants_owe_no_handover(
    client: Client, activated: World, other_department_user: User
) -> None:
    client.force_login(other_department_user)

    body = client.get(url("grant-owed-by", department="finance")).json()

    assert body["count"] == 0


def test_another_departments_debts_are_out_of_scope(
    client: Client, activated: World, other_department_user: User
) -> None:
    client.force_login(other_department_user)

    body = client.get(url("grant-owed-by", department="justice")).json()

    assert body["count"] == 0


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v1/grants/owed-by/nobody/", "not_found"),
        ("/api/v1/grants/held-by/nowhere/", "not_found"),
        ("/api/v1/grants/owed-by/justice/?on=yesterday", "invalid_date"),
    ],
)
def test_owed_and_held_refuse_unknown_keys_and_bad_dates(
    client: Client, world: World, office_user: User, path: str, code: str
) -> None:
    client.force_login(office_user)

    assert client.get(path).json()["code"] == code


def test_an_area_holds_its_grants_that_have_not_ended(
    client: Client, activated: World, pilot_area_user: User, office_user: User
) -> None:
    law_home = activated.grant(activated.law_firms, activated.home)
    aid_home = activated.grant(activated.legal_aid, activated.home)
    tax_home = activated.grant(activated.tax_support, activated.home)
    grant_services.recall_grant(
        grant=aid_home, recalled_on=D(2023, 6, 1), reason="Audit finding", recalled_by=office_user
    )
    client.force_login(pilot_area_user)

    body = client.get(url("grant-held-by", zone="persona-zone")).json()

    assert [(item["id"], item["status"]) for item in body["results"]] == [
        (law_home.pk, "effective"),
        (tax_home.pk, "effective"),
    ]


def test_an_area_sees_nothing_of_what_another_holds(
    client: Client, world: World, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    assert client.get(url("grant-held-by", zone="east")).json()["count"] == 0


# Reads: agreements ------------------------------------------------------------------------------


def test_an_agreement_shows_its_parties_scope_and_term(
    client: Client, agreement: EntrustmentAgreement, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    body = client.get(url("agreement-detail", pk=agreement.pk)).json()

    assert body == {
        "id": agreement.pk,
        "number": "川司委〔2023〕7号",
        "grant": agreement.grant_id,
        "annual_list": "2023/batch-1",
        "zone": "persona-zone",
        "entrusting_department": "justice",
        "entrusted_body": str(agreement.grant.zone),
        "covers_acceptance": True,
        "covers_review": True,
        "covers_decision": True,
        "signed_on": "2023-04-01",
        "starts_on": "2023-04-03",
        "ends_on": "2025-04-02",
        "renews": None,
        "document": "",
        "is_illustrative": False,
    }


@pytest.mark.parametrize(
    ("persona", "count"),
    [
        ("office", 1),
        ("department", 1),
        ("pilot_area", 1),
        ("prefecture", 1),
        ("other_department", 0),
        ("evaluator", 1),
    ],
)
def test_agreements_are_scoped_like_their_grants(
    client: Client,
    personas: dict[str, User | None],
    agreement: EntrustmentAgreement,
    persona: str,
    count: int,
) -> None:
    client.force_login(personas[persona])

    assert client.get(url("agreement-list")).json()["count"] == count


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"annual_list": "2023/batch-1"}, 1),
        ({"annual_list": "2024/batch-1"}, 0),
        ({"zone": "east"}, 0),
        ({"department": "justice"}, 1),
    ],
)
def test_agreements_filter(
    client: Client,
    agreement: EntrustmentAgreement,
    office_user: User,
    query: dict[str, str],
    count: int,
) -> None:
    client.force_login(office_user)

    assert client.get(url("agreement-list"), query).json()["count"] == count


@pytest.mark.parametrize(
    ("on", "numbers"), [("2025-03-18", ["川司委〔2023〕7号"]), ("2025-03-17", [])]
)
def test_agreements_expiring_within_the_warning_period(
    client: Client,
    agreement: EntrustmentAgreement,
    department_user: User,
    on: str,
    numbers: list[str],
) -> None:
    client.force_login(department_user)

    body = client.get(url("agreement-expiring"), {"on": on}).json()

    assert [item["number"] for item in body] == numbers


def test_expiring_agreements_out_of_scope_are_not_shown(
    client: Client, agreement: EntrustmentAgreement, other_department_user: User
) -> None:
    client.force_login(other_department_user)

    assert client.get(url("agreement-expiring"), {"on": "2025-03-20"}).json() == []


# Publish ----------------------------------------------------------------------------------------


@pytest.fixture
def approved_2024(world: World, office_user: User) -> AnnualList:
    """2024 derived from 2023 with tax support withdrawn, approved on 1 February 2024."""
    second = list_services.derive_annual_list(
        predecessor=world.edition, year=2024, created_by=office_user
    )
    list_services.withdraw_list_entry(
        entry=second.entries.get(matter=world.tax_support),
        withdrawn_by=office_user,
        reason="Fiscal reform completed.",
    )
    list_services.submit_annual_list_for_review(annual_list=second, submitted_by=office_user)
    return list_services.approve_annual_list(
        annual_list=second,
        approved_by=office_user,
        approved_on=D(2024, 2, 1),
        document_number="川改办〔2024〕1号",
    )


def test_only_the_office_publishes(
    client: Client, personas: dict[str, User | None], approved_2024: AnnualList
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("annual-list-publish", key="2024/batch-1"),
        allowed={"office"},
        allowed_status=202,
        anonymous_status=401,
        data={"published_on": "2024-02-05"},
        content_type=JSON,
        each_alone=True,
    )


def test_publishing_carries_grants_into_the_new_edition(
    client: Client,
    world: World,
    approved_2024: AnnualList,
    office_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(office_user)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            "/api/v1/annual-lists/2024/batch-1/publish/",
            {"published_on": "2024-02-05"},
            content_type=JSON,
        )

    assert response.status_code == 202
    assert len(queued) == 1  # the background task, run after the request committed
    publication = Publication.objects.get()
    assert response["Location"] == f"/api/v1/publications/{publication.pk}/"
    accepted = response.json()
    assert (accepted["id"], accepted["edition"], accepted["status"], accepted["published_on"]) == (
        publication.pk,
        "2024/batch-1",
        "queued",
        "2024-02-05",
    )
    status = client.get(response["Location"]).json()
    assert (status["status"], status["percent"], status["error_code"]) == ("published", 100, "")
    assert status["rows_done"] == status["rows_total"] > 0
    body = client.get(status["edition_url"]).json()
    assert (body["key"], body["status"], body["published_on"], body["predecessor"]) == (
        "2024/batch-1",
        "published",
        "2024-02-05",
        "2023/batch-1",
    )
    assert body["counts"]["entries"] == 2
    world.edition.refresh_from_db()
    assert (world.edition.status, world.edition.superseded_on) == ("superseded", D(2024, 2, 5))
    new = Grant.objects.filter(entry__annual_list=approved_2024).order_by("pk")
    assert [(grant.entry.matter, grant.zone, grant.status) for grant in new] == [
        (world.law_firms, world.home, "awaiting_effect"),
        (world.law_firms, world.east, "awaiting_effect"),
        (world.legal_aid, world.home, "awaiting_agreement"),
    ]
    assert sorted(
        Grant.objects.filter(entry__annual_list=world.edition).values_list("status", flat=True)
    ) == ["recalled", "recalled", "superseded", "superseded", "superseded"]


@pytest.mark.parametrize(
    ("approve", "published_on", "code"),
    [(False, "2024-02-05", "illegal_transition"), (True, "2024-01-31", "dates_out_of_order")],
)
def test_publishing_out_of_turn_or_before_approval_writes_nothing(
    client: Client,
    world: World,
    office_user: User,
    approve: bool,
    published_on: str,
    code: str,
) -> None:
    second = list_services.derive_annual_list(
        predecessor=world.edition, year=2024, created_by=office_user
    )
    if approve:
        list_services.submit_annual_list_for_review(annual_list=second, submitted_by=office_user)
        list_services.approve_annual_list(
            annual_list=second,
            approved_by=office_user,
            approved_on=D(2024, 2, 1),
            document_number="川改办〔2024〕1号",
        )
    status = AnnualList.objects.get(pk=second.pk).status
    before = snapshot()
    client.force_login(office_user)

    response = client.post(
        url("annual-list-publish", key="2024/batch-1"),
        {"published_on": published_on},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert AnnualList.objects.get(pk=second.pk).status == status
    assert AnnualList.objects.get(pk=world.edition.pk).status == "published"
    assert snapshot() == before


def test_publishing_again_while_under_way_answers_the_same_publication(
    client: Client, world: World, approved_2024: AnnualList, office_user: User
) -> None:
    client.force_login(office_user)
    publish = url("annual-list-publish", key="2024/batch-1")

    first = client.post(publish, {"published_on": "2024-02-05"}, content_type=JSON)
    again = client.post(publish, {"published_on": "2024-02-06"}, content_type=JSON)

    assert (first.status_code, again.status_code) == (202, 202)
    assert again["Location"] == first["Location"]
    assert again.json()["published_on"] == "2024-02-05"  # the one queued, as it was asked
    assert Publication.objects.count() == 1
    earlier = client.post(publish, {"published_on": "2024-01-05"}, content_type=JSON)
    assert earlier["Location"] == first["Location"]  # under way: that one, whatever is asked


def test_only_the_office_and_auditors_follow_a_publication(
    client: Client, personas: dict[str, User | None], approved_2024: AnnualList, office_user: User
) -> None:
    publication = grant_services.queue_publication(
        annual_list=approved_2024, published_on=D(2024, 2, 5), published_by=office_user
    )

    assert_authorization_matrix(
        client,
        personas,
        "get",
        url("publication-detail", pk=publication.pk),
        allowed={"office", "auditor"},
        allowed_status=200,
        anonymous_status=401,
        not_found=set(PERSONAS) - {"office", "auditor", "anonymous"},
    )


def test_a_failed_publication_says_why_in_the_readers_language(
    client: Client, world: World, approved_2024: AnnualList, office_user: User
) -> None:
    client.force_login(office_user)
    response = client.post(
        url("annual-list-publish", key="2024/batch-1"),
        {"published_on": "2024-02-05"},
        content_type=JSON,
    )
    publication = Publication.objects.get(pk=response.json()["id"])
    grant_services.recall_grant(  # the plan changes before the task runs
        grant=Grant.objects.filter(entry__annual_list=world.edition, status="effective").first(),
        recalled_on=D(2024, 1, 20),
        reason="Audit finding.",
        recalled_by=office_user,
    )
    grant_services.run_publication(publication=publication)

    english = client.get(response["Location"], headers={"accept-language": "en"}).json()
    chinese = client.get(response["Location"], headers={"accept-language": "zh-hans"}).json()

    assert (english["status"], english["error_code"], chinese["error_code"]) == (
        "failed",
        "stale_preview",
        "stale_preview",
    )
    assert english["error_message"] == (
        "What publishing would do has changed since the preview; look at it again."
    )
    assert chinese["error_message"] != english["error_message"]
    assert not Grant.objects.filter(entry__annual_list=approved_2024).exists()


def test_publishing_an_unknown_edition_is_not_found(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("annual-list-publish", key="2030/batch-1"),
        {"published_on": "2030-01-01"},
        content_type=JSON,
    )

    assert response.status_code == 404


# Activate due grants ----------------------------------------------------------------------------


def test_only_the_office_activates_due_grants(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    """The office's request queues one run (the task runs once the request commits, never in
    this test's transaction); every refused request writes nothing."""
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("grant-activate-due"),
        allowed={"office"},
        allowed_status=202,
        anonymous_status=401,
        data={"on": "2023-04-09"},
        content_type=JSON,
        tracked=(Grant, ActivationRun, AuditEvent),
    )

    assert Grant.objects.filter(status="awaiting_effect").count() == 2
    assert list(ActivationRun.objects.values_list("status", "on")) == [
        ("queued", datetime.date(2023, 4, 9))
    ]


def test_activation_runs_are_read_by_the_office_and_auditors(
    client: Client, personas: dict[str, User | None], world: World, office_user: User
) -> None:
    run = grant_services.queue_activation(on=datetime.date(2023, 4, 9), requested_by=office_user)
    assert_authorization_matrix(
        client,
        personas,
        "get",
        url("activation-run-detail", pk=run.pk),
        allowed={"office", "auditor"},
        anonymous_status=401,
        not_found=set(PERSONAS) - {"office", "auditor", "anonymous"},
    )


def _activate(client: Client, on: str, capture: Any) -> dict[str, Any]:
    with capture(execute=True):
        queued = client.post(url("grant-activate-due"), {"on": on}, content_type=JSON)
    assert queued.status_code == 202
    assert queued["Location"] == url("activation-run-detail", pk=queued.json()["id"])
    run = client.get(queued["Location"])
    assert run.status_code == 200
    return {key: run.json()[key] for key in ("on", "status", "rows_done", "rows_total", "percent")}


def test_delegated_grants_take_effect_on_their_date_once(
    client: Client, world: World, office_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(office_user)

    early = _activate(client, "2023-04-08", django_capture_on_commit_callbacks)
    due = _activate(client, "2023-04-09", django_capture_on_commit_callbacks)
    again = _activate(client, "2023-04-10", django_capture_on_commit_callbacks)

    assert [early, due, again] == [
        {"on": "2023-04-08", "status": "activated", "rows_done": 0, "rows_total": 0,
         "percent": 100},
        {"on": "2023-04-09", "status": "activated", "rows_done": 2, "rows_total": 2,
         "percent": 100},
        {"on": "2023-04-10", "status": "activated", "rows_done": 0, "rows_total": 0,
         "percent": 100},
    ]  # fmt: skip
    assert world.grant(world.law_firms, world.east).status == "effective"


def test_asking_while_a_run_is_under_way_answers_that_run(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)

    first = client.post(url("grant-activate-due"), {"on": "2023-04-09"}, content_type=JSON)
    second = client.post(url("grant-activate-due"), {"on": "2023-04-10"}, content_type=JSON)

    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["on"] == "2023-04-09"
    assert ActivationRun.objects.count() == 1


# Sign an entrustment agreement ------------------------------------------------------------------

AGREEMENT = {
    "number": "川司委〔2023〕7号",
    "signed_on": "2023-04-01",
    "starts_on": "2023-04-03",
    "ends_on": "2025-04-02",
}


def test_the_office_or_the_granting_department_signs_agreements(
    personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        RolledBackClient(),
        personas,
        "post",
        url("grant-sign-agreement", pk=world.grant(world.legal_aid, world.home).pk),
        allowed={"office", "department"},
        allowed_status=201,
        anonymous_status=401,
        not_found={"other_department"},
        data=AGREEMENT,
        content_type=JSON,
    )


def test_signing_the_agreement_makes_the_entrusted_grant_effective(
    client: Client, world: World, department_user: User
) -> None:
    grant = world.grant(world.legal_aid, world.home)
    client.force_login(department_user)

    response = client.post(
        url("grant-sign-agreement", pk=grant.pk),
        {
            **AGREEMENT,
            "entrusted_body": "天府新区管委会",
            "covers_decision": False,
            "document": "川司发〔2023〕12号",
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    agreement = EntrustmentAgreement.objects.get()
    assert response.json() == {
        "id": agreement.pk,
        "number": "川司委〔2023〕7号",
        "grant": grant.pk,
        "annual_list": "2023/batch-1",
        "zone": "persona-zone",
        "entrusting_department": "justice",
        "entrusted_body": "天府新区管委会",
        "covers_acceptance": True,
        "covers_review": True,
        "covers_decision": False,
        "signed_on": "2023-04-01",
        "starts_on": "2023-04-03",
        "ends_on": "2025-04-02",
        "renews": None,
        "document": "川司发〔2023〕12号",
        "is_illustrative": False,
    }
    grant.refresh_from_db()
    assert (grant.status, grant.effective_on, grant.handover_due_on) == (
        "effective",
        D(2023, 4, 3),
        D(2023, 5, 17),  # 30 working days: Qingming and Labour Day off, 23 Apr and 6 May worked
    )


def test_a_renewal_names_the_agreement_it_renews(
    client: Client, agreement: EntrustmentAgreement, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("grant-sign-agreement", pk=agreement.grant_id),
        {
            "number": "川司委〔2025〕3号",
            "signed_on": "2025-03-20",
            "starts_on": "2025-04-03",
            "ends_on": "2027-04-02",
            "renews": "川司委〔2023〕7号",
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json()["renews"] == "川司委〔2023〕7号"


@pytest.mark.parametrize(
    ("matter", "changes", "code"),
    [
        ("legal_aid", {"starts_on": "2023-03-31"}, "dates_out_of_order"),
        ("legal_aid", {"ends_on": "2023-04-03"}, "dates_out_of_order"),
        (
            "legal_aid",
            {"covers_acceptance": False, "covers_review": False, "covers_decision": False},
            "empty_scope",
        ),
        ("law_firms", {}, "not_entrusted"),
    ],
)
def test_an_agreement_that_does_not_fit_is_refused_and_nothing_written(
    client: Client,
    world: World,
    department_user: User,
    matter: str,
    changes: dict[str, Any],
    code: str,
) -> None:
    grant = world.grant(getattr(world, matter), world.home)
    before = snapshot()
    client.force_login(department_user)

    response = client.post(
        url("grant-sign-agreement", pk=grant.pk), {**AGREEMENT, **changes}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert snapshot() == before
    assert Grant.objects.get(pk=grant.pk).status == grant.status


def test_a_renewal_signed_after_the_old_term_ended_is_refused(
    client: Client, agreement: EntrustmentAgreement, office_user: User
) -> None:
    before = snapshot()
    client.force_login(office_user)

    response = client.post(
        url("grant-sign-agreement", pk=agreement.grant_id),
        {
            "number": "川司委〔2025〕3号",
            "signed_on": "2025-04-03",
            "starts_on": "2025-04-03",
            "ends_on": "2027-04-02",
            "renews": "川司委〔2023〕7号",
        },
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "late_renewal"
    assert snapshot() == before


def test_a_taken_agreement_number_is_a_duplicate(
    client: Client, agreement: EntrustmentAgreement, office_user: User, world: World
) -> None:
    before = snapshot()
    client.force_login(office_user)

    response = client.post(
        url("grant-sign-agreement", pk=agreement.grant_id),
        {
            **AGREEMENT,
            "signed_on": "2025-03-01",
            "starts_on": "2025-04-03",
            "ends_on": "2027-04-02",
        },
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert snapshot() == before


# Handover ---------------------------------------------------------------------------------------


def test_the_office_the_granting_department_or_the_area_records_handover(
    personas: dict[str, User | None], activated: World
) -> None:
    assert_authorization_matrix(
        RolledBackClient(),
        personas,
        "post",
        url("grant-handover", pk=activated.grant(activated.law_firms, activated.home).pk),
        allowed={"office", "department", "pilot_area"},
        allowed_status=200,
        anonymous_status=401,
        not_found={"other_department"},
        data={"handed_over_on": "2023-05-04"},
        content_type=JSON,
    )


def test_the_area_records_handover(client: Client, activated: World, pilot_area_user: User) -> None:
    grant = activated.grant(activated.law_firms, activated.home)
    client.force_login(pilot_area_user)

    response = client.post(
        url("grant-handover", pk=grant.pk), {"handed_over_on": "2023-05-04"}, content_type=JSON
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["handed_over_on"], body["handover_due_on"]) == (
        grant.pk,
        "handed_over",
        "2023-05-04",
        "2023-05-22",
    )
    event = AuditEvent.objects.get(action="grant.handed_over")
    assert (event.actor, event.target_id) == (pilot_area_user, str(grant.pk))


def test_another_areas_grant_is_not_found_for_a_handover(
    client: Client, activated: World, pilot_area_user: User
) -> None:
    before = snapshot()
    client.force_login(pilot_area_user)

    response = client.post(
        url("grant-handover", pk=activated.grant(activated.law_firms, activated.east).pk),
        {"handed_over_on": "2023-05-04"},
        content_type=JSON,
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("matter", "handed_over_on", "code"),
    [
        ("legal_aid", "2023-05-04", "illegal_transition"),  # still awaiting its agreement
        ("tax_support", "2023-05-04", "illegal_transition"),  # support: nothing to hand over
        ("law_firms", "2023-04-08", "dates_out_of_order"),  # before it took effect
    ],
)
def test_a_handover_out_of_turn_is_refused_and_nothing_written(
    client: Client,
    activated: World,
    office_user: User,
    matter: str,
    handed_over_on: str,
    code: str,
) -> None:
    grant = activated.grant(getattr(activated, matter), activated.home)
    before = snapshot()
    client.force_login(office_user)

    response = client.post(
        url("grant-handover", pk=grant.pk), {"handed_over_on": handed_over_on}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert snapshot() == before


# Supervision measures ---------------------------------------------------------------------------


def test_the_office_the_granting_department_or_the_area_files_supervision(
    client: Client, personas: dict[str, User | None], activated: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("grant-supervision", pk=activated.grant(activated.law_firms, activated.home).pk),
        allowed={"office", "department", "pilot_area"},
        allowed_status=200,
        anonymous_status=401,
        not_found={"other_department"},
        data={"filed_on": "2023-04-20", "document": "川司监〔2023〕2号"},
        content_type=JSON,
    )


def test_the_department_files_supervision_measures(
    client: Client, activated: World, department_user: User
) -> None:
    grant = activated.grant(activated.law_firms, activated.home)
    client.force_login(department_user)

    response = client.post(
        url("grant-supervision", pk=grant.pk),
        {"filed_on": "2023-04-20", "document": "川司监〔2023〕2号"},
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["supervision_filed_on"], body["supervision_document"]) == (
        "effective",
        "2023-04-20",
        "川司监〔2023〕2号",
    )


def test_supervision_without_a_document_or_for_an_ended_grant_is_refused(
    client: Client, activated: World, office_user: User
) -> None:
    grant = activated.grant(activated.law_firms, activated.home)
    client.force_login(office_user)
    before = snapshot()

    missing = client.post(
        url("grant-supervision", pk=grant.pk), {"filed_on": "2023-04-20"}, content_type=JSON
    )

    assert (missing.status_code, missing.json()["code"]) == (400, "document_required")
    assert snapshot() == before
    grant_services.recall_grant(
        grant=grant, recalled_on=D(2023, 6, 1), reason="Audit finding", recalled_by=office_user
    )
    before = snapshot()

    ended = client.post(
        url("grant-supervision", pk=grant.pk),
        {"filed_on": "2023-06-20", "document": "川司监〔2023〕9号"},
        content_type=JSON,
    )

    assert (ended.status_code, ended.json()["code"]) == (400, "illegal_transition")
    assert snapshot() == before


# Recall -----------------------------------------------------------------------------------------


def test_the_office_or_the_granting_department_recalls(
    personas: dict[str, User | None], activated: World
) -> None:
    assert_authorization_matrix(
        RolledBackClient(),
        personas,
        "post",
        url("grant-recall", pk=activated.grant(activated.law_firms, activated.home).pk),
        allowed={"office", "department"},
        allowed_status=200,
        anonymous_status=401,
        not_found={"other_department"},
        data={"recalled_on": "2023-06-01", "reason": "Audit finding"},
        content_type=JSON,
    )


def test_the_department_recalls_a_grant_with_a_reason(
    client: Client, activated: World, department_user: User
) -> None:
    grant = activated.grant(activated.law_firms, activated.home)
    client.force_login(department_user)

    response = client.post(
        url("grant-recall", pk=grant.pk),
        {"recalled_on": "2023-06-01", "reason": "Audit finding"},
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["ended_on"], body["end_reason"]) == (
        "recalled",
        "2023-06-01",
        "Audit finding",
    )
    event = AuditEvent.objects.get(action="grant.recalled")
    assert (event.actor, event.reason) == (department_user, "Audit finding")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"recalled_on": "2023-06-01", "reason": " "}, "reason_required"),
        ({"recalled_on": "2023-06-01"}, "reason_required"),
        ({"recalled_on": "2023-04-01", "reason": "Too early"}, "dates_out_of_order"),
    ],
)
def test_a_recall_without_reason_or_before_effect_is_refused(
    client: Client, activated: World, office_user: User, payload: dict[str, str], code: str
) -> None:
    grant = activated.grant(activated.law_firms, activated.home)
    before = snapshot()
    client.force_login(office_user)

    response = client.post(url("grant-recall", pk=grant.pk), payload, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert snapshot() == before


def test_a_recalled_grant_is_not_recalled_again(
    client: Client, activated: World, office_user: User
) -> None:
    grant = activated.grant(activated.law_firms, activated.home)
    grant_services.recall_grant(
        grant=grant, recalled_on=D(2023, 6, 1), reason="Audit finding", recalled_by=office_user
    )
    before = snapshot()
    client.force_login(office_user)

    response = client.post(
        url("grant-recall", pk=grant.pk),
        {"recalled_on": "2023-07-01", "reason": "Again"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"
    assert snapshot() == before


def test_writes_on_an_unknown_grant_are_not_found(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("grant-recall", pk=999999),
        {"recalled_on": "2023-06-01", "reason": "x"},
        content_type=JSON,
    )

    assert response.status_code == 404
