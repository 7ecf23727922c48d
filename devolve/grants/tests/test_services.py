"""Grant services: publishing an edition into grants, delegation taking effect, entrustment
agreements, handover, supervision filings and recall. Each refusal has a stable code and writes
nothing: no row, no history row and no audit event."""

import datetime
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM, MissingActor
from devolve.core.errors import NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.grants import calendar, publication, services
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.tests.factories import EntrustmentAgreementFactory, GrantFactory
from devolve.matters.models import AnnualList, Department, ListEntry, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import (
    LIST_MODELS,
    AnnualListFactory,
    ListEntryFactory,
    mode,
)
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TRACKED = (*LIST_MODELS, Grant, EntrustmentAgreement)
NOT_OFFICE = [
    "department_user",
    "other_department_user",
    "prefecture_user",
    "pilot_area_user",
    "evaluator",
    "auditor",
    "inactive_office_user",
]
# Who may not manage a grant whose entry the Department of Justice grants to another area.
NOT_MANAGING = [
    "other_department_user",
    "prefecture_user",
    "pilot_area_user",
    "evaluator",
    "auditor",
    "inactive_office_user",
]


def refused(code: str, call: Any) -> Any:
    return assert_refused(code, call, *TRACKED)


def events(action: str) -> list[tuple[Any, ...]]:
    return [
        (event.actor, event.reason, event.target_type, event.target_id, event.details)
        for event in AuditEvent.objects.filter(action=action).order_by("pk")
    ]


def latest_history(instance: Any) -> tuple[Any, ...]:
    record = instance.history.first()
    return (record.history_type, record.history_user, record.history_change_reason)


def grant_state(grant: Grant) -> tuple[Any, ...]:
    grant.refresh_from_db()
    return (
        grant.status,
        grant.effective_on,
        grant.handover_due_on,
        grant.handover_due_is_provisional,
        grant.handed_over_on,
        grant.ended_on,
        grant.end_reason,
    )


@pytest.fixture
def inactive_office_user(db: None) -> User:
    return UserFactory(username="retired-office", role=User.Role.OFFICE, is_active=False)


@pytest.fixture
def batch() -> Batch:
    return BatchFactory(number=1, starts_on=D(2023, 1, 1))


def member(batch: Batch, slug: str, **fields: Any) -> Zone:
    zone = ZoneFactory(slug=slug, management_committee_zh=f"{slug}管委会")
    BatchMembershipFactory(batch=batch, zone=zone, **{"joined_on": D(2023, 1, 1), **fields})
    return zone


@pytest.fixture
def east(batch: Batch) -> Zone:
    return member(batch, "east")


@pytest.fixture
def west(batch: Batch) -> Zone:
    return member(batch, "west")


@pytest.fixture
def law_firms(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice)


@pytest.fixture
def legal_aid(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice)


@pytest.fixture
def notaries(justice: Department) -> Matter:
    return MatterFactory(competent_department=justice)


@pytest.fixture
def tax_support(finance: Department) -> Matter:
    return MatterFactory(support=True, competent_department=finance)


def edition(batch: Batch, year: int, **fields: Any) -> AnnualList:
    return AnnualListFactory(
        batch=batch, year=year, approved=True, approved_on=D(year, 3, 1), **fields
    )


def entry(
    annual_list: AnnualList,
    matter: Matter,
    mode_code: str,
    areas: list[Zone] | None = None,
    **fields: Any,
) -> ListEntry:
    created = ListEntryFactory(
        annual_list=annual_list,
        matter=matter,
        mode=mode(mode_code),
        all_areas=areas is None,
        **fields,
    )
    if areas:
        created.receiving_areas.set(areas)
    return created


def publish(annual_list: AnnualList, on: datetime.date, actor: User | None) -> AnnualList:
    return services.publish_annual_list(
        annual_list=annual_list, published_on=on, published_by=actor
    )


# --- publish_annual_list: a first edition ---------------------------------------------------


def test_publishing_creates_one_grant_per_entry_and_receiving_area(
    office_user: User,
    batch: Batch,
    east: Zone,
    west: Zone,
    law_firms: Matter,
    legal_aid: Matter,
    notaries: Matter,
    tax_support: Matter,
) -> None:
    member(batch, "left-on-publication", left_on=D(2024, 3, 10))
    member(batch, "joins-after", joined_on=D(2024, 3, 11))
    joins_that_day = member(batch, "joins-that-day", joined_on=D(2024, 3, 10))
    leaves_later = member(batch, "leaves-later", left_on=D(2024, 3, 11))
    annual_list = edition(batch, 2024, delegation_effective_days=20)
    delegated = entry(annual_list, law_firms, "delegate", is_illustrative=True)
    entrusted = entry(annual_list, legal_aid, "entrust", areas=[west])
    both = entry(annual_list, notaries, "both", areas=[east, west])
    supported = entry(annual_list, tax_support, "support")
    entry(annual_list, MatterFactory(), "delegate", change=ListEntry.Change.WITHDRAWN)

    with translation.override("en"):
        published = publish(annual_list, D(2024, 3, 10), office_user)

    assert (published.status, published.published_on) == ("published", D(2024, 3, 10))
    every_area = [east, joins_that_day, leaves_later, west]  # ordered by prefecture, then key
    rows = [
        (
            grant.entry,
            grant.zone,
            grant.status,
            grant.effective_on,
            grant.handover_due_on,
            grant.previous_grant,
            grant.is_illustrative,
        )
        for grant in Grant.objects.order_by("entry__sequence", "zone__slug")
    ]
    assert rows == [
        *[
            (delegated, zone, "awaiting_effect", D(2024, 3, 30), None, None, True)
            for zone in sorted(every_area, key=lambda zone: zone.slug)
        ],
        (entrusted, west, "awaiting_agreement", None, None, None, False),
        (both, east, "awaiting_agreement", None, None, None, False),
        (both, west, "awaiting_agreement", None, None, None, False),
        *[
            (supported, zone, "effective", D(2024, 3, 10), None, None, False)
            for zone in sorted(every_area, key=lambda zone: zone.slug)
        ],
    ]
    assert events("grants.created") == [
        (
            office_user,
            system_text("grant.edition_published", key="2024/batch-1"),
            "matters.AnnualList",
            str(annual_list.pk),
            {"grants": 11, "superseded": 0, "recalled": 0, "regranted": 0, "left_out": []},
        )
    ]
    assert {latest_history(grant) for grant in Grant.objects.all()} == {
        ("+", office_user, system_text("grant.edition_published", key="2024/batch-1"))
    }
    assert [event[3] for event in events("annual_list.published")] == [str(annual_list.pk)]


