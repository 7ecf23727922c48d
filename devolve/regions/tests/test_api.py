"""Registry API: public reads with filters and pages; writes by the office through services."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from time_machine import TimeMachineFixture

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.demo import sichuan
from devolve.demo.testing import seeded_demo
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

TODAY = datetime.date(2025, 6, 1)
BEFORE_BATCH_2 = datetime.date(2024, 6, 1)
JSON = "application/json"
EVERYONE_BUT_THE_OFFICE = [
    "department",
    "other_department",
    "prefecture",
    "pilot_area",
    "evaluator",
    "auditor",
]


@pytest.fixture(autouse=True)
def _today(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(
        datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    )


@pytest.fixture
def demo(db: None) -> None:
    seeded_demo(with_users=False)


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def _in_api_language(message: str) -> str:
    """Without an Accept-Language header the API answers in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def _slugs(body: dict[str, Any]) -> set[str]:
    return {item["slug"] for item in body["results"]}


def _demo_slugs(*, batches: set[int]) -> set[str]:
    return {zone.slug for zone in sichuan.ZONES if zone.batch in batches}


def _zone_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "slug": "api-zone",
        "name_zh": "接口开发区",
        "name_en": "API Zone",
        "kind": Zone.Kind.ETDZ,
        "level": Zone.Level.PROVINCIAL,
        "prefecture_code": "510100",
        "reason": "Registered through the API",
    }
    payload.update(changes)
    return payload


def _nothing_written(*, zones: int = 0, batches: int = 0, memberships: int = 0) -> None:
    assert (Zone.objects.count(), Batch.objects.count(), BatchMembership.objects.count()) == (
        zones,
        batches,
        memberships,
    )
    assert AuditEvent.objects.count() == 0


# Divisions --------------------------------------------------------------------------------------


def test_divisions_list_the_province_and_its_prefectures(client: Client, db: None) -> None:
    body = client.get(_url("division-list")).json()

    assert body["count"] == Division.objects.count() == 22
    assert [item["code"] for item in body["results"]] == list(
        Division.objects.order_by("code").values_list("code", flat=True)
    )
    assert body["results"][1] == {
        "code": "510100",
        "level": "prefecture",
        "name_zh": "成都市",
        "name_en": "Chengdu",
        "parent": "510000",
    }


@pytest.mark.parametrize(("level", "count"), [("province", 1), ("prefecture", 21), ("county", 0)])
def test_divisions_filter_by_level(client: Client, db: None, level: str, count: int) -> None:
    body = client.get(_url("division-list"), {"level": level}).json()

    assert body["count"] == count
    assert {item["level"] for item in body["results"]} == ({level} if count else set())


def test_divisions_are_paginated(client: Client, db: None) -> None:
    first_page = client.get(_url("division-list"), {"page_size": 5}).json()
    last_page = client.get(_url("division-list"), {"page_size": 5, "page": 5}).json()

    codes = list(Division.objects.order_by("code").values_list("code", flat=True))
    assert first_page["count"] == 22
    assert [item["code"] for item in first_page["results"]] == codes[:5]
    assert first_page["previous"] is None
    assert first_page["next"] == "http://testserver/api/v1/divisions/?page=2&page_size=5"
    assert [item["code"] for item in last_page["results"]] == codes[20:]
    assert last_page["next"] is None


def test_division_detail_is_addressed_by_code(client: Client, db: None) -> None:
    response = client.get(_url("division-detail", code="510000"))

    assert response.json() == {
        "code": "510000",
        "level": "province",
        "name_zh": "四川省",
        "name_en": "Sichuan Province",
        "parent": None,
    }


# Zones, batches, memberships --------------------------------------------------------------------


