"""Annual list API: editions by stable key with their counts, entries with filters, the diff
between editions, and every write of the reform office, each through one service."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import read_again
from devolve.core.testing.personas import personas_of_world
from devolve.matters import services
from devolve.matters.models import AnnualList, AuthorizationMode, Department, ListEntry, Matter
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
OFFICE_ONLY = {"office"}


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


@dataclass
class World:
    batch: Batch
    home: Zone
    east: Zone
    law_firms: Matter
    legal_aid: Matter
    tax_support: Matter
    tax_exemption: Matter
    first: AnnualList  # 2023, published
    second: AnnualList  # 2024, a draft derived from 2023 and changed
    justice: Department
    finance: Department
    pilot_area_user: User  # whose zone is home
    office_user: User


@pytest.fixture
def client() -> Client:
    """A client that writes over whatever a record holds (``If-Match: *``) unless a test sends
    an ETag: the If-Match rules themselves are tested in ``test_api.py`` and with stale ETags
    here."""
    return Client(headers={"If-Match": "*"})


@pytest.fixture(autouse=True)
def _signed_in_reader(client: Client, evaluator: User) -> None:
    """Drafts are visible to programme staff only; read as an evaluator unless a test signs in
    someone else (or checks the anonymous public on purpose)."""
    client.force_login(evaluator)


def _build_world(
    justice: Department, finance: Department, pilot_area_user: User, office_user: User
) -> World:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    home = pilot_area_user.zone
    east = ZoneFactory(slug="east", prefecture=prefecture("510700"))
    for zone in (home, east):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    law_firms = MatterFactory(
        competent_department=justice,
        code="511A9000000001",
        name_zh="律师事务所设立审批",
        name_en="Approval of law firms",
    )
    legal_aid = MatterFactory(
        competent_department=justice,
        code="511A9000000002",
        name_zh="法律援助机构指派",
        name_en="Legal aid assignment",
    )
    tax_support = MatterFactory(
        support=True,
        competent_department=finance,
        name_zh="财税管理体制支持",
        name_en="Fiscal and tax administration support",
    )
    tax_exemption = MatterFactory(
        competent_department=finance,
        code="511A9000000004",
        name_zh="非营利组织免税资格认定",
        name_en="Tax exemption of non-profits",
    )
    first = services.create_annual_list(
        year=2023, batch=batch, created_by=office_user, title_en="2023 list"
    )
    services.add_list_entry(
        annual_list=first,
        matter=law_firms,
        mode=mode("delegate"),
        granting_department=justice,
        added_by=office_user,
    )
    services.add_list_entry(
        annual_list=first,
        matter=legal_aid,
        mode=mode("entrust"),
        granting_department=justice,
        receiving_areas=[home],
        conditions="Only with a legal aid centre",
        added_by=office_user,
    )
    services.add_list_entry(
        annual_list=first,
        matter=tax_support,
        mode=mode("support"),
        granting_department=finance,
        added_by=office_user,
    )
    services.submit_annual_list_for_review(annual_list=first, submitted_by=office_user)
    services.approve_annual_list(
        annual_list=first,
        approved_by=office_user,
        approved_on=D(2023, 3, 1),
        document_number="川改办〔2023〕1号",
    )
    # Publishing proper (with grants) belongs to the grants app; the list only needs its status.
    first.refresh_from_db()
    services.mark_annual_list_published(
        annual_list=first, published_on=D(2023, 3, 10), published_by=office_user
    )
    second = services.derive_annual_list(predecessor=first, year=2024, created_by=office_user)
    carried = {entry.matter_id: entry for entry in second.entries.all()}
    services.update_list_entry(
        entry=carried[law_firms.pk],
        mode=mode("entrust"),
        updated_by=office_user,
        reason="The law keeps the decision with the department.",
    )
    services.withdraw_list_entry(
        entry=carried[tax_support.pk], withdrawn_by=office_user, reason="Fiscal reform completed."
    )
    services.add_list_entry(
        annual_list=second,
        matter=tax_exemption,
        mode=mode("delegate"),
        granting_department=finance,
        receiving_areas=[east],
        change_reason="Asked for by east.",
        added_by=office_user,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return World(
        batch,
        home,
        east,
        law_firms,
        legal_aid,
        tax_support,
        tax_exemption,
        first,
        second,
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
    """2023 published (law firms delegated, legal aid entrusted to home, tax support); 2024 drafted
    from it: law firms entrusted instead, tax support withdrawn, tax exemption added."""
    return read_again(_world_once)


# The personas the world names are the world's (the root conftest's fixtures would add others).
justice, finance, pilot_area_user, office_user = personas_of_world(
    "justice", "finance", "pilot_area_user", "office_user"
)


def entry_of(annual_list: AnnualList, matter: Matter) -> ListEntry:
    return ListEntry.objects.get(annual_list=annual_list, matter=matter)


def matter_body(matter: Matter) -> dict[str, Any]:
    return {
        "id": matter.pk,
        "code": matter.code,
        "name_zh": matter.name_zh,
        "name_en": matter.name_en,
        "kind": matter.kind,
    }


class RolledBackClient(Client):
    """A client whose every request is undone afterwards, so each persona of an authorization
    matrix acts on the same state (a removal or a one-off transition succeeds for each)."""

    def request(self, **request: Any) -> Any:
        with transaction.atomic():
            response = super().request(**request)
            transaction.set_rollback(True)
        return response


def writes(annual_list: AnnualList) -> tuple[int, int, int]:
    """What a refused write must leave alone: audit events, entries and the edition's history."""
    return (
        AuditEvent.objects.count(),
        ListEntry.objects.filter(annual_list=annual_list).count(),
        annual_list.history.count(),
    )