def test_receiving_zones_lists_named_areas_or_the_batch_on_a_date(
    batch: Batch, east: Zone, west: Zone, law_firms: Matter, legal_aid: Matter
) -> None:
    newcomer = member(batch, "newcomer", joined_on=D(2024, 6, 1))
    annual_list = edition(batch, 2024)
    everyone = entry(annual_list, law_firms, "delegate")
    some = entry(annual_list, legal_aid, "delegate", areas=[west, newcomer])

    assert publication.receiving_zones(everyone, on=D(2024, 5, 31)) == [east, west]
    assert publication.receiving_zones(everyone, on=D(2024, 6, 1)) == [east, newcomer, west]
    assert publication.receiving_zones(some, on=D(2024, 5, 31)) == [newcomer, west]


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_publishes(
    request: pytest.FixtureRequest, persona: str, batch: Batch, east: Zone, law_firms: Matter
) -> None:
    actor = request.getfixturevalue(persona)
    annual_list = edition(batch, 2024)
    entry(annual_list, law_firms, "delegate")
    error = refused("not_allowed", lambda: publish(annual_list, D(2024, 3, 10), actor))
    assert isinstance(error, NotAllowed)


@pytest.mark.parametrize("status", ["draft", "in_review", "published", "superseded"])
def test_only_an_approved_edition_is_published(
    office_user: User, batch: Batch, east: Zone, law_firms: Matter, status: str
) -> None:
    annual_list = AnnualListFactory(
        batch=batch, year=2024, **({status: True} if status != "draft" else {})
    )
    entry(annual_list, law_firms, "delegate")
    refused("illegal_transition", lambda: publish(annual_list, D(2024, 4, 1), office_user))


def test_an_edition_is_not_published_before_its_approval(
    office_user: User, batch: Batch, east: Zone, law_firms: Matter
) -> None:
    annual_list = edition(batch, 2024)
    entry(annual_list, law_firms, "delegate")
    refused("dates_out_of_order", lambda: publish(annual_list, D(2024, 2, 29), office_user))


# --- publish_annual_list: a later edition ---------------------------------------------------


@pytest.fixture
def first_edition(
    batch: Batch,
    east: Zone,
    west: Zone,
    law_firms: Matter,
    legal_aid: Matter,
    notaries: Matter,
    tax_support: Matter,
) -> AnnualList:
    """A published 2023 edition whose grants are in every state."""
    annual_list = AnnualListFactory(
        batch=batch,
        year=2023,
        published=True,
        approved_on=D(2023, 3, 1),
        published_on=D(2023, 3, 10),
    )
    delegated = entry(annual_list, law_firms, "delegate")
    entrusted = entry(annual_list, legal_aid, "entrust", areas=[east])
    dropped = entry(annual_list, notaries, "delegate")
    supported = entry(annual_list, tax_support, "support")
    GrantFactory(
        entry=delegated,
        zone=east,
        effective=True,
        effective_on=D(2023, 4, 9),
        handover_due_on=D(2023, 5, 22),
        supervision_filed_on=D(2023, 5, 1),
        supervision_document="川司监〔2023〕1号",
    )
    GrantFactory(
        entry=delegated,
        zone=west,
        handed_over=True,
        effective_on=D(2023, 4, 9),
        handover_due_on=D(2023, 5, 22),
        handed_over_on=D(2023, 5, 6),
    )
    GrantFactory(entry=entrusted, zone=east, awaiting_agreement=True)
    GrantFactory(entry=dropped, zone=east, effective=True, effective_on=D(2023, 4, 9))
    GrantFactory(entry=dropped, zone=west, effective=True, effective_on=D(2023, 4, 9))
    GrantFactory(
        entry=supported,
        zone=east,
        effective=True,
        effective_on=D(2023, 3, 10),
        handover_due_on=None,
    )
    GrantFactory(
        entry=supported,
        zone=west,
        recalled=True,
        effective_on=D(2023, 3, 10),
        ended_on=D(2023, 6, 1),
    )
    return annual_list


@pytest.fixture
def second_edition(
    batch: Batch,
    first_edition: AnnualList,
    east: Zone,
    west: Zone,
    law_firms: Matter,
    legal_aid: Matter,
    notaries: Matter,
    tax_support: Matter,
) -> AnnualList:
    """2024: law firms and tax support kept, legal aid extended to west, notaries withdrawn."""
    annual_list = edition(batch, 2024, predecessor=first_edition)
    annual_list.approved_on = D(2024, 2, 1)
    annual_list.save()
    entry(annual_list, law_firms, "delegate", change="kept")
    entry(annual_list, legal_aid, "entrust", areas=[east, west], change="modified")
    entry(annual_list, notaries, "delegate", change="withdrawn", change_reason="done")
    entry(annual_list, tax_support, "support", change="kept")
    return annual_list


def old_grant(annual_list: AnnualList, matter: Matter, zone: Zone) -> Grant:
    return Grant.objects.get(entry__annual_list=annual_list, entry__matter=matter, zone=zone)