def test_zones_list_every_registered_zone(client: Client, demo: None) -> None:
    body = client.get(_url("zone-list")).json()

    assert body["count"] == len(sichuan.ZONES) == 28
    assert _slugs(body) == {zone.slug for zone in sichuan.ZONES}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "new_area"}, {zone.slug for zone in sichuan.ZONES if zone.kind == "new_area"}),
        (
            {"prefecture": "510100"},
            {zone.slug for zone in sichuan.ZONES if zone.prefecture_code == "510100"},
        ),
        ({"level": "unconfirmed"}, {"yaan-etdz"}),
        ({"batch": "1"}, _demo_slugs(batches={1})),
        (
            {"batch": "2", "kind": "etdz"},
            {"guangan-etdz", "suining-etdz", "mianyang-etdz", "neijiang-etdz", "yaan-etdz"},
        ),
    ],
)
def test_zones_filter(
    client: Client, demo: None, query: dict[str, str], expected: set[str]
) -> None:
    body = client.get(_url("zone-list"), query).json()

    assert _slugs(body) == expected
    assert body["count"] == len(expected)


def test_zone_detail_is_addressed_by_slug(client: Client, db: None) -> None:
    zone = ZoneFactory(slug="detail-zone", level="")

    body = client.get(_url("zone-detail", slug=zone.slug)).json()

    assert body == {
        "slug": zone.slug,
        "name_zh": zone.name_zh,
        "name_en": zone.name_en,
        "kind": zone.kind,
        "level": "",
        "prefecture": zone.prefecture.code,
        "management_committee_zh": "",
        "management_committee_en": "",
        "established_on": None,
        "is_illustrative": False,
        "source": "",
    }


def test_batches_list_both_demo_batches(client: Client, demo: None) -> None:
    body = client.get(_url("batch-list")).json()

    assert [item["number"] for item in body["results"]] == [1, 2]
    assert body["results"][1]["starts_on"] == "2024-12-02"
    assert body["results"][1]["announced_on"] == "2024-12-02"


def test_batch_memberships_list_every_demo_membership(client: Client, demo: None) -> None:
    body = client.get(_url("batch-membership-list")).json()

    assert body["count"] == 18
    assert {(item["zone"], item["batch"]) for item in body["results"]} == {
        (zone.slug, zone.batch) for zone in sichuan.ZONES if zone.batch is not None
    }


# Pilot areas ------------------------------------------------------------------------------------


def test_pilot_areas_are_exactly_the_18_demo_pilot_areas(client: Client, demo: None) -> None:
    body = client.get(_url("pilot-area-list")).json()

    assert body["count"] == 18
    assert _slugs(body) == _demo_slugs(batches={1, 2})


def test_pilot_areas_on_a_date_before_the_second_batch_are_the_first_nine(
    client: Client, demo: None
) -> None:
    body = client.get(_url("pilot-area-list"), {"on": BEFORE_BATCH_2.isoformat()}).json()

    assert body["count"] == 9
    assert _slugs(body) == _demo_slugs(batches={1})
    assert {item["batch"] for item in body["results"]} == {1}


def test_pilot_areas_on_a_date_before_the_programme_are_none(client: Client, demo: None) -> None:
    body = client.get(_url("pilot-area-list"), {"on": "2022-12-31"}).json()

    assert (body["count"], body["results"]) == (0, [])


@pytest.mark.parametrize("malformed", ["2024-13-01", "June 2024", "2024-6-1x"])
def test_pilot_areas_with_a_malformed_date_are_refused(
    client: Client, demo: None, malformed: str
) -> None:
    response = client.get(_url("pilot-area-list"), {"on": malformed})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_date",
        "detail": _in_api_language("“on” must be a date as YYYY-MM-DD."),
        "field": "on",
    }


def test_pilot_area_shows_the_active_membership(client: Client, db: None) -> None:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    zone = ZoneFactory(slug="pilot-zone")
    BatchMembershipFactory(batch=batch, zone=zone, joined_on=datetime.date(2023, 2, 1))

    body = client.get(_url("pilot-area-detail", slug=zone.slug)).json()

    assert (body["slug"], body["batch"], body["joined_on"]) == (zone.slug, 1, "2023-02-01")