# Reads: editions --------------------------------------------------------------------------------


def test_annual_lists_are_listed_newest_first_with_their_keys(client: Client, world: World) -> None:
    body = client.get(url("annual-list-list")).json()

    assert body["count"] == 2
    assert [item["key"] for item in body["results"]] == ["2024/batch-1", "2023/batch-1"]


def test_annual_list_page_does_not_query_per_edition(
    client: Client, world: World, office_user: User
) -> None:
    with CaptureQueriesContext(connection) as two_editions:
        client.get(url("annual-list-list"))
    services.create_annual_list(year=2026, batch=world.batch, created_by=office_user)
    with CaptureQueriesContext(connection) as three_editions:
        body = client.get(url("annual-list-list")).json()

    assert body["count"] == 3
    assert [item["counts"]["entries"] for item in body["results"]][1:] == [
        world.second.entries.exclude(change="withdrawn").count(),
        world.first.entries.count(),
    ]
    assert len(three_editions) == len(two_editions)


def test_published_edition_is_read_by_its_key_with_counts(client: Client, world: World) -> None:
    response = client.get("/api/v1/annual-lists/2023/batch-1/")

    assert response.status_code == 200
    assert response.json() == {
        "key": "2023/batch-1",
        "year": 2023,
        "batch": 1,
        "edition": 1,
        "predecessor": None,
        "status": "published",
        "title_zh": "",
        "title_en": "2023 list",
        "approving_meeting_zh": "",
        "approving_meeting_en": "",
        "document_number": "川改办〔2023〕1号",
        "issuing_authority_zh": "",
        "addressees_zh": "",
        "approved_on": "2023-03-01",
        "published_on": "2023-03-10",
        "superseded_on": None,
        "delegation_effective_days": 30,
        "handover_working_days": 30,
        "renewal_warning_days": 15,
        "is_illustrative": False,
        "source": "",
        "counts": {
            "entries": 3,
            "powers": 2,
            "support": 1,
            "withdrawn": 0,
            "by_mode": {"delegate": 1, "entrust": 1, "support": 1},
        },
        "actions": [],  # the public is offered nothing
    }


def test_derived_draft_counts_live_entries_and_withdrawn_apart(
    client: Client, world: World
) -> None:
    body = client.get(url("annual-list-detail", key="2024/batch-1")).json()

    assert (body["status"], body["predecessor"]) == ("draft", "2023/batch-1")
    assert body["counts"] == {
        "entries": 3,
        "powers": 3,
        "support": 0,
        "withdrawn": 1,
        "by_mode": {"delegate": 1, "entrust": 2},
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/annual-lists/2022/batch-1/",
        "/api/v1/annual-lists/2023/batch-9/",
        "/api/v1/annual-lists/2023/batch-1/e2/",
        "/api/v1/annual-lists/2023/batch-1/entries/999999/",
        "/api/v1/annual-lists/2022/batch-1/entries/",
        "/api/v1/annual-lists/2022/batch-1/diff/",
    ],
)
def test_an_unknown_edition_is_not_found(client: Client, world: World, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({"status": "published"}, ["2023/batch-1"]),
        ({"status": "draft"}, ["2024/batch-1"]),
        ({"year": 2024}, ["2024/batch-1"]),
        ({"batch": 1}, ["2024/batch-1", "2023/batch-1"]),
        ({"batch": 2}, []),
    ],
)
def test_annual_lists_filter(
    client: Client, world: World, query: dict[str, Any], keys: list[str]
) -> None:
    body = client.get(url("annual-list-list"), query).json()

    assert [item["key"] for item in body["results"]] == keys


# Reads: entries ---------------------------------------------------------------------------------