def test_a_later_edition_continues_grants_and_recalls_those_left_out(
    office_user: User,
    first_edition: AnnualList,
    second_edition: AnnualList,
    east: Zone,
    west: Zone,
    law_firms: Matter,
    legal_aid: Matter,
    notaries: Matter,
    tax_support: Matter,
) -> None:
    previous = {
        (matter.pk, zone.pk): old_grant(first_edition, matter, zone)
        for matter, zone in itertools.product([law_firms, notaries, tax_support], [east, west])
    }
    previous[(legal_aid.pk, east.pk)] = old_grant(first_edition, legal_aid, east)

    regrant = f"{tax_support.key}@{west.slug}"  # recalled from west in 2023

    with translation.override("en"):
        services.publish_annual_list(
            annual_list=second_edition,
            published_on=D(2024, 2, 5),
            published_by=office_user,
            regrant_reasons={regrant: "The area's tax office is staffed again."},
        )

    def new(matter: Matter, zone: Zone) -> tuple[Any, ...]:
        grant = old_grant(second_edition, matter, zone)
        return (
            grant_state(grant),
            grant.previous_grant,
            grant.supervision_filed_on,
            grant.supervision_document,
        )

    assert new(law_firms, east) == (
        ("effective", D(2023, 4, 9), D(2023, 5, 22), False, None, None, ""),
        previous[(law_firms.pk, east.pk)],
        D(2023, 5, 1),
        "川司监〔2023〕1号",
    )
    assert new(law_firms, west) == (
        ("handed_over", D(2023, 4, 9), D(2023, 5, 22), False, D(2023, 5, 6), None, ""),
        previous[(law_firms.pk, west.pk)],
        None,
        "",
    )
    assert new(legal_aid, east) == (
        ("awaiting_agreement", None, None, False, None, None, ""),
        previous[(legal_aid.pk, east.pk)],
        None,
        "",
    )
    assert new(legal_aid, west) == (
        ("awaiting_agreement", None, None, False, None, None, ""),
        None,
        None,
        "",
    )
    assert new(tax_support, east) == (
        ("effective", D(2023, 3, 10), None, False, None, None, ""),
        previous[(tax_support.pk, east.pk)],
        None,
        "",
    )
    # The recalled grant of 2023 is not continued: west starts afresh, for the reason given.
    assert new(tax_support, west) == (
        ("effective", D(2024, 2, 5), None, False, None, None, ""),
        None,
        None,
        "",
    )
    assert Grant.objects.filter(entry__annual_list=second_edition).count() == 6

    superseded_reason = system_text("grant.edition_published", key="2024/batch-1")
    for key in [
        (law_firms.pk, east.pk),
        (law_firms.pk, west.pk),
        (legal_aid.pk, east.pk),
        (tax_support.pk, east.pk),
    ]:
        assert grant_state(previous[key])[0] == "superseded"
        assert (previous[key].ended_on, previous[key].end_reason) == (
            D(2024, 2, 5),
            superseded_reason,
        )
        assert latest_history(previous[key]) == ("~", office_user, superseded_reason)
    recalled_reason = system_text("grant.left_out_of_edition", key="2024/batch-1")
    for zone in (east, west):
        grant = previous[(notaries.pk, zone.pk)]
        assert grant_state(grant) == (
            "recalled",
            D(2023, 4, 9),
            D(2024, 5, 24),
            False,
            None,
            D(2024, 2, 5),
            recalled_reason,
        )
    assert grant_state(previous[(tax_support.pk, west.pk)])[5] == D(2023, 6, 1)  # untouched
    assert sorted(event[3] for event in events("grant.superseded")) == sorted(
        str(previous[key].pk)
        for key in [
            (law_firms.pk, east.pk),
            (law_firms.pk, west.pk),
            (legal_aid.pk, east.pk),
            (tax_support.pk, east.pk),
        ]
    )
    assert events("grant.recalled") == [
        (office_user, recalled_reason, "grants.Grant", str(previous[(notaries.pk, zone.pk)].pk), {})
        for zone in (east, west)
    ]
    assert events("grants.created")[0][4] == {
        "grants": 6,
        "superseded": 4,
        "recalled": 2,
        "regranted": 1,
        "left_out": [],
    }
    assert events("grant.regranted") == [
        (
            office_user,
            "The area's tax office is staffed again.",
            "grants.Grant",
            str(old_grant(second_edition, tax_support, west).pk),
            {},
        )
    ]
    first_edition.refresh_from_db()
    assert (first_edition.status, first_edition.superseded_on) == ("superseded", D(2024, 2, 5))


def test_an_area_dropped_from_an_entry_loses_its_grant(
    office_user: User,
    batch: Batch,
    first_edition: AnnualList,
    east: Zone,
    west: Zone,
    law_firms: Matter,
    legal_aid: Matter,
    notaries: Matter,
    tax_support: Matter,
) -> None:
    annual_list = edition(batch, 2024, predecessor=first_edition)
    entry(annual_list, law_firms, "delegate", areas=[west], change="modified")
    for matter in (legal_aid, notaries, tax_support):
        entry(annual_list, matter, "support" if matter == tax_support else "delegate")

    services.publish_annual_list(
        annual_list=annual_list,
        published_on=D(2024, 3, 5),
        published_by=office_user,
        left_out=[f"{tax_support.key}@{west.slug}"],  # its 2023 recall stands
    )

    dropped = old_grant(first_edition, law_firms, east)
    assert grant_state(dropped)[0::5] == ("recalled", D(2024, 3, 5))
    assert Grant.objects.filter(
        entry__annual_list=annual_list, entry__matter=law_firms
    ).get().zone == (west)
    assert Grant.objects.filter(
        entry__annual_list=annual_list, entry__matter=tax_support
    ).get().zone == (east)


def test_publishing_over_an_edition_already_superseded_is_refused(
    office_user: User,
    batch: Batch,
    first_edition: AnnualList,
    east: Zone,
    law_firms: Matter,
) -> None:
    """A correction (2023 e2) supersedes 2023 e1. An edition still derived from e1 cannot be
    published as well: two live editions would give the same matter two grants in one area."""
    correction = edition(batch, 2023, edition=2, predecessor=first_edition)
    entry(correction, law_firms, "delegate", change="kept")
    publish(correction, D(2023, 9, 1), office_user)
    stale = edition(batch, 2024, predecessor=first_edition)
    entry(stale, law_firms, "delegate", change="kept")

    refused("wrong_predecessor", lambda: publish(stale, D(2024, 3, 5), office_user))


# --- activate_due_grants --------------------------------------------------------------------


def test_an_entry_with_its_own_effective_date_grants_from_that_date(
    office_user: User, batch: Batch, east: Zone, law_firms: Matter, tax_support: Matter
) -> None:
    annual_list = edition(batch, 2024, delegation_effective_days=30)
    own_date = entry(annual_list, law_firms, "delegate", [east], effective_on=D(2024, 7, 1))
    support_later = entry(annual_list, tax_support, "support", [east], effective_on=D(2024, 6, 1))

    publish(annual_list, D(2024, 4, 1), office_user)

    delegated = Grant.objects.get(entry=own_date)
    support = Grant.objects.get(entry=support_later)
    assert (delegated.status, delegated.effective_on) == ("awaiting_effect", D(2024, 7, 1))
    # A support matter dated later than publication waits for its date too.
    assert (support.status, support.effective_on) == ("awaiting_effect", D(2024, 6, 1))
    assert services.activate_due_grants(on=D(2024, 6, 30), activated_by=SYSTEM) == 1
    assert Grant.objects.get(entry=support_later).status == "effective"
    assert Grant.objects.get(entry=own_date).status == "awaiting_effect"
    assert services.activate_due_grants(on=D(2024, 7, 1), activated_by=SYSTEM) == 1
    assert Grant.objects.get(entry=own_date).status == "effective"


@pytest.fixture
def delegated_entry(batch: Batch, law_firms: Matter) -> ListEntry:
    annual_list = AnnualListFactory(
        batch=batch, year=2024, published=True, handover_working_days=10
    )
    return entry(annual_list, law_firms, "delegate")