def test_pilot_areas_leave_out_a_zone_between_two_memberships(client: Client, db: None) -> None:
    """A zone that left its batch and rejoins later is not a pilot area in the gap."""
    first_batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    second_batch = BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2))
    staying = ZoneFactory(slug="staying-zone")
    returning = ZoneFactory(slug="returning-zone")
    BatchMembershipFactory(batch=first_batch, zone=staying)
    BatchMembershipFactory(batch=first_batch, zone=returning, left_on=datetime.date(2024, 1, 1))
    BatchMembershipFactory(batch=second_batch, zone=returning, joined_on=datetime.date(2025, 1, 1))

    response = client.get(_url("pilot-area-list"), {"on": BEFORE_BATCH_2.isoformat()})

    assert response.status_code == 200
    assert _slugs(response.json()) == {staying.slug}


def test_pilot_areas_filter_by_the_batch_active_on_the_date(client: Client, db: None) -> None:
    first_batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    second_batch = BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2))
    moved = ZoneFactory(slug="moved-zone")
    BatchMembershipFactory(batch=first_batch, zone=moved, left_on=second_batch.starts_on)
    BatchMembershipFactory(batch=second_batch, zone=moved, joined_on=second_batch.starts_on)

    before = {"on": BEFORE_BATCH_2.isoformat()}
    in_first = client.get(_url("pilot-area-list"), {**before, "batch": "1"}).json()
    in_second = client.get(_url("pilot-area-list"), {**before, "batch": "2"}).json()
    in_second_today = client.get(_url("pilot-area-list"), {"batch": "2"}).json()

    assert _slugs(in_first) == {moved.slug}
    assert _slugs(in_second) == set()
    assert _slugs(in_second_today) == {moved.slug}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"prefecture": "510700"}, {"mianyang-sci-tech-city-new-area", "mianyang-etdz"}),
        (
            {"kind": "new_area", "on": "2024-06-01"},
            _demo_slugs(batches={1})
            & {zone.slug for zone in sichuan.ZONES if zone.kind == "new_area"},
        ),
        ({"level": "unconfirmed"}, {"yaan-etdz"}),
    ],
)
def test_pilot_areas_filter(
    client: Client, demo: None, query: dict[str, str], expected: set[str]
) -> None:
    body = client.get(_url("pilot-area-list"), query).json()

    assert _slugs(body) == expected


# Writes: zones ----------------------------------------------------------------------------------


def test_zone_post_is_allowed_to_the_office_only(
    client: Client, personas: dict[str, User | None], office_user: User
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("zone-list"),
        allowed={"office"},
        allowed_status=201,
        anonymous_status=401,
        data=_zone_payload(),
        content_type=JSON,
    )

    zone = Zone.objects.get(slug="api-zone")
    assert AuditEvent.objects.get(action="zone.registered").actor == office_user
    assert zone.history.get().history_user == office_user


def test_zone_post_by_the_office_answers_with_the_zone(client: Client, office_user: User) -> None:
    client.force_login(office_user)

    response = client.post(_url("zone-list"), _zone_payload(), content_type=JSON)

    assert response.status_code == 201
    zone = Zone.objects.get(slug="api-zone")
    assert response.json() == client.get(_url("zone-detail", slug=zone.slug)).json()
    assert (zone.prefecture, zone.kind, zone.level) == (
        prefecture("510100"),
        Zone.Kind.ETDZ,
        Zone.Level.PROVINCIAL,
    )
    assert zone.history.get().history_change_reason == "Registered through the API"


@pytest.mark.parametrize("persona", EVERYONE_BUT_THE_OFFICE)
def test_zone_post_by_another_role_is_not_allowed(
    client: Client, personas: dict[str, User | None], persona: str
) -> None:
    zones_before = Zone.objects.count()
    client.force_login(personas[persona])

    response = client.post(_url("zone-list"), _zone_payload(), content_type=JSON)

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_allowed",
        "detail": _in_api_language("Only the reform office may change the pilot registry."),
    }
    assert Zone.objects.count() == zones_before
    assert AuditEvent.objects.count() == 0


def test_zone_post_by_an_anonymous_visitor_is_refused(client: Client, db: None) -> None:
    response = client.post(_url("zone-list"), _zone_payload(), content_type=JSON)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    _nothing_written()