def test_entries_of_an_edition_in_list_order(client: Client, world: World) -> None:
    body = client.get("/api/v1/annual-lists/2023/batch-1/entries/").json()

    law_firms, legal_aid, tax = (
        entry_of(world.first, matter)
        for matter in (world.law_firms, world.legal_aid, world.tax_support)
    )
    assert body["count"] == 3
    assert body["results"] == [
        {
            "id": law_firms.pk,
            "sequence": 1,
            "matter": matter_body(world.law_firms),
            "mode": "delegate",
            "granting_department": "justice",
            "supervising_department": None,
            "all_areas": True,
            "receiving_areas": [],
            "conditions": "",
            "notes": "",
            "effective_on": None,
            "ends_on": None,
            "change": "added",
            "change_reason": "",
            "changed_fields": {},
            "demand_item": None,
            "sub_items": [],
            "is_illustrative": False,
        },
        {
            "id": legal_aid.pk,
            "sequence": 2,
            "matter": matter_body(world.legal_aid),
            "mode": "entrust",
            "granting_department": "justice",
            "supervising_department": None,
            "all_areas": False,
            "receiving_areas": ["persona-zone"],
            "conditions": "Only with a legal aid centre",
            "notes": "",
            "effective_on": None,
            "ends_on": None,
            "change": "added",
            "change_reason": "",
            "changed_fields": {},
            "demand_item": None,
            "sub_items": [],
            "is_illustrative": False,
        },
        {
            "id": tax.pk,
            "sequence": 3,
            "matter": matter_body(world.tax_support),
            "mode": "support",
            "granting_department": "finance",
            "supervising_department": None,
            "all_areas": True,
            "receiving_areas": [],
            "conditions": "",
            "notes": "",
            "effective_on": None,
            "ends_on": None,
            "change": "added",
            "change_reason": "",
            "changed_fields": {},
            "demand_item": None,
            "sub_items": [],
            "is_illustrative": False,
        },
    ]


def test_an_entry_shows_its_change_against_the_predecessor(client: Client, world: World) -> None:
    entry = entry_of(world.second, world.law_firms)

    body = client.get(url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk)).json()

    assert (body["sequence"], body["mode"], body["change"]) == (1, "entrust", "modified")
    assert body["change_reason"] == "The law keeps the decision with the department."
    assert body["changed_fields"] == {"mode": ["delegate", "entrust"]}


def test_an_entry_of_another_edition_is_not_found_under_this_one(
    client: Client, world: World
) -> None:
    entry = entry_of(world.first, world.law_firms)

    response = client.get(url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "matters"),
    [
        ({}, ["law_firms", "legal_aid", "tax_support", "tax_exemption"]),
        ({"kind": "support"}, ["tax_support"]),
        ({"kind": "power"}, ["law_firms", "legal_aid", "tax_exemption"]),
        ({"mode": "entrust"}, ["law_firms", "legal_aid"]),
        ({"mode": "delegate"}, ["tax_exemption"]),
        ({"department": "finance"}, ["tax_support", "tax_exemption"]),
        ({"department": "justice", "change": "kept"}, ["legal_aid"]),
        ({"change": "modified"}, ["law_firms"]),
        ({"change": "withdrawn"}, ["tax_support"]),
        ({"change": "added"}, ["tax_exemption"]),
    ],
)
def test_entries_filter(
    client: Client, world: World, query: dict[str, str], matters: list[str]
) -> None:
    body = client.get(url("list-entry-list", annual_list_key="2024/batch-1"), query).json()

    expected = [getattr(world, name).pk for name in matters]
    assert [item["matter"]["id"] for item in body["results"]] == expected
    assert body["count"] == len(matters)