def test_delegated_grants_take_effect_on_their_date(
    office_user: User, delegated_entry: ListEntry, east: Zone, west: Zone
) -> None:
    due = GrantFactory(entry=delegated_entry, zone=east, effective_on=D(2024, 9, 20))
    later = GrantFactory(entry=delegated_entry, zone=west, effective_on=D(2024, 9, 21))

    count = services.activate_due_grants(on=D(2024, 9, 20), activated_by=office_user)

    # Ten working days from Fri 20 Sep 2024: Sun 29 Sep is worked, 1–7 Oct are off.
    assert count == 1
    assert grant_state(due) == (
        "effective",
        D(2024, 9, 20),
        D(2024, 10, 10),
        False,
        None,
        None,
        "",
    )
    assert grant_state(later)[0] == "awaiting_effect"
    assert events("grant.effective") == [
        (office_user, "", "grants.Grant", str(due.pk), {"effective_on": "2024-09-20"})
    ]
    assert latest_history(due) == ("~", office_user, system_text("grant.effective"))


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_or_the_system_activates_grants(
    request: pytest.FixtureRequest, persona: str, delegated_entry: ListEntry, east: Zone
) -> None:
    actor = request.getfixturevalue(persona)
    GrantFactory(entry=delegated_entry, zone=east, effective_on=D(2024, 9, 20))
    refused(
        "not_allowed",
        lambda: services.activate_due_grants(on=D(2024, 9, 20), activated_by=actor),
    )


def test_no_actor_is_an_error_and_activates_nothing(delegated_entry: ListEntry, east: Zone) -> None:
    grant = GrantFactory(entry=delegated_entry, zone=east, effective_on=D(2024, 9, 20))

    with pytest.raises(MissingActor):
        services.activate_due_grants(on=D(2024, 9, 20), activated_by=None)

    assert grant_state(grant)[0] == "awaiting_effect"
    assert AuditEvent.objects.count() == 0


def test_a_late_run_uses_the_grants_own_date(delegated_entry: ListEntry, east: Zone) -> None:
    grant = GrantFactory(entry=delegated_entry, zone=east, effective_on=D(2024, 9, 20))

    assert services.activate_due_grants(on=D(2024, 12, 1), activated_by=SYSTEM) == 1

    assert grant_state(grant)[0:3] == ("effective", D(2024, 9, 20), D(2024, 10, 10))
    assert AuditEvent.objects.get().actor is None


def test_activation_takes_the_same_statements_for_many_grants(
    delegated_entry: ListEntry, batch: Batch, legal_aid: Matter
) -> None:
    """Set-based: the statements do not grow with the grants activated (within a batch)."""
    GrantFactory(entry=delegated_entry, zone=member(batch, "first"), effective_on=D(2024, 9, 19))
    with CaptureQueriesContext(connection) as one:
        assert services.activate_due_grants(on=D(2024, 9, 19), activated_by=SYSTEM) == 1
    aid = entry(delegated_entry.annual_list, legal_aid, "delegate")
    for number in range(6):
        zone = member(batch, f"area-{number}")
        GrantFactory(entry=aid, zone=zone, effective_on=D(2024, 9, 20))
    with CaptureQueriesContext(connection) as six:
        assert services.activate_due_grants(on=D(2024, 9, 20), activated_by=SYSTEM) == 6

    assert len(six.captured_queries) == len(one.captured_queries)
    assert Grant.history.filter(history_type="~").count() == 7
    assert AuditEvent.objects.filter(action="grant.effective").count() == 7


def test_activating_twice_changes_nothing_more(
    delegated_entry: ListEntry, east: Zone, west: Zone
) -> None:
    GrantFactory(entry=delegated_entry, zone=east, effective_on=D(2024, 9, 20))
    GrantFactory(entry=delegated_entry, zone=west, effective_on=D(2024, 9, 19))
    assert services.activate_due_grants(on=D(2024, 9, 20), activated_by=SYSTEM) == 2
    after_first = (
        list(Grant.objects.order_by("pk").values()),
        Grant.history.count(),
        AuditEvent.objects.count(),
    )

    assert services.activate_due_grants(on=D(2024, 9, 20), activated_by=SYSTEM) == 0

    assert (
        list(Grant.objects.order_by("pk").values()),
        Grant.history.count(),
        AuditEvent.objects.count(),
    ) == after_first


def test_only_grants_awaiting_their_date_are_activated(
    delegated_entry: ListEntry, east: Zone
) -> None:
    others = [
        GrantFactory(awaiting_agreement=True, zone=east),
        GrantFactory(effective=True, zone=east, effective_on=D(2024, 1, 1)),
        GrantFactory(recalled=True, zone=east, effective_on=D(2024, 1, 1)),
    ]
    before = [grant_state(grant) for grant in others]

    assert services.activate_due_grants(on=D(2024, 12, 1), activated_by=SYSTEM) == 0
    assert [grant_state(grant) for grant in others] == before


def test_a_handover_date_in_a_year_without_a_schedule_is_provisional(
    batch: Batch, law_firms: Matter, east: Zone
) -> None:
    annual_list = AnnualListFactory(
        batch=batch,
        year=2099,
        status="published",
        approved_on=D(2099, 1, 1),
        published_on=D(2099, 1, 31),
        handover_working_days=10,
    )
    grant = GrantFactory(
        entry=entry(annual_list, law_firms, "delegate"), zone=east, effective_on=D(2099, 3, 2)
    )

    services.activate_due_grants(on=D(2099, 3, 2), activated_by=SYSTEM)

    # Monday to Friday only: ten working days from Mon 2 Mar 2099.
    assert grant_state(grant)[0:4] == ("effective", D(2099, 3, 2), D(2099, 3, 16), True)


def test_a_count_running_past_the_last_scheduled_year_is_provisional(
    batch: Batch, law_firms: Matter, east: Zone
) -> None:
    last_covered_year = next(
        year - 1 for year in itertools.count(2024) if not calendar.is_covered(D(year, 1, 1))
    )
    start = D(last_covered_year, 12, 31)
    # The oracle: the fifth Monday-to-Friday day of January in the first uncovered year, New
    # Year's Day (a fixed-date holiday) not counted.
    january = [D(last_covered_year + 1, 1, day) for day in range(2, 15)]
    expected = [day for day in january if day.weekday() < 5][4]
    annual_list = AnnualListFactory(
        batch=batch,
        year=last_covered_year,
        status="published",
        approved_on=D(last_covered_year, 1, 1),
        published_on=D(last_covered_year, 1, 1),
        handover_working_days=5,
    )
    grant = GrantFactory(
        entry=entry(annual_list, law_firms, "delegate"), zone=east, effective_on=start
    )

    services.activate_due_grants(on=start, activated_by=SYSTEM)

    assert grant_state(grant)[0:4] == ("effective", start, expected, True)


# --- sign_entrustment_agreement -------------------------------------------------------------