@pytest.mark.parametrize(
    ("prefecture_code", "code"),
    [
        ("510099", "invalid_division_code"),
        ("5101", "invalid_division_code"),
        ("513500", "unknown_prefecture"),
        ("510000", "unknown_prefecture"),
    ],
)
def test_zone_post_with_a_bad_prefecture_code_writes_nothing(
    client: Client, office_user: User, prefecture_code: str, code: str
) -> None:
    client.force_login(office_user)

    response = client.post(
        _url("zone-list"), _zone_payload(prefecture_code=prefecture_code), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    _nothing_written()


def test_zone_post_names_the_prefecture_code_input_at_fault(
    client: Client, office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(
        _url("zone-list"), _zone_payload(prefecture_code="513500"), content_type=JSON
    )

    assert (response.json()["code"], response.json()["field"]) == (
        "unknown_prefecture",
        "prefecture_code",
    )


def test_zone_post_with_a_taken_slug_is_a_duplicate(client: Client, office_user: User) -> None:
    existing = ZoneFactory(slug="api-zone", name_zh="已有开发区")
    client.force_login(office_user)

    response = client.post(_url("zone-list"), _zone_payload(), content_type=JSON)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("duplicate", "slug")
    assert list(Zone.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.name_zh == "已有开发区"
    assert AuditEvent.objects.count() == 0


def test_zone_post_with_an_unknown_kind_is_invalid(client: Client, office_user: User) -> None:
    client.force_login(office_user)

    response = client.post(_url("zone-list"), _zone_payload(kind="free_port"), content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["detail"]) == ["kind"]
    _nothing_written()


# Writes: batches --------------------------------------------------------------------------------


BATCH_PAYLOAD = {
    "number": 3,
    "starts_on": "2026-01-01",
    "approved_on": "2025-11-20",
    "announced_on": "2025-12-01",
    "reason": "Third batch approved",
}


def test_batch_post_is_allowed_to_the_office_only(
    client: Client, personas: dict[str, User | None], office_user: User
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("batch-list"),
        allowed={"office"},
        allowed_status=201,
        anonymous_status=401,
        data=BATCH_PAYLOAD,
        content_type=JSON,
    )

    batch = Batch.objects.get(number=3)
    assert batch.starts_on == datetime.date(2026, 1, 1)
    assert batch.history.get().history_user == office_user
    assert AuditEvent.objects.get(action="batch.created").actor == office_user


@pytest.mark.parametrize("persona", EVERYONE_BUT_THE_OFFICE)
def test_batch_post_by_another_role_is_not_allowed(
    client: Client, personas: dict[str, User | None], persona: str
) -> None:
    client.force_login(personas[persona])

    response = client.post(_url("batch-list"), BATCH_PAYLOAD, content_type=JSON)

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert Batch.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"approved_on": "2025-12-02", "announced_on": "2025-12-01"},
        {"approved_on": "2026-01-02"},
    ],
)
def test_batch_post_with_dates_out_of_order_writes_nothing(
    client: Client, office_user: User, changes: dict[str, str]
) -> None:
    client.force_login(office_user)

    response = client.post(_url("batch-list"), {**BATCH_PAYLOAD, **changes}, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "dates_out_of_order"
    _nothing_written()


def test_batch_post_with_a_taken_number_is_a_duplicate(client: Client, office_user: User) -> None:
    existing = BatchFactory(number=3, starts_on=datetime.date(2025, 1, 1))
    client.force_login(office_user)

    response = client.post(_url("batch-list"), BATCH_PAYLOAD, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert list(Batch.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.starts_on == datetime.date(2025, 1, 1)
    assert AuditEvent.objects.count() == 0


# Writes: memberships ----------------------------------------------------------------------------


@pytest.fixture
def two_batches(db: None) -> tuple[Batch, Batch]:
    return (
        BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1)),
        BatchFactory(number=2, starts_on=datetime.date(2024, 12, 2)),
    )


def test_membership_post_is_allowed_to_the_office_only(
    client: Client,
    personas: dict[str, User | None],
    office_user: User,
    two_batches: tuple[Batch, Batch],
) -> None:
    zone = ZoneFactory(slug="joining-zone")

    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("batch-membership-list"),
        allowed={"office"},
        allowed_status=201,
        anonymous_status=401,
        data={"zone": zone.slug, "batch": 2, "joined_on": "2024-12-02"},
        content_type=JSON,
    )

    membership = BatchMembership.objects.get(zone=zone)
    assert (membership.batch, membership.joined_on) == (two_batches[1], datetime.date(2024, 12, 2))
    assert membership.history.get().history_user == office_user
    assert AuditEvent.objects.get(action="batch_membership.added").actor == office_user