def test_an_unknown_filter_value_is_refused(client: Client, world: World) -> None:
    response = client.get(
        url("list-entry-list", annual_list_key="2024/batch-1"), {"mode": "borrow"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# Reads: diff ------------------------------------------------------------------------------------


def test_diff_against_the_predecessor_by_default(client: Client, world: World) -> None:
    response = client.get("/api/v1/annual-lists/2024/batch-1/diff/")

    assert response.status_code == 200
    assert response.json() == {
        "old": "2023/batch-1",
        "new": "2024/batch-1",
        "counts": {"added": 1, "removed": 1, "modified": 1, "unchanged": 1},
        "differences": [
            {
                "kind": "modified",
                "matter": world.law_firms.pk,
                "matter_code": "511A9000000001",
                "matter_name_zh": "律师事务所设立审批",
                "matter_name_en": "Approval of law firms",
                "old_sequence": 1,
                "new_sequence": 1,
                "changes": [{"field": "mode", "before": "delegate", "after": "entrust"}],
                "reason": "The law keeps the decision with the department.",
            },
            {
                "kind": "unchanged",
                "matter": world.legal_aid.pk,
                "matter_code": "511A9000000002",
                "matter_name_zh": "法律援助机构指派",
                "matter_name_en": "Legal aid assignment",
                "old_sequence": 2,
                "new_sequence": 2,
                "changes": [],
                "reason": "",
            },
            {
                "kind": "removed",
                "matter": world.tax_support.pk,
                "matter_code": "",
                "matter_name_zh": "财税管理体制支持",
                "matter_name_en": "Fiscal and tax administration support",
                "old_sequence": 3,
                "new_sequence": 3,
                "changes": [],
                "reason": "Fiscal reform completed.",
            },
            {
                "kind": "added",
                "matter": world.tax_exemption.pk,
                "matter_code": "511A9000000004",
                "matter_name_zh": "非营利组织免税资格认定",
                "matter_name_en": "Tax exemption of non-profits",
                "old_sequence": None,
                "new_sequence": 4,
                "changes": [],
                "reason": "Asked for by east.",
            },
        ],
    }


def test_diff_against_a_named_edition(client: Client, world: World) -> None:
    body = client.get(
        url("annual-list-diff", key="2023/batch-1"), {"against": "2024/batch-1"}
    ).json()

    assert (body["old"], body["new"]) == ("2024/batch-1", "2023/batch-1")
    assert body["counts"] == {"added": 1, "removed": 1, "modified": 1, "unchanged": 1}
    assert [(item["kind"], item["matter"]) for item in body["differences"]] == [
        ("modified", world.law_firms.pk),
        ("unchanged", world.legal_aid.pk),
        ("added", world.tax_support.pk),
        ("removed", world.tax_exemption.pk),
    ]


def test_diff_of_an_edition_without_predecessor_needs_against(client: Client, world: World) -> None:
    response = client.get(url("annual-list-diff", key="2023/batch-1"))

    assert response.status_code == 400
    assert response.json()["code"] == "no_predecessor"
    assert response.json()["field"] == "against"


def test_diff_against_an_unknown_edition_is_refused(client: Client, world: World) -> None:
    response = client.get(url("annual-list-diff", key="2024/batch-1"), {"against": "1999/batch-1"})

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_edition"


def test_an_anonymous_reader_cannot_diff_against_a_draft(client: Client, world: World) -> None:
    client.logout()
    draft = url("annual-list-diff", key="2024/batch-1")
    assert client.get(draft).status_code == 404
    response = client.get(url("annual-list-diff", key="2023/batch-1"), {"against": "2024/batch-1"})

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_edition"
    assert "differences" not in response.json()


# Create and derive ------------------------------------------------------------------------------


def test_only_the_office_creates_an_edition(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("annual-list-list"),
        allowed=OFFICE_ONLY,
        allowed_status=201,
        anonymous_status=401,
        data={"year": 2025, "batch": 1},
        content_type=JSON,
    )

    assert list(AnnualList.objects.filter(year=2025).values_list("status", "edition")) == [
        ("draft", 1)
    ]


def test_office_creates_an_empty_draft(client: Client, world: World, office_user: User) -> None:
    client.force_login(office_user)

    response = client.post(
        url("annual-list-list"),
        {
            "year": 2025,
            "batch": 1,
            "title_zh": "2025年清单",
            "delegation_effective_days": 20,
            "handover_working_days": 15,
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["key"], body["status"], body["predecessor"], body["title_zh"]) == (
        "2025/batch-1",
        "draft",
        None,
        "2025年清单",
    )
    assert (body["delegation_effective_days"], body["handover_working_days"]) == (20, 15)
    assert body["counts"] == {
        "entries": 0,
        "powers": 0,
        "support": 0,
        "withdrawn": 0,
        "by_mode": {},
    }
    created = AnnualList.objects.get(year=2025)
    assert AuditEvent.objects.filter(action="annual_list.created", target_id=str(created.pk)).get()


def test_a_second_edition_one_of_a_year_is_a_duplicate(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)
    before = AuditEvent.objects.count()

    response = client.post(url("annual-list-list"), {"year": 2023, "batch": 1}, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert AnnualList.objects.count() == 2
    assert AuditEvent.objects.count() == before


def test_only_the_office_derives_an_edition(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("annual-list-derive", key="2023/batch-1"),
        allowed=OFFICE_ONLY,
        allowed_status=201,
        anonymous_status=401,
        data={"year": 2023, "edition": 2},
        content_type=JSON,
    )


def test_office_derives_a_correction_with_its_own_key(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("annual-list-derive", key="2023/batch-1"),
        {"year": 2023, "edition": 2, "title_en": "2023 list, corrected"},
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["key"], body["predecessor"], body["status"], body["title_en"]) == (
        "2023/batch-1/e2",
        "2023/batch-1",
        "draft",
        "2023 list, corrected",
    )
    assert body["counts"]["entries"] == 3
    detail = client.get("/api/v1/annual-lists/2023/batch-1/e2/").json()
    assert detail["key"] == "2023/batch-1/e2"
    entries = client.get("/api/v1/annual-lists/2023/batch-1/e2/entries/").json()
    assert [item["change"] for item in entries["results"]] == ["kept", "kept", "kept"]


def test_a_draft_cannot_be_derived_from(client: Client, world: World, office_user: User) -> None:
    client.force_login(office_user)
    before = AnnualList.objects.count()

    response = client.post(
        url("annual-list-derive", key="2024/batch-1"), {"year": 2025}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_predecessor"
    assert AnnualList.objects.count() == before


def test_only_the_office_retitles_a_draft(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "patch",
        url("annual-list-detail", key="2024/batch-1"),
        allowed=OFFICE_ONLY,
        anonymous_status=401,
        data={"title_zh": "2024年第一批集成授权事项清单"},
        content_type=JSON,
    )


def test_office_retitles_a_draft_and_a_title_left_out_stays(
    client: Client, world: World, office_user: User
) -> None:
    client.force_login(office_user)
    version = client.get(url("annual-list-detail", key="2024/batch-1"))["ETag"]

    response = client.patch(
        url("annual-list-detail", key="2024/batch-1"),
        {"title_zh": " 2024年第一批集成授权事项清单 "},
        content_type=JSON,
        headers={"If-Match": version},
    )
    stale = client.patch(
        url("annual-list-detail", key="2024/batch-1"),
        {"title_zh": "另一个标题"},
        content_type=JSON,
        headers={"If-Match": version},
    )

    assert response.status_code == 200
    assert (response.json()["title_zh"], response.json()["title_en"]) == (
        "2024年第一批集成授权事项清单",
        "2024 list",
    )
    assert stale.status_code == 412
    world.second.refresh_from_db()
    assert world.second.title_zh == "2024年第一批集成授权事项清单"
    event = AuditEvent.objects.filter(action="annual_list.retitled").get()
    assert event.details["before"]["title_zh"] == ""


@pytest.mark.parametrize(
    ("key", "payload", "code"),
    [
        ("2023/batch-1", {"title_zh": "改名"}, "not_editable"),
        ("2024/batch-1", {"title_zh": " "}, "title_required"),
    ],
)
def test_a_published_edition_or_an_empty_chinese_title_is_refused(
    client: Client, world: World, office_user: User, key: str, payload: dict[str, str], code: str
) -> None:
    client.force_login(office_user)

    response = client.patch(url("annual-list-detail", key=key), payload, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert AuditEvent.objects.filter(action="annual_list.retitled").count() == 0


# Entries: add, update, withdraw, remove ---------------------------------------------------------


def _new_entry_payload(matter: Matter, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "matter": matter.pk,
        "mode": "delegate",
        "granting_department": matter.competent_department.code,
    }
    payload.update(changes)
    return payload


def test_only_the_office_adds_entries(
    client: Client, personas: dict[str, User | None], world: World, justice: Department
) -> None:
    extra = MatterFactory(competent_department=justice)

    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("list-entry-list", annual_list_key="2024/batch-1"),
        allowed=OFFICE_ONLY,
        allowed_status=201,
        anonymous_status=401,
        data=_new_entry_payload(extra),
        content_type=JSON,
    )

    assert ListEntry.objects.filter(matter=extra).count() == 1


def test_office_adds_an_entry_for_some_areas(
    client: Client, world: World, office_user: User, justice: Department
) -> None:
    extra = MatterFactory(
        competent_department=justice, code="511A9000000005", name_zh="公证机构执业审批"
    )
    client.force_login(office_user)

    response = client.post(
        url("list-entry-list", annual_list_key="2024/batch-1"),
        _new_entry_payload(
            extra,
            supervising_department="finance",
            receiving_areas=["east"],
            conditions="After training",
            change_reason="Requested by east",
        ),
        content_type=JSON,
    )

    assert response.status_code == 201
    entry = ListEntry.objects.get(matter=extra)
    assert response.json() == {
        "id": entry.pk,
        "sequence": 5,
        "matter": matter_body(extra),
        "mode": "delegate",
        "granting_department": "justice",
        "supervising_department": "finance",
        "all_areas": False,
        "receiving_areas": ["east"],
        "conditions": "After training",
        "notes": "",
        "effective_on": None,
        "ends_on": None,
        "change": "added",
        "change_reason": "Requested by east",
        "changed_fields": {},
        "demand_item": None,
        "sub_items": [],
        "is_illustrative": False,
    }


@pytest.mark.parametrize(
    ("key", "changes", "code"),
    [
        ("2023/batch-1", {}, "not_editable"),
        ("2024/batch-1", {"mode": "support"}, "mode_mismatch"),
        ("2024/batch-1", {"receiving_areas": ["outsider"]}, "not_a_batch_member"),
        ("2024/batch-1", {"sequence": 1}, "duplicate"),
    ],
)
def test_an_entry_that_does_not_fit_is_refused_and_nothing_written(
    client: Client,
    world: World,
    office_user: User,
    justice: Department,
    key: str,
    changes: dict[str, Any],
    code: str,
) -> None:
    ZoneFactory(slug="outsider")
    extra = MatterFactory(competent_department=justice)
    annual_list = AnnualList.objects.get(year=int(key[:4]))
    before = writes(annual_list)
    client.force_login(office_user)

    response = client.post(
        url("list-entry-list", annual_list_key=key),
        _new_entry_payload(extra, **changes),
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert writes(annual_list) == before


def test_only_the_office_updates_entries(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    entry = entry_of(world.second, world.legal_aid)

    assert_authorization_matrix(
        client,
        personas,
        "patch",
        url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk),
        allowed=OFFICE_ONLY,
        allowed_status=200,
        anonymous_status=401,
        data={"notes": "Handled by the legal aid centre", "reason": "Clarified"},
        content_type=JSON,
    )


def test_office_changes_a_carried_entry_which_becomes_modified(
    client: Client, world: World, office_user: User
) -> None:
    entry = entry_of(world.second, world.legal_aid)
    client.force_login(office_user)

    response = client.patch(
        url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk),
        {"receiving_areas": ["persona-zone", "east"], "reason": "East is ready too"},
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["change"], body["change_reason"], body["receiving_areas"]) == (
        "modified",
        "East is ready too",
        ["persona-zone", "east"],  # by prefecture: Chengdu, then Mianyang
    )
    assert body["changed_fields"] == {
        "receiving_areas": [["persona-zone"], ["east", "persona-zone"]]
    }


def test_null_removes_the_supervising_department_and_leaving_it_out_keeps_it(
    client: Client, world: World, office_user: User, finance: Department
) -> None:
    entry = entry_of(world.second, world.legal_aid)
    entry.supervising_department = finance
    entry.save()
    client.force_login(office_user)
    detail = url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk)

    kept = client.patch(detail, {"notes": "Checked", "reason": "Checked"}, content_type=JSON)
    removed = client.patch(
        detail, {"supervising_department": None, "reason": "Nobody supervises"}, content_type=JSON
    )

    assert kept.json()["supervising_department"] == "finance"
    assert removed.status_code == 200
    assert removed.json()["supervising_department"] is None
    entry.refresh_from_db()
    assert entry.supervising_department is None


def test_an_entry_takes_its_own_dates_and_null_removes_them(
    client: Client, world: World, office_user: User
) -> None:
    entry = entry_of(world.second, world.legal_aid)
    client.force_login(office_user)
    detail = url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk)

    dated = client.patch(
        detail, {"effective_on": "2024-04-01", "ends_on": "2026-03-31"}, content_type=JSON
    )
    kept = client.patch(detail, {"notes": "Checked", "reason": "Checked"}, content_type=JSON)
    backwards = client.patch(detail, {"ends_on": "2024-03-31"}, content_type=JSON)
    removed = client.patch(
        detail, {"effective_on": None, "ends_on": None, "reason": "Checked"}, content_type=JSON
    )

    assert (dated.json()["effective_on"], dated.json()["ends_on"]) == ("2024-04-01", "2026-03-31")
    assert (kept.json()["effective_on"], kept.json()["ends_on"]) == ("2024-04-01", "2026-03-31")
    assert backwards.status_code == 400
    assert (removed.json()["effective_on"], removed.json()["ends_on"]) == (None, None)


def test_a_change_without_a_reason_is_refused(
    client: Client, world: World, office_user: User
) -> None:
    entry = entry_of(world.second, world.legal_aid)
    before = writes(world.second)
    client.force_login(office_user)

    response = client.patch(
        url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk),
        {"mode": "delegate"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    entry.refresh_from_db()
    assert (entry.mode.code, entry.change) == ("entrust", "kept")
    assert writes(world.second) == before


def test_an_entry_of_a_published_edition_cannot_change(
    client: Client, world: World, office_user: User
) -> None:
    entry = entry_of(world.first, world.law_firms)
    history = entry.history.count()
    before = writes(world.first)
    client.force_login(office_user)

    response = client.patch(
        url("list-entry-detail", annual_list_key="2023/batch-1", pk=entry.pk),
        {"notes": "Too late", "reason": "Correction"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "not_editable"
    entry.refresh_from_db()
    assert entry.notes == ""
    assert entry.history.count() == history
    assert writes(world.first) == before


def test_entries_cannot_be_replaced_with_put(
    client: Client, world: World, office_user: User
) -> None:
    entry = entry_of(world.second, world.legal_aid)
    client.force_login(office_user)

    response = client.put(
        url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk),
        {"notes": "x"},
        content_type=JSON,
    )

    assert response.status_code == 405


def test_only_the_office_withdraws_entries(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    entry = entry_of(world.second, world.legal_aid)

    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("list-entry-withdraw", annual_list_key="2024/batch-1", pk=entry.pk),
        allowed=OFFICE_ONLY,
        allowed_status=200,
        anonymous_status=401,
        data={"reason": "Legal aid reorganised"},
        content_type=JSON,
    )

    entry.refresh_from_db()
    assert (entry.change, entry.change_reason) == ("withdrawn", "Legal aid reorganised")


@pytest.mark.parametrize(
    ("matter", "reason", "code"),
    [
        ("legal_aid", "", "reason_required"),
        ("tax_exemption", "Not needed", "nothing_to_withdraw"),
    ],
)
def test_a_withdrawal_is_refused_without_reason_or_for_a_new_entry(
    client: Client, world: World, office_user: User, matter: str, reason: str, code: str
) -> None:
    entry = entry_of(world.second, getattr(world, matter))
    change = entry.change
    before = writes(world.second)
    client.force_login(office_user)

    response = client.post(
        url("list-entry-withdraw", annual_list_key="2024/batch-1", pk=entry.pk),
        {"reason": reason},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    entry.refresh_from_db()
    assert entry.change == change
    assert writes(world.second) == before


def test_only_the_office_removes_entries(personas: dict[str, User | None], world: World) -> None:
    entry = entry_of(world.second, world.tax_exemption)

    assert_authorization_matrix(
        RolledBackClient(),
        personas,
        "post",
        url("list-entry-remove", annual_list_key="2024/batch-1", pk=entry.pk),
        allowed=OFFICE_ONLY,
        allowed_status=204,
        anonymous_status=401,
        data={"reason": "Added by mistake"},
        content_type=JSON,
    )


def test_office_removes_a_new_entry(client: Client, world: World, office_user: User) -> None:
    entry = entry_of(world.second, world.tax_exemption)
    client.force_login(office_user)

    response = client.post(
        url("list-entry-remove", annual_list_key="2024/batch-1", pk=entry.pk),
        {"reason": "Added by mistake"},
        content_type=JSON,
    )

    assert response.status_code == 204
    assert not ListEntry.objects.filter(pk=entry.pk).exists()
    event = AuditEvent.objects.get(action="list_entry.removed")
    assert (event.actor, event.reason) == (office_user, "Added by mistake")


def test_a_carried_entry_is_withdrawn_not_removed(
    client: Client, world: World, office_user: User
) -> None:
    entry = entry_of(world.second, world.legal_aid)
    before = writes(world.second)
    client.force_login(office_user)

    response = client.post(
        url("list-entry-remove", annual_list_key="2024/batch-1", pk=entry.pk),
        {},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "carried_forward"
    assert writes(world.second) == before


# Submit, return, approve ------------------------------------------------------------------------


def test_only_the_office_submits_an_edition(
    client: Client, personas: dict[str, User | None], world: World
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("annual-list-submit", key="2024/batch-1"),
        allowed=OFFICE_ONLY,
        allowed_status=200,
        anonymous_status=401,
        content_type=JSON,
    )

    world.second.refresh_from_db()
    assert world.second.status == "in_review"


def test_an_empty_edition_is_not_submitted(client: Client, world: World, office_user: User) -> None:
    empty = services.create_annual_list(year=2025, batch=world.batch, created_by=office_user)
    before = writes(empty)
    client.force_login(office_user)

    response = client.post(url("annual-list-submit", key="2025/batch-1"))

    assert response.status_code == 400
    assert response.json()["code"] == "empty_list"
    empty.refresh_from_db()
    assert empty.status == "draft"
    assert writes(empty) == before


def test_office_returns_an_edition_in_review_with_a_reason(
    client: Client, world: World, office_user: User
) -> None:
    services.submit_annual_list_for_review(annual_list=world.second, submitted_by=office_user)
    client.force_login(office_user)

    response = client.post(
        url("annual-list-return", key="2024/batch-1"),
        {"reason": "Check the legal basis"},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    event = AuditEvent.objects.get(action="annual_list.returned")
    assert event.reason == "Check the legal basis"


@pytest.mark.parametrize(
    ("submitted", "reason", "code"),
    [(True, "", "reason_required"), (False, "Not yet", "illegal_transition")],
)
def test_a_return_without_reason_or_from_draft_is_refused(
    client: Client, world: World, office_user: User, submitted: bool, reason: str, code: str
) -> None:
    if submitted:
        services.submit_annual_list_for_review(annual_list=world.second, submitted_by=office_user)
    status = AnnualList.objects.get(pk=world.second.pk).status
    before = writes(world.second)
    client.force_login(office_user)

    response = client.post(
        url("annual-list-return", key="2024/batch-1"), {"reason": reason}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert AnnualList.objects.get(pk=world.second.pk).status == status
    assert writes(world.second) == before


def test_only_the_office_returns_an_edition(
    client: Client, personas: dict[str, User | None], world: World, office_user: User
) -> None:
    services.submit_annual_list_for_review(annual_list=world.second, submitted_by=office_user)

    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("annual-list-return", key="2024/batch-1"),
        allowed=OFFICE_ONLY,
        allowed_status=200,
        anonymous_status=401,
        data={"reason": "Check the legal basis"},
        content_type=JSON,
    )


def test_only_the_office_approves_an_edition(
    client: Client, personas: dict[str, User | None], world: World, office_user: User
) -> None:
    services.submit_annual_list_for_review(annual_list=world.second, submitted_by=office_user)

    assert_authorization_matrix(
        client,
        personas,
        "post",
        url("annual-list-approve", key="2024/batch-1"),
        allowed=OFFICE_ONLY,
        allowed_status=200,
        anonymous_status=401,
        data={"approved_on": "2024-02-01", "document_number": "川改办〔2024〕1号"},
        content_type=JSON,
    )


def test_office_approves_an_edition_in_review(
    client: Client, world: World, office_user: User
) -> None:
    services.submit_annual_list_for_review(annual_list=world.second, submitted_by=office_user)
    client.force_login(office_user)

    response = client.post(
        url("annual-list-approve", key="2024/batch-1"),
        {
            "approved_on": "2024-02-01",
            "document_number": "川改办〔2024〕1号",
            "approving_meeting_zh": "省委全面深化改革委员会第五次会议",
            "approving_meeting_en": "Fifth meeting of the reform commission",
        },
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (
        body["status"],
        body["approved_on"],
        body["document_number"],
        body["approving_meeting_zh"],
        body["approving_meeting_en"],
        body["published_on"],
    ) == (
        "approved",
        "2024-02-01",
        "川改办〔2024〕1号",
        "省委全面深化改革委员会第五次会议",
        "Fifth meeting of the reform commission",
        None,
    )


@pytest.mark.parametrize(
    ("submitted", "payload", "code"),
    [
        (False, {"approved_on": "2024-02-01", "document_number": "1号"}, "illegal_transition"),
        (True, {"approved_on": "2024-02-01", "document_number": " "}, "document_number_required"),
    ],
)
def test_an_approval_out_of_turn_or_without_document_number_is_refused(
    client: Client,
    world: World,
    office_user: User,
    submitted: bool,
    payload: dict[str, str],
    code: str,
) -> None:
    if submitted:
        services.submit_annual_list_for_review(annual_list=world.second, submitted_by=office_user)
    status = AnnualList.objects.get(pk=world.second.pk).status
    before = writes(world.second)
    client.force_login(office_user)

    response = client.post(
        url("annual-list-approve", key="2024/batch-1"), payload, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    refreshed = AnnualList.objects.get(pk=world.second.pk)
    assert (refreshed.status, refreshed.approved_on, refreshed.document_number) == (
        status,
        None,
        "",
    )
    assert writes(world.second) == before


def test_a_published_edition_is_not_submitted_again(
    client: Client, world: World, office_user: User
) -> None:
    before = writes(world.first)
    client.force_login(office_user)

    response = client.post(url("annual-list-submit", key="2023/batch-1"))

    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"
    assert AnnualList.objects.get(pk=world.first.pk).status == "published"
    assert writes(world.first) == before


def test_the_public_sees_published_editions_but_not_drafts(client: Client, world: World) -> None:
    client.logout()

    listed = client.get(url("annual-list-list")).json()
    draft = client.get(url("annual-list-detail", key="2024/batch-1"))

    assert [edition["key"] for edition in listed["results"]] == ["2023/batch-1"]
    assert draft.status_code == 404


def test_a_stale_entry_patch_is_refused_and_changes_nothing(
    client: Client, world: World, office_user: User
) -> None:
    entry = entry_of(world.second, world.legal_aid)
    detail = url("list-entry-detail", annual_list_key="2024/batch-1", pk=entry.pk)
    colleague = Client(headers={"If-Match": "*"})
    colleague.force_login(office_user)
    colleague.patch(detail, {"notes": "First", "reason": "Checked"}, content_type=JSON)
    client.force_login(office_user)
    seen = client.get(detail)["ETag"]
    colleague.patch(detail, {"notes": "Second", "reason": "Checked"}, content_type=JSON)

    stale = client.patch(
        detail,
        {"notes": "Third", "reason": "Checked"},
        content_type=JSON,
        headers={"If-Match": seen},
    )

    assert stale.status_code == 412
    assert {"field": "notes", "before": "First", "after": "Second"} in stale.json()["changes"]
    entry.refresh_from_db()
    assert entry.notes == "Second"