@pytest.fixture
def entrusted_grant(batch: Batch, legal_aid: Matter, east: Zone) -> Grant:
    annual_list = AnnualListFactory(
        batch=batch, year=2024, published=True, handover_working_days=10
    )
    return GrantFactory(
        entry=entry(annual_list, legal_aid, "entrust", areas=[east]),
        zone=east,
        awaiting_agreement=True,
    )


def sign(grant: Grant, actor: User | None, **fields: Any) -> EntrustmentAgreement:
    values: dict[str, Any] = {
        "number": "川司委〔2024〕7号",
        "signed_on": D(2024, 9, 18),
        "starts_on": D(2024, 9, 20),
        "ends_on": D(2026, 9, 19),
        **fields,
    }
    return services.sign_entrustment_agreement(grant=grant, signed_by=actor, **values)


@pytest.mark.parametrize("persona", ["office_user", "department_user"])
def test_signing_makes_an_entrusted_grant_effective_on_the_terms_start(
    request: pytest.FixtureRequest, persona: str, entrusted_grant: Grant, justice: Department
) -> None:
    actor = request.getfixturevalue(persona)

    agreement = sign(entrusted_grant, actor, covers_decision=False, document="委托书扫描件")

    stored = EntrustmentAgreement.objects.get()
    assert stored == agreement
    assert (
        stored.grant,
        stored.number,
        stored.entrusting_department,
        stored.entrusted_body,
        (stored.covers_acceptance, stored.covers_review, stored.covers_decision),
        stored.signed_on,
        stored.starts_on,
        stored.ends_on,
        stored.renews,
        stored.document,
    ) == (
        entrusted_grant,
        "川司委〔2024〕7号",
        justice,
        "east管委会",
        (True, True, False),
        D(2024, 9, 18),
        D(2024, 9, 20),
        D(2026, 9, 19),
        None,
        "委托书扫描件",
    )
    # Ten working days from Fri 20 Sep 2024 on China's calendar.
    assert grant_state(entrusted_grant) == (
        "effective",
        D(2024, 9, 20),
        D(2024, 10, 10),
        False,
        None,
        None,
        "",
    )
    assert events("agreement.signed") == [
        (
            actor,
            "",
            "grants.EntrustmentAgreement",
            str(agreement.pk),
            {"grant": entrusted_grant.pk, "renews": None},
        )
    ]
    assert events("grant.effective") == [
        (
            actor,
            "",
            "grants.Grant",
            str(entrusted_grant.pk),
            {"effective_on": "2024-09-20", "agreement": "川司委〔2024〕7号"},
        )
    ]
    assert latest_history(stored) == ("+", actor, system_text("agreement.signed"))
    assert latest_history(entrusted_grant) == (
        "~",
        actor,
        system_text("grant.agreement_signed", number="川司委〔2024〕7号"),
    )


def test_the_entrusted_body_defaults_to_the_area_and_may_be_named(
    office_user: User, entrusted_grant: Grant, east: Zone
) -> None:
    east.management_committee_zh = ""
    east.save()
    first = sign(entrusted_grant, office_user)
    named = sign(entrusted_grant, office_user, number="川司委〔2024〕8号", entrusted_body="东区局")
    assert (first.entrusted_body, named.entrusted_body) == (str(east), "东区局")


def test_a_delegate_and_entrust_grant_takes_an_agreement(
    office_user: User, batch: Batch, notaries: Matter, east: Zone
) -> None:
    annual_list = AnnualListFactory(batch=batch, year=2024, published=True)
    grant = GrantFactory(
        entry=entry(annual_list, notaries, "both"), zone=east, awaiting_agreement=True
    )

    sign(grant, office_user)

    assert grant_state(grant)[0:2] == ("effective", D(2024, 9, 20))


@pytest.mark.parametrize("signed_on", [D(2025, 3, 1), D(2026, 9, 19)])
def test_a_renewal_signed_before_expiry_keeps_the_grant_as_it_is(
    office_user: User, entrusted_grant: Grant, signed_on: datetime.date
) -> None:
    original = sign(entrusted_grant, office_user)
    before = grant_state(entrusted_grant)

    renewal = sign(
        entrusted_grant,
        office_user,
        number="川司委〔2026〕2号",
        signed_on=signed_on,
        starts_on=D(2026, 9, 20),
        ends_on=D(2028, 9, 19),
        renews=original,
    )

    assert (renewal.renews, original.renewed_by) == (original, renewal)
    assert grant_state(entrusted_grant) == before
    assert events("agreement.signed")[-1][4] == {
        "grant": entrusted_grant.pk,
        "renews": "川司委〔2024〕7号",
    }
    assert len(events("grant.effective")) == 1


def test_a_renewal_after_expiry_is_late(office_user: User, entrusted_grant: Grant) -> None:
    original = sign(entrusted_grant, office_user)
    error = refused(
        "late_renewal",
        lambda: sign(
            entrusted_grant,
            office_user,
            number="川司委〔2026〕2号",
            signed_on=D(2026, 9, 20),
            starts_on=D(2026, 9, 20),
            ends_on=D(2028, 9, 19),
            renews=original,
        ),
    )
    assert error.field == "renews"


def test_a_renewal_renews_an_agreement_of_the_same_grant(
    office_user: User, entrusted_grant: Grant
) -> None:
    elsewhere = EntrustmentAgreementFactory(ends_on=D(2026, 9, 19))
    refused(
        "late_renewal",
        lambda: sign(entrusted_grant, office_user, number="川司委〔2026〕2号", renews=elsewhere),
    )


def test_an_agreement_is_renewed_once(office_user: User, entrusted_grant: Grant) -> None:
    original = sign(entrusted_grant, office_user)
    sign(entrusted_grant, office_user, number="川司委〔2025〕1号", renews=original)
    refused(
        "duplicate",
        lambda: sign(entrusted_grant, office_user, number="川司委〔2025〕2号", renews=original),
    )


def test_an_agreement_signed_under_last_editions_grant_is_renewed_on_its_continuation(
    office_user: User,
    batch: Batch,
    east: Zone,
    legal_aid: Matter,
    entrusted_grant: Grant,
) -> None:
    """Publishing the next edition continues the grant; its agreement must stay renewable."""
    original = sign(entrusted_grant, office_user)
    annual_list = entrusted_grant.entry.annual_list
    nxt = edition(batch, 2025, predecessor=annual_list)
    entry(nxt, legal_aid, "entrust", areas=[east], change="kept")
    publish(nxt, D(2025, 3, 5), office_user)
    continued = Grant.objects.get(entry__annual_list=nxt, zone=east)

    renewal = sign(
        continued,
        office_user,
        number="川司委〔2026〕2号",
        signed_on=D(2026, 9, 1),
        starts_on=D(2026, 9, 20),
        ends_on=D(2028, 9, 19),
        renews=original,
    )

    assert renewal.renews == original


