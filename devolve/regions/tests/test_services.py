"""Registry services: who may change the registry, what each refusal's code is, and that a refusal
writes nothing (rows, history rows, audit events) while a success writes all three."""

import datetime

import pytest

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.regions import services
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

D = datetime.date

pytestmark = pytest.mark.django_db

NOT_OFFICE = ["department", "other_department", "prefecture", "pilot_area", "evaluator", "auditor"]


def _snapshot() -> dict[str, int]:
    """Row counts of every registry table, its history table, and the audit log."""
    counts = {"core.AuditEvent": AuditEvent.objects.count()}
    for model in (Division, Zone, Batch, BatchMembership):
        counts[model._meta.label] = model.objects.count()
        counts[f"{model._meta.label} history"] = model.history.count()
    return counts


@pytest.fixture
def retired_office_user(db: None) -> User:
    return UserFactory(username="retired-office", role=User.Role.OFFICE, is_active=False)


@pytest.fixture
def batch(db: None) -> Batch:
    return BatchFactory(number=1, starts_on=D(2023, 1, 1))


@pytest.fixture
def zone(db: None) -> Zone:
    return ZoneFactory(slug="tianfu-new-area")


def _register_kwargs(**overrides: object) -> dict[str, object]:
    kwargs: dict[str, object] = {
        "slug": "tianfu-new-area",
        "name_zh": "四川天府新区",
        "name_en": "Sichuan Tianfu New Area",
        "kind": Zone.Kind.NEW_AREA,
        "prefecture_code": "510100",
        "level": Zone.Level.NATIONAL,
    }
    kwargs.update(overrides)
    return kwargs


# --- create_division --------------------------------------------------------------------------


def test_create_division_adds_a_county_under_its_prefecture(office_user: User) -> None:
    division = services.create_division(
        code="510104",
        name_zh="锦江区",
        name_en="Jinjiang District",
        created_by=office_user,
        reason="GB/T 2260 update",
    )

    stored = Division.objects.get(code="510104")
    assert stored == division
    assert (stored.level, stored.parent, stored.name_zh, stored.name_en) == (
        Division.Level.COUNTY,
        prefecture("510100"),
        "锦江区",
        "Jinjiang District",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason) == (
        "division.created",
        office_user,
        "GB/T 2260 update",
    )
    assert (event.target_type, event.target_id) == ("regions.Division", str(division.pk))
    history = division.history.get()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        office_user,
        "GB/T 2260 update",
    )


def test_create_division_adds_a_province_without_parent(office_user: User) -> None:
    division = services.create_division(
        code="520000", name_zh="贵州省", name_en="Guizhou Province", created_by=office_user
    )
    assert (division.level, division.parent) == (Division.Level.PROVINCE, None)


def test_create_division_by_the_system_records_no_actor() -> None:
    division = services.create_division(
        code="510104",
        name_zh="锦江区",
        name_en="Jinjiang District",
        created_by=SYSTEM,
        reason="seed",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason) == ("division.created", None, "seed")
    history = division.history.get()
    assert (history.history_user, history.history_change_reason) == (None, "seed")


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_create_division_refuses_anyone_but_the_office(
    personas: dict[str, User | None], persona: str
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed) as caught:
        services.create_division(
            code="510104", name_zh="锦江区", name_en="Jinjiang", created_by=personas[persona]
        )
    assert (caught.value.code, caught.value.status_code) == ("not_allowed", 403)
    assert _snapshot() == before


def test_create_division_refuses_an_inactive_office_user(retired_office_user: User) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.create_division(
            code="510104", name_zh="锦江区", name_en="Jinjiang", created_by=retired_office_user
        )
    assert _snapshot() == before


@pytest.mark.parametrize(
    "code",
    [
        "510099",
        "51010",
        "5101040",
        "010100",
        "abcdef",
        "",
        "510104\n",
        "\uff15\uff11\uff10\uff11\uff10\uff14",  # 510104 in full-width digits
    ],
)
def test_create_division_refuses_a_malformed_code(office_user: User, code: str) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_division(code=code, name_zh="错", name_en="Wrong", created_by=office_user)
    assert (caught.value.code, caught.value.field) == ("invalid_division_code", "code")
    assert _snapshot() == before