def test_membership_post_answers_with_the_membership(
    client: Client, office_user: User, two_batches: tuple[Batch, Batch]
) -> None:
    zone = ZoneFactory(slug="joining-zone")
    client.force_login(office_user)

    response = client.post(
        _url("batch-membership-list"),
        {"zone": zone.slug, "batch": 1, "joined_on": "2023-01-01", "left_on": "2024-01-01"},
        content_type=JSON,
    )

    membership = BatchMembership.objects.get(zone=zone)
    assert response.status_code == 201
    assert response.json() == {
        "id": membership.pk,
        "zone": zone.slug,
        "batch": 1,
        "joined_on": "2023-01-01",
        "left_on": "2024-01-01",
        "left_reason": "",
        "is_illustrative": False,
    }


@pytest.mark.parametrize("persona", EVERYONE_BUT_THE_OFFICE)
def test_membership_post_by_another_role_is_not_allowed(
    client: Client,
    personas: dict[str, User | None],
    persona: str,
    two_batches: tuple[Batch, Batch],
) -> None:
    zone = ZoneFactory(slug="joining-zone")
    client.force_login(personas[persona])

    response = client.post(
        _url("batch-membership-list"),
        {"zone": zone.slug, "batch": 1, "joined_on": "2023-01-01"},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert BatchMembership.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"batch": 2, "joined_on": "2025-01-01"}, "overlapping_membership"),
        ({"batch": 1, "joined_on": "2023-01-01"}, "overlapping_membership"),
        ({"batch": 2, "joined_on": "2024-12-01"}, "dates_out_of_order"),
        ({"batch": 2, "joined_on": "2025-01-01", "left_on": "2025-01-01"}, "dates_out_of_order"),
    ],
)
def test_membership_post_with_bad_dates_writes_nothing(
    client: Client,
    office_user: User,
    two_batches: tuple[Batch, Batch],
    payload: dict[str, Any],
    code: str,
) -> None:
    zone = ZoneFactory(slug="pilot-zone")
    existing = BatchMembershipFactory(batch=two_batches[0], zone=zone)
    client.force_login(office_user)

    response = client.post(
        _url("batch-membership-list"), {"zone": zone.slug, **payload}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(BatchMembership.objects.all()) == [existing]
    assert AuditEvent.objects.count() == 0


def test_membership_post_after_leaving_is_accepted(
    client: Client, office_user: User, two_batches: tuple[Batch, Batch]
) -> None:
    zone = ZoneFactory(slug="returning-zone")
    BatchMembershipFactory(batch=two_batches[0], zone=zone, left_on=datetime.date(2024, 12, 2))
    client.force_login(office_user)

    response = client.post(
        _url("batch-membership-list"),
        {"zone": zone.slug, "batch": 2, "joined_on": "2024-12-02"},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert [membership.batch for membership in BatchMembership.objects.filter(zone=zone)] == list(
        two_batches
    )


def test_membership_post_for_an_unknown_zone_is_invalid(
    client: Client, office_user: User, two_batches: tuple[Batch, Batch]
) -> None:
    client.force_login(office_user)

    response = client.post(
        _url("batch-membership-list"),
        {"zone": "no-such-zone", "batch": 1, "joined_on": "2023-01-01"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["detail"]) == ["zone"]
    assert BatchMembership.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_registry_records_cannot_be_changed_or_deleted_through_the_api(
    client: Client, office_user: User, method: str
) -> None:
    zone = ZoneFactory(slug="fixed-zone", name_zh="固定开发区")
    client.force_login(office_user)

    response = getattr(client, method)(
        _url("zone-detail", slug=zone.slug), {"name_zh": "改名"}, content_type=JSON
    )

    assert response.status_code == 405
    zone.refresh_from_db()
    assert zone.name_zh == "固定开发区"