@pytest.mark.parametrize("mode_code", ["delegate", "support"])
def test_only_an_entrusted_matter_takes_an_agreement(
    office_user: User,
    batch: Batch,
    law_firms: Matter,
    tax_support: Matter,
    east: Zone,
    mode_code: str,
) -> None:
    annual_list = AnnualListFactory(batch=batch, year=2024, published=True)
    matter = tax_support if mode_code == "support" else law_firms
    grant = GrantFactory(entry=entry(annual_list, matter, mode_code), zone=east, effective=True)
    refused("not_entrusted", lambda: sign(grant, office_user))


@pytest.mark.parametrize("trait", ["recalled", "superseded"])
def test_an_ended_grant_takes_no_agreement(
    office_user: User, entrusted_grant: Grant, trait: str
) -> None:
    grant = GrantFactory(entry=entrusted_grant.entry, zone=ZoneFactory(), **{trait: True})
    refused("illegal_transition", lambda: sign(grant, office_user))


def test_the_term_starts_on_or_after_signing(office_user: User, entrusted_grant: Grant) -> None:
    error = refused(
        "dates_out_of_order",
        lambda: sign(entrusted_grant, office_user, signed_on=D(2024, 9, 21)),
    )
    assert error.field == "starts_on"


def test_the_term_starts_on_or_after_publication(office_user: User, entrusted_grant: Grant) -> None:
    published_on = entrusted_grant.entry.annual_list.published_on
    assert published_on == D(2024, 3, 10)
    error = refused(
        "dates_out_of_order",
        lambda: sign(
            entrusted_grant, office_user, signed_on=D(2024, 3, 1), starts_on=D(2024, 3, 9)
        ),
    )
    assert error.field == "starts_on"
    sign(entrusted_grant, office_user, signed_on=D(2024, 3, 1), starts_on=D(2024, 3, 10))
    assert grant_state(entrusted_grant)[0:2] == ("effective", D(2024, 3, 10))


def test_a_term_may_start_on_the_signing_day(office_user: User, entrusted_grant: Grant) -> None:
    sign(entrusted_grant, office_user, signed_on=D(2024, 9, 20))
    assert grant_state(entrusted_grant)[0:2] == ("effective", D(2024, 9, 20))


@pytest.mark.parametrize("ends_on", [D(2024, 9, 20), D(2024, 9, 19)])
def test_the_term_ends_after_it_starts(
    office_user: User, entrusted_grant: Grant, ends_on: datetime.date
) -> None:
    refused("dates_out_of_order", lambda: sign(entrusted_grant, office_user, ends_on=ends_on))


def test_an_agreement_number_is_used_once(office_user: User, entrusted_grant: Grant) -> None:
    EntrustmentAgreementFactory(number="川司委〔2024〕7号")
    refused("duplicate", lambda: sign(entrusted_grant, office_user))


def test_an_agreement_entrusts_something(office_user: User, entrusted_grant: Grant) -> None:
    refused(
        "empty_scope",
        lambda: sign(
            entrusted_grant,
            office_user,
            covers_acceptance=False,
            covers_review=False,
            covers_decision=False,
        ),
    )


@pytest.mark.parametrize("persona", NOT_MANAGING)
def test_only_the_office_or_the_granting_department_signs(
    request: pytest.FixtureRequest, persona: str, entrusted_grant: Grant
) -> None:
    actor = request.getfixturevalue(persona)
    refused("not_allowed", lambda: sign(entrusted_grant, actor))


def test_the_receiving_area_does_not_sign_for_the_department(
    pilot_area_user: User, batch: Batch, legal_aid: Matter
) -> None:
    own_zone = pilot_area_user.zone
    assert own_zone is not None
    annual_list = AnnualListFactory(batch=batch, year=2024, published=True)
    grant = GrantFactory(
        entry=entry(annual_list, legal_aid, "entrust"), zone=own_zone, awaiting_agreement=True
    )
    refused("not_allowed", lambda: sign(grant, pilot_area_user))


# --- record_handover ------------------------------------------------------------------------


@pytest.fixture
def effective_grant(batch: Batch, law_firms: Matter, pilot_area_user: User) -> Grant:
    """Effective in the pilot area persona's zone; the Department of Justice grants it."""
    annual_list = AnnualListFactory(batch=batch, year=2024, published=True)
    return GrantFactory(
        entry=entry(annual_list, law_firms, "delegate"),
        zone=pilot_area_user.zone,
        effective=True,
        effective_on=D(2024, 4, 9),
        handover_due_on=D(2024, 5, 22),
    )


@pytest.mark.parametrize("persona", ["office_user", "department_user", "pilot_area_user"])
def test_the_office_the_department_or_the_area_records_handover(
    request: pytest.FixtureRequest, persona: str, effective_grant: Grant
) -> None:
    actor = request.getfixturevalue(persona)

    grant = services.record_handover(
        grant=effective_grant, handed_over_on=D(2024, 5, 6), recorded_by=actor
    )

    assert grant_state(effective_grant) == (
        "handed_over",
        D(2024, 4, 9),
        D(2024, 5, 22),
        False,
        D(2024, 5, 6),
        None,
        "",
    )
    assert grant == effective_grant
    assert events("grant.handed_over") == [
        (actor, "", "grants.Grant", str(effective_grant.pk), {"handed_over_on": "2024-05-06"})
    ]
    assert latest_history(effective_grant) == ("~", actor, system_text("grant.handed_over"))


def test_handover_may_be_on_the_effective_day_or_after_the_due_date(
    office_user: User, effective_grant: Grant, east: Zone
) -> None:
    services.record_handover(
        grant=effective_grant, handed_over_on=D(2024, 4, 9), recorded_by=office_user
    )
    late = GrantFactory(
        entry=effective_grant.entry,
        zone=east,
        effective=True,
        effective_on=D(2024, 4, 9),
        handover_due_on=D(2024, 5, 22),
    )
    services.record_handover(grant=late, handed_over_on=D(2024, 7, 1), recorded_by=office_user)
    assert (grant_state(effective_grant)[4], grant_state(late)[4]) == (D(2024, 4, 9), D(2024, 7, 1))


def test_handover_comes_on_or_after_the_effective_day(
    office_user: User, effective_grant: Grant
) -> None:
    error = refused(
        "dates_out_of_order",
        lambda: services.record_handover(
            grant=effective_grant, handed_over_on=D(2024, 4, 8), recorded_by=office_user
        ),
    )
    assert error.field == "handed_over_on"