@pytest.mark.parametrize(
    "code",
    [
        "520100",  # prefecture of Guizhou, which is not in the registry
        "519901",  # county of prefecture 519900, which does not exist
    ],
)
def test_create_division_refuses_a_code_whose_parent_is_unknown(
    office_user: User, code: str
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_division(code=code, name_zh="错", name_en="Wrong", created_by=office_user)
    assert (caught.value.code, caught.value.field) == ("unknown_division", "code")
    assert _snapshot() == before


@pytest.mark.parametrize("code", ["510000", "510100"])
def test_create_division_refuses_an_existing_code(office_user: User, code: str) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_division(code=code, name_zh="重复", name_en="Dup", created_by=office_user)
    assert (caught.value.code, caught.value.field) == ("duplicate", "code")
    assert _snapshot() == before


# --- register_zone ----------------------------------------------------------------------------


def test_register_zone_stores_the_zone_in_its_prefecture(office_user: User) -> None:
    zone = services.register_zone(
        **_register_kwargs(
            management_committee_zh="四川天府新区管理委员会",
            established_on=D(2014, 10, 2),
            source="国函〔2014〕133号",
            is_illustrative=True,
        ),
        registered_by=office_user,
        reason="approved by the State Council",
    )

    stored = Zone.objects.get(slug="tianfu-new-area")
    assert stored == zone
    assert (
        stored.prefecture,
        stored.kind,
        stored.level,
        stored.established_on,
        stored.management_committee_zh,
        stored.source,
        stored.is_illustrative,
    ) == (
        prefecture("510100"),
        Zone.Kind.NEW_AREA,
        Zone.Level.NATIONAL,
        D(2014, 10, 2),
        "四川天府新区管理委员会",
        "国函〔2014〕133号",
        True,
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason, event.target_type, event.target_id) == (
        "zone.registered",
        office_user,
        "approved by the State Council",
        "regions.Zone",
        str(zone.pk),
    )
    history = zone.history.get()
    assert (history.history_user, history.history_change_reason) == (
        office_user,
        "approved by the State Council",
    )


def test_register_zone_with_unconfirmed_level(office_user: User) -> None:
    zone = services.register_zone(**_register_kwargs(level=""), registered_by=office_user)
    assert Zone.objects.get(pk=zone.pk).level == ""


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_register_zone_refuses_anyone_but_the_office(
    personas: dict[str, User | None], persona: str
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed) as caught:
        services.register_zone(**_register_kwargs(), registered_by=personas[persona])
    assert caught.value.code == "not_allowed"
    assert _snapshot() == before


def test_register_zone_refuses_an_inactive_office_user(retired_office_user: User) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.register_zone(**_register_kwargs(), registered_by=retired_office_user)
    assert _snapshot() == before


@pytest.mark.parametrize("code", ["510099", "51010", "5101000", "x10100", ""])
def test_register_zone_refuses_a_malformed_prefecture_code(office_user: User, code: str) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.register_zone(**_register_kwargs(prefecture_code=code), registered_by=office_user)
    assert (caught.value.code, caught.value.field) == ("invalid_division_code", "prefecture_code")
    assert _snapshot() == before


@pytest.mark.parametrize(
    "code",
    [
        "519900",  # well-formed prefecture code that is not one of Sichuan's 21
        "510104",  # a county code (not in the registry)
        "510000",  # the province
    ],
)
def test_register_zone_refuses_a_code_that_is_not_a_known_prefecture(
    office_user: User, code: str
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.register_zone(**_register_kwargs(prefecture_code=code), registered_by=office_user)
    assert (caught.value.code, caught.value.field) == ("unknown_prefecture", "prefecture_code")
    assert _snapshot() == before


def test_register_zone_refuses_a_county_that_is_in_the_registry(office_user: User) -> None:
    services.create_division(code="510104", name_zh="锦江区", name_en="Jinjiang", created_by=SYSTEM)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.register_zone(
            **_register_kwargs(prefecture_code="510104"), registered_by=office_user
        )
    assert caught.value.code == "unknown_prefecture"
    assert _snapshot() == before


def test_register_zone_refuses_a_duplicate_slug(office_user: User, zone: Zone) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.register_zone(**_register_kwargs(slug=zone.slug), registered_by=office_user)
    assert (caught.value.code, caught.value.field) == ("duplicate", "slug")
    assert _snapshot() == before


@pytest.mark.parametrize(
    "overrides",
    [{"kind": "free_trade_zone"}, {"level": "county"}, {"name_zh": ""}, {"slug": "not a slug"}],
    ids=["unknown-kind", "unknown-level", "blank-name", "bad-slug"],
)
def test_register_zone_reports_other_invalid_input_as_invalid(
    office_user: User, overrides: dict[str, str]
) -> None:
    """The module documents ``invalid`` as the code for any other invalid input."""
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.register_zone(**_register_kwargs(**overrides), registered_by=office_user)
    assert (caught.value.code, caught.value.field) == ("invalid", next(iter(overrides)))
    assert _snapshot() == before


# --- create_batch -----------------------------------------------------------------------------


def test_create_batch_stores_the_batch(office_user: User) -> None:
    batch = services.create_batch(
        number=2,
        approved_on=D(2023, 11, 20),
        announced_on=D(2023, 12, 1),
        starts_on=D(2024, 1, 1),
        approving_meeting_zh="省委全面深化改革委员会第十次会议",
        created_by=office_user,
        reason="second batch approved",
    )

    stored = Batch.objects.get(number=2)
    assert stored == batch
    assert (stored.approved_on, stored.announced_on, stored.starts_on) == (
        D(2023, 11, 20),
        D(2023, 12, 1),
        D(2024, 1, 1),
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason, event.target_id) == (
        "batch.created",
        office_user,
        "second batch approved",
        str(batch.pk),
    )
    history = batch.history.get()
    assert (history.history_user, history.history_change_reason) == (
        office_user,
        "second batch approved",
    )


def test_create_batch_accepts_approval_announcement_and_start_on_one_day(
    office_user: User,
) -> None:
    day = D(2023, 1, 1)
    batch = services.create_batch(
        number=1, approved_on=day, announced_on=day, starts_on=day, created_by=office_user
    )
    assert Batch.objects.get() == batch


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_create_batch_refuses_anyone_but_the_office(
    personas: dict[str, User | None], persona: str
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.create_batch(number=1, starts_on=D(2023, 1, 1), created_by=personas[persona])
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("approved_on", "announced_on", "starts_on"),
    [
        (D(2023, 1, 10), D(2023, 1, 9), D(2023, 2, 1)),  # announced before approval
        (D(2023, 1, 10), None, D(2023, 1, 9)),  # starts before approval
    ],
)
def test_create_batch_refuses_dates_out_of_order(
    office_user: User,
    approved_on: datetime.date,
    announced_on: datetime.date | None,
    starts_on: datetime.date,
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_batch(
            number=1,
            approved_on=approved_on,
            announced_on=announced_on,
            starts_on=starts_on,
            created_by=office_user,
        )
    assert caught.value.code == "dates_out_of_order"
    assert _snapshot() == before


def test_create_batch_refuses_a_duplicate_number(office_user: User, batch: Batch) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_batch(number=batch.number, starts_on=D(2024, 1, 1), created_by=office_user)
    assert (caught.value.code, caught.value.field) == ("duplicate", "number")
    assert _snapshot() == before


def test_create_batch_refuses_number_zero_as_invalid(office_user: User) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.create_batch(number=0, starts_on=D(2023, 1, 1), created_by=office_user)
    assert (caught.value.code, caught.value.field) == ("invalid", None)
    assert _snapshot() == before


# --- add_zone_to_batch ------------------------------------------------------------------------


def test_add_zone_to_batch_makes_the_zone_a_member(
    office_user: User, zone: Zone, batch: Batch
) -> None:
    membership = services.add_zone_to_batch(
        zone=zone,
        batch=batch,
        joined_on=D(2023, 3, 1),
        added_by=office_user,
        is_illustrative=True,
        reason="joined after review",
    )

    stored = BatchMembership.objects.get()
    assert stored == membership
    assert (
        stored.zone,
        stored.batch,
        stored.joined_on,
        stored.left_on,
        stored.is_illustrative,
    ) == (
        zone,
        batch,
        D(2023, 3, 1),
        None,
        True,
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason, event.target_id, event.details) == (
        "batch_membership.added",
        office_user,
        "joined after review",
        str(membership.pk),
        {"zone": zone.slug, "batch": batch.number, "joined_on": "2023-03-01"},
    )
    history = membership.history.get()
    assert (history.history_user, history.history_change_reason) == (
        office_user,
        "joined after review",
    )


def test_add_zone_to_batch_accepts_the_batch_start_day_and_a_closed_period(
    office_user: User, zone: Zone, batch: Batch
) -> None:
    membership = services.add_zone_to_batch(
        zone=zone,
        batch=batch,
        joined_on=batch.starts_on,
        left_on=D(2023, 1, 2),
        added_by=office_user,
    )
    assert (membership.joined_on, membership.left_on) == (batch.starts_on, D(2023, 1, 2))


def test_add_zone_to_batch_accepts_rejoining_on_the_day_it_left(
    office_user: User, zone: Zone, batch: Batch
) -> None:
    first = BatchMembershipFactory(
        zone=zone, batch=batch, joined_on=D(2023, 1, 1), left_on=D(2024, 1, 1)
    )
    second_batch = BatchFactory(number=2, starts_on=D(2024, 1, 1))
    second = services.add_zone_to_batch(
        zone=zone, batch=second_batch, joined_on=first.left_on, added_by=office_user
    )
    assert list(BatchMembership.objects.filter(zone=zone).order_by("joined_on")) == [first, second]


def test_add_zone_to_batch_accepts_a_closed_period_ending_when_a_later_one_starts(
    office_user: User, zone: Zone, batch: Batch
) -> None:
    later = BatchMembershipFactory(zone=zone, batch=batch, joined_on=D(2024, 1, 1))
    earlier = services.add_zone_to_batch(
        zone=zone, batch=batch, joined_on=D(2023, 1, 1), left_on=later.joined_on, added_by=SYSTEM
    )
    assert list(BatchMembership.objects.filter(zone=zone).order_by("joined_on")) == [
        earlier,
        later,
    ]


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_add_zone_to_batch_refuses_anyone_but_the_office(
    personas: dict[str, User | None], persona: str, zone: Zone, batch: Batch
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.add_zone_to_batch(
            zone=zone, batch=batch, joined_on=batch.starts_on, added_by=personas[persona]
        )
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("joined_on", "left_on", "field"),
    [
        (D(2022, 12, 31), None, "joined_on"),  # before the batch starts
        (D(2023, 3, 1), D(2023, 3, 1), "left_on"),  # leaves the day it joins
        (D(2023, 3, 1), D(2023, 2, 1), "left_on"),  # leaves before it joins
    ],
)
def test_add_zone_to_batch_refuses_dates_out_of_order(
    office_user: User,
    zone: Zone,
    batch: Batch,
    joined_on: datetime.date,
    left_on: datetime.date | None,
    field: str,
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.add_zone_to_batch(
            zone=zone, batch=batch, joined_on=joined_on, left_on=left_on, added_by=office_user
        )
    assert (caught.value.code, caught.value.field) == ("dates_out_of_order", field)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("existing", "joined_on", "left_on"),
    [
        ((D(2023, 1, 1), None), D(2023, 1, 1), None),  # the same start
        ((D(2023, 1, 1), None), D(2024, 6, 1), None),  # inside an open membership
        ((D(2023, 1, 1), D(2024, 1, 1)), D(2023, 12, 31), None),  # starts on its last day
        ((D(2023, 6, 1), None), D(2023, 1, 1), D(2023, 6, 2)),  # ends after it starts
    ],
    ids=["same-start", "inside-open", "last-day", "ends-inside"],
)
def test_add_zone_to_batch_refuses_an_overlap_within_the_same_batch(
    office_user: User,
    zone: Zone,
    batch: Batch,
    existing: tuple[datetime.date, datetime.date | None],
    joined_on: datetime.date,
    left_on: datetime.date | None,
) -> None:
    BatchMembershipFactory(zone=zone, batch=batch, joined_on=existing[0], left_on=existing[1])
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.add_zone_to_batch(
            zone=zone, batch=batch, joined_on=joined_on, left_on=left_on, added_by=office_user
        )
    assert (caught.value.code, caught.value.field) == ("overlapping_membership", "joined_on")
    assert _snapshot() == before


def test_add_zone_to_batch_refuses_an_overlap_with_another_batch(
    office_user: User, zone: Zone, batch: Batch
) -> None:
    BatchMembershipFactory(zone=zone, batch=batch, joined_on=D(2023, 1, 1))
    second_batch = BatchFactory(number=2, starts_on=D(2024, 1, 1))
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.add_zone_to_batch(
            zone=zone, batch=second_batch, joined_on=D(2024, 1, 1), added_by=office_user
        )
    assert caught.value.code == "overlapping_membership"
    assert _snapshot() == before


def test_add_zone_to_batch_ignores_other_zones_memberships(
    office_user: User, zone: Zone, batch: Batch
) -> None:
    BatchMembershipFactory(zone=ZoneFactory(slug="other"), batch=batch, joined_on=D(2023, 1, 1))
    membership = services.add_zone_to_batch(
        zone=zone, batch=batch, joined_on=D(2023, 1, 1), added_by=office_user
    )
    assert BatchMembership.objects.get(zone=zone) == membership


# --- end_membership ---------------------------------------------------------------------------


@pytest.fixture
def membership(zone: Zone, batch: Batch) -> BatchMembership:
    return BatchMembershipFactory(zone=zone, batch=batch, joined_on=D(2023, 3, 1))


def test_end_membership_records_the_day_and_reason(
    office_user: User, membership: BatchMembership
) -> None:
    ended = services.end_membership(
        membership=membership,
        left_on=D(2024, 7, 1),
        ended_by=office_user,
        reason="withdrawn after assessment",
    )

    stored = BatchMembership.objects.get()
    assert stored == ended == membership
    assert (stored.left_on, stored.left_reason) == (D(2024, 7, 1), "withdrawn after assessment")
    assert (ended.left_on, ended.left_reason) == (D(2024, 7, 1), "withdrawn after assessment")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.reason, event.target_id, event.details) == (
        "batch_membership.ended",
        office_user,
        "withdrawn after assessment",
        str(membership.pk),
        {"left_on": "2024-07-01"},
    )
    latest = membership.history.latest()
    assert (
        membership.history.count(),
        latest.history_type,
        latest.history_user,
        latest.history_change_reason,
        latest.left_on,
    ) == (2, "~", office_user, "withdrawn after assessment", D(2024, 7, 1))


def test_end_membership_accepts_the_day_after_joining(
    office_user: User, membership: BatchMembership
) -> None:
    ended = services.end_membership(
        membership=membership, left_on=D(2023, 3, 2), ended_by=office_user, reason="mistake"
    )
    assert BatchMembership.objects.get().left_on == ended.left_on == D(2023, 3, 2)


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_end_membership_refuses_anyone_but_the_office(
    personas: dict[str, User | None], persona: str, membership: BatchMembership
) -> None:
    before = _snapshot()
    with pytest.raises(NotAllowed):
        services.end_membership(
            membership=membership, left_on=D(2024, 1, 1), ended_by=personas[persona], reason="x"
        )
    assert _snapshot() == before
    assert BatchMembership.objects.get().left_on is None


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_end_membership_requires_a_reason(
    office_user: User, membership: BatchMembership, reason: str
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.end_membership(
            membership=membership, left_on=D(2024, 1, 1), ended_by=office_user, reason=reason
        )
    assert (caught.value.code, caught.value.field) == ("reason_required", "reason")
    assert _snapshot() == before
    assert BatchMembership.objects.get().left_on is None


def test_end_membership_refuses_a_membership_that_already_ended(
    office_user: User, zone: Zone, batch: Batch
) -> None:
    ended = BatchMembershipFactory(
        zone=zone, batch=batch, joined_on=D(2023, 1, 1), left_on=D(2024, 1, 1), left_reason="first"
    )
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.end_membership(
            membership=ended, left_on=D(2024, 6, 1), ended_by=office_user, reason="again"
        )
    assert caught.value.code == "already_left"
    assert _snapshot() == before
    stored = BatchMembership.objects.get()
    assert (stored.left_on, stored.left_reason) == (D(2024, 1, 1), "first")


def test_end_membership_reads_the_stored_row_not_a_stale_instance(
    office_user: User, membership: BatchMembership
) -> None:
    stale = BatchMembership.objects.get(pk=membership.pk)
    services.end_membership(
        membership=membership, left_on=D(2024, 1, 1), ended_by=office_user, reason="withdrawn"
    )
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.end_membership(
            membership=stale, left_on=D(2024, 6, 1), ended_by=office_user, reason="again"
        )
    assert caught.value.code == "already_left"
    assert _snapshot() == before


@pytest.mark.parametrize("left_on", [D(2023, 3, 1), D(2023, 2, 28)])
def test_end_membership_refuses_leaving_on_or_before_joining(
    office_user: User, membership: BatchMembership, left_on: datetime.date
) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.end_membership(
            membership=membership, left_on=left_on, ended_by=office_user, reason="withdrawn"
        )
    assert (caught.value.code, caught.value.field) == ("dates_out_of_order", "left_on")
    assert _snapshot() == before
    assert BatchMembership.objects.get().left_on is None