def test_a_support_matter_has_nothing_to_hand_over(
    office_user: User, batch: Batch, tax_support: Matter, east: Zone
) -> None:
    annual_list = AnnualListFactory(batch=batch, year=2024, published=True)
    grant = GrantFactory(
        entry=entry(annual_list, tax_support, "support"),
        zone=east,
        effective=True,
        effective_on=D(2024, 3, 10),
    )
    refused(
        "illegal_transition",
        lambda: services.record_handover(
            grant=grant, handed_over_on=D(2024, 5, 6), recorded_by=office_user
        ),
    )


@pytest.mark.parametrize(
    "trait", ["awaiting_effect", "awaiting_agreement", "handed_over", "recalled", "superseded"]
)
def test_only_an_effective_grant_is_handed_over(
    office_user: User, effective_grant: Grant, east: Zone, trait: str
) -> None:
    traits = {} if trait == "awaiting_effect" else {trait: True}
    grant = GrantFactory(entry=effective_grant.entry, zone=east, **traits)
    refused(
        "illegal_transition",
        lambda: services.record_handover(
            grant=grant, handed_over_on=D(2024, 6, 1), recorded_by=office_user
        ),
    )


@pytest.mark.parametrize(
    "persona",
    ["other_department_user", "prefecture_user", "evaluator", "auditor", "inactive_office_user"],
)
def test_others_do_not_record_handover(
    request: pytest.FixtureRequest, persona: str, effective_grant: Grant
) -> None:
    actor = request.getfixturevalue(persona)
    refused(
        "not_allowed",
        lambda: services.record_handover(
            grant=effective_grant, handed_over_on=D(2024, 5, 6), recorded_by=actor
        ),
    )


def test_an_area_does_not_record_handover_for_another_area(
    pilot_area_user: User, effective_grant: Grant, east: Zone
) -> None:
    elsewhere = GrantFactory(
        entry=effective_grant.entry, zone=east, effective=True, effective_on=D(2024, 4, 9)
    )
    refused(
        "not_allowed",
        lambda: services.record_handover(
            grant=elsewhere, handed_over_on=D(2024, 5, 6), recorded_by=pilot_area_user
        ),
    )


# --- file_supervision_measures --------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office_user", "department_user", "pilot_area_user"])
def test_supervision_measures_are_filed(
    request: pytest.FixtureRequest, persona: str, effective_grant: Grant
) -> None:
    actor = request.getfixturevalue(persona)

    services.file_supervision_measures(
        grant=effective_grant, filed_on=D(2024, 5, 1), document="川司监〔2024〕1号", filed_by=actor
    )

    effective_grant.refresh_from_db()
    assert (
        effective_grant.status,
        effective_grant.supervision_filed_on,
        effective_grant.supervision_document,
    ) == ("effective", D(2024, 5, 1), "川司监〔2024〕1号")
    assert events("grant.supervision_filed") == [
        (actor, "", "grants.Grant", str(effective_grant.pk), {"document": "川司监〔2024〕1号"})
    ]
    assert latest_history(effective_grant) == ("~", actor, system_text("grant.supervision_filed"))


@pytest.mark.parametrize("document", ["", "  "])
def test_a_filing_names_its_document(
    office_user: User, effective_grant: Grant, document: str
) -> None:
    error = refused(
        "document_required",
        lambda: services.file_supervision_measures(
            grant=effective_grant, filed_on=D(2024, 5, 1), document=document, filed_by=office_user
        ),
    )
    assert error.field == "document"


@pytest.mark.parametrize("trait", ["recalled", "superseded"])
def test_an_ended_grant_takes_no_filing(
    office_user: User, effective_grant: Grant, east: Zone, trait: str
) -> None:
    grant = GrantFactory(entry=effective_grant.entry, zone=east, **{trait: True})
    refused(
        "illegal_transition",
        lambda: services.file_supervision_measures(
            grant=grant, filed_on=D(2024, 5, 1), document="doc", filed_by=office_user
        ),
    )


@pytest.mark.parametrize(
    "persona",
    ["other_department_user", "prefecture_user", "evaluator", "auditor", "inactive_office_user"],
)
def test_others_file_no_measures(
    request: pytest.FixtureRequest, persona: str, effective_grant: Grant
) -> None:
    actor = request.getfixturevalue(persona)
    refused(
        "not_allowed",
        lambda: services.file_supervision_measures(
            grant=effective_grant, filed_on=D(2024, 5, 1), document="doc", filed_by=actor
        ),
    )


# --- recall_grant ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office_user", "department_user"])
def test_the_office_or_the_granting_department_recalls(
    request: pytest.FixtureRequest, persona: str, effective_grant: Grant
) -> None:
    actor = request.getfixturevalue(persona)

    recalled = services.recall_grant(
        grant=effective_grant, recalled_on=D(2024, 8, 1), reason="Audit finding.", recalled_by=actor
    )

    assert recalled == effective_grant
    assert grant_state(effective_grant) == (
        "recalled",
        D(2024, 4, 9),
        D(2024, 5, 22),
        False,
        None,
        D(2024, 8, 1),
        "Audit finding.",
    )
    assert events("grant.recalled") == [
        (actor, "Audit finding.", "grants.Grant", str(effective_grant.pk), {})
    ]
    assert latest_history(effective_grant) == ("~", actor, "Audit finding.")


@pytest.mark.parametrize("trait", ["awaiting_agreement", "handed_over"])
def test_a_waiting_or_handed_over_grant_may_be_recalled(
    office_user: User, effective_grant: Grant, east: Zone, trait: str
) -> None:
    grant = GrantFactory(entry=effective_grant.entry, zone=east, **{trait: True})
    services.recall_grant(
        grant=grant, recalled_on=D(2024, 8, 1), reason="Law changed.", recalled_by=office_user
    )
    assert grant_state(grant)[0::5] == ("recalled", D(2024, 8, 1))


def test_a_delegation_may_be_recalled_before_its_effective_date(
    office_user: User, effective_grant: Grant, east: Zone
) -> None:
    """awaiting_effect → recalled is allowed; a grant that has not taken effect yet is recalled
    before the date it would have taken effect."""
    waiting = GrantFactory(entry=effective_grant.entry, zone=east, effective_on=D(2024, 4, 9))

    services.recall_grant(
        grant=waiting, recalled_on=D(2024, 3, 20), reason="Law changed.", recalled_by=office_user
    )

    assert grant_state(waiting)[0::5] == ("recalled", D(2024, 3, 20))


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_recall_gives_its_reason(office_user: User, effective_grant: Grant, reason: str) -> None:
    error = refused(
        "reason_required",
        lambda: services.recall_grant(
            grant=effective_grant, recalled_on=D(2024, 8, 1), reason=reason, recalled_by=office_user
        ),
    )
    assert error.field == "reason"


def test_a_recall_comes_after_the_grant_took_effect(
    office_user: User, effective_grant: Grant
) -> None:
    error = refused(
        "dates_out_of_order",
        lambda: services.recall_grant(
            grant=effective_grant,
            recalled_on=D(2024, 4, 8),
            reason="Audit finding.",
            recalled_by=office_user,
        ),
    )
    assert error.field == "recalled_on"


@pytest.mark.parametrize("trait", ["recalled", "superseded"])
def test_an_ended_grant_is_not_recalled(
    office_user: User, effective_grant: Grant, east: Zone, trait: str
) -> None:
    grant = GrantFactory(entry=effective_grant.entry, zone=east, **{trait: True})
    refused(
        "illegal_transition",
        lambda: services.recall_grant(
            grant=grant, recalled_on=D(2025, 8, 1), reason="again", recalled_by=office_user
        ),
    )


@pytest.mark.parametrize("persona", NOT_MANAGING)
def test_others_do_not_recall(
    request: pytest.FixtureRequest, persona: str, effective_grant: Grant
) -> None:
    actor = request.getfixturevalue(persona)
    refused(
        "not_allowed",
        lambda: services.recall_grant(
            grant=effective_grant, recalled_on=D(2024, 8, 1), reason="no", recalled_by=actor
        ),
    )


# --- the publication preview, re-grants, stale previews ------------------------------------------


def test_the_preview_lists_what_publishing_creates_continues_ends_and_regrants(
    first_edition: AnnualList,
    second_edition: AnnualList,
    east: Zone,
    west: Zone,
    law_firms: Matter,
    legal_aid: Matter,
    notaries: Matter,
    tax_support: Matter,
) -> None:
    plan = publication.plan_publication(second_edition, published_on=D(2024, 2, 5))

    def pairs(planned: Any) -> list[tuple[Matter, Zone]]:
        return sorted(((item.entry.matter, item.zone) for item in planned), key=str)

    assert pairs(plan.created) == sorted([(legal_aid, west), (tax_support, west)], key=str)
    assert pairs(plan.continued) == sorted(
        [(law_firms, east), (law_firms, west), (legal_aid, east), (tax_support, east)], key=str
    )
    assert sorted(grant.pk for grant in plan.ended) == sorted(
        old_grant(first_edition, notaries, zone).pk for zone in (east, west)
    )
    assert (plan.joining, plan.leaving) == ((), ())
    (regrant,) = plan.regrants
    assert (regrant.key, regrant.recalled) == (
        f"{tax_support.key}@{west.slug}",
        old_grant(first_edition, tax_support, west),
    )


def test_a_regrant_without_a_reason_is_refused(
    office_user: User, second_edition: AnnualList
) -> None:
    refused("regrant_reason_required", lambda: publish(second_edition, D(2024, 2, 5), office_user))


def test_a_blank_reason_is_no_reason(
    office_user: User, second_edition: AnnualList, tax_support: Matter, west: Zone
) -> None:
    refused(
        "regrant_reason_required",
        lambda: services.publish_annual_list(
            annual_list=second_edition,
            published_on=D(2024, 2, 5),
            published_by=office_user,
            regrant_reasons={f"{tax_support.key}@{west.slug}": "  "},
        ),
    )


def test_a_stale_preview_is_refused(
    office_user: User, batch: Batch, second_edition: AnnualList, tax_support: Matter, west: Zone
) -> None:
    seen = publication.plan_publication(second_edition, published_on=D(2024, 2, 5)).fingerprint
    member(batch, "newcomer", joined_on=D(2024, 1, 1))  # the batch grew since the preview

    refused(
        "stale_preview",
        lambda: services.publish_annual_list(
            annual_list=second_edition,
            published_on=D(2024, 2, 5),
            published_by=office_user,
            regrant_reasons={f"{tax_support.key}@{west.slug}": "Staffed again."},
            preview=seen,
        ),
    )


def test_a_reason_for_a_pair_that_is_no_regrant_is_refused_as_stale(
    office_user: User, second_edition: AnnualList, law_firms: Matter, east: Zone
) -> None:
    refused(
        "stale_preview",
        lambda: services.publish_annual_list(
            annual_list=second_edition,
            published_on=D(2024, 2, 5),
            published_by=office_user,
            left_out=[f"{law_firms.key}@{east.slug}"],
        ),
    )


def test_the_preview_fingerprint_that_still_holds_publishes(
    office_user: User, second_edition: AnnualList, tax_support: Matter, west: Zone
) -> None:
    seen = publication.plan_publication(second_edition, published_on=D(2024, 2, 5)).fingerprint

    services.publish_annual_list(
        annual_list=second_edition,
        published_on=D(2024, 2, 5),
        published_by=office_user,
        left_out=[f"{tax_support.key}@{west.slug}"],
        preview=seen,
    )

    assert Grant.objects.filter(entry__annual_list=second_edition).count() == 5
    assert events("grants.created")[0][4]["left_out"] == [f"{tax_support.key}@{west.slug}"]


@pytest.mark.parametrize("matters", [2, 6])
def test_superseding_and_recalling_take_the_same_statements_however_many_grants(
    office_user: User, batch: Batch, east: Zone, west: Zone, justice: Department, matters: int
) -> None:
    """Continued grants are superseded, and dropped ones recalled, a batch of rows per statement
    (with their history rows in bulk), never a statement per grant."""
    first = AnnualListFactory(
        batch=batch,
        year=2023,
        published=True,
        approved_on=D(2023, 3, 1),
        published_on=D(2023, 3, 10),
    )
    kept = [MatterFactory(competent_department=justice) for _ in range(matters)]
    dropped = [MatterFactory(competent_department=justice) for _ in range(matters)]
    for matter in kept + dropped:
        old = entry(first, matter, "delegate")
        for zone in (east, west):
            GrantFactory(entry=old, zone=zone, effective=True, effective_on=D(2023, 4, 9))
    second = edition(batch, 2024, predecessor=first)
    for matter in kept:
        entry(second, matter, "delegate", change="kept")

    with CaptureQueriesContext(connection) as captured:
        publish(second, D(2024, 3, 5), office_user)

    writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith(
            ('UPDATE "grants_grant"', 'INSERT INTO "grants_historicalgrant"')
        )
    ]
    # Superseded and recalled: one UPDATE and one history INSERT each; the new grants' history:
    # one INSERT. The same for 12 grants as for 4.
    assert len(writes) == 5
    assert Grant.objects.filter(status="superseded").count() == 2 * matters
    assert Grant.objects.filter(status="recalled").count() == 2 * matters
    assert Grant.history.filter(history_type="~").count() == 4 * matters
