"""Publishing in SQL (ADR 0047) writes the same rows as publishing through model objects did:
grants, their history rows, audit events and the editions, compared row by row with the old
path (``slow_publishing``) on the same edition, on SQLite and on PostgreSQL."""

import datetime
from typing import Any

import pytest
from django.db import transaction

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.grants import publication, services
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.grants.tests.slow_publishing import publish_annual_list_slowly
from devolve.matters.models import AnnualList, Department, ListEntry
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory, mode
from devolve.regions.models import Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date


class _RolledBack(Exception):
    pass


def _member(batch: Any, slug: str, **fields: Any) -> Zone:
    zone = ZoneFactory(slug=slug, name_en=f"{slug} zone")
    BatchMembershipFactory(batch=batch, zone=zone, **{"joined_on": D(2023, 1, 1), **fields})
    return zone


def _entry(
    annual_list: AnnualList, matter: Any, mode_code: str, areas: Any = None, **fields: Any
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


@pytest.fixture
def editions(justice: Department, finance: Department) -> tuple[AnnualList, AnnualList, str]:
    """A published 2023 edition with grants in every state, and its approved successor that
    keeps, extends, withdraws, narrows and adds entries, and re-grants a recalled power."""
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    east, west, north = (_member(batch, slug) for slug in ("east", "west", "north"))
    law_firms, legal_aid, notaries, surveys, new = (
        MatterFactory(competent_department=justice) for _ in range(5)
    )
    tax_support = MatterFactory(support=True, competent_department=finance)
    first = AnnualListFactory(
        batch=batch,
        year=2023,
        published=True,
        approved_on=D(2023, 3, 1),
        published_on=D(2023, 3, 10),
    )
    delegated = _entry(first, law_firms, "delegate", is_illustrative=True)
    entrusted = _entry(first, legal_aid, "entrust", areas=[east])
    dropped = _entry(first, notaries, "delegate")
    narrowed = _entry(first, surveys, "both")
    supported = _entry(first, tax_support, "support")
    GrantFactory(
        entry=delegated,
        zone=east,
        effective=True,
        effective_on=D(2023, 4, 9),
        handover_due_on=D(2023, 5, 22),
        supervision_filed_on=D(2023, 5, 1),
        supervision_document="川司监〔2023〕1号",
        is_illustrative=True,
    )
    GrantFactory(
        entry=delegated,
        zone=west,
        handed_over=True,
        effective_on=D(2023, 4, 9),
        handover_due_on=D(2023, 5, 22),
        handed_over_on=D(2023, 5, 6),
        is_illustrative=True,
    )
    GrantFactory(entry=delegated, zone=north, status="awaiting_effect", effective_on=D(2023, 4, 9))
    GrantFactory(entry=entrusted, zone=east, awaiting_agreement=True)
    for zone in (east, west):
        GrantFactory(entry=dropped, zone=zone, effective=True, effective_on=D(2023, 4, 9))
        GrantFactory(entry=narrowed, zone=zone, awaiting_agreement=True)
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
    second = AnnualListFactory(
        batch=batch, year=2024, approved=True, approved_on=D(2024, 2, 1), predecessor=first
    )
    _entry(second, law_firms, "delegate", change="kept", is_illustrative=True)
    _entry(second, legal_aid, "entrust", areas=[east, west], change="modified")
    _entry(second, notaries, "delegate", change="withdrawn", change_reason="done")
    _entry(second, surveys, "both", areas=[west], change="modified")
    _entry(second, tax_support, "support", change="kept")
    _entry(second, new, "delegate", change="added", effective_on=D(2024, 6, 1))
    return first, second, f"{tax_support.key}@{west.slug}"


def _rows() -> dict[str, Any]:
    """Everything publishing writes, with grants named by edition, matter and area instead of
    their ids (the two paths take different ids) and without the times they were written."""
    names = {
        grant.pk: (grant.entry.annual_list.key, grant.entry.matter.key, grant.zone.slug)
        for grant in Grant.objects.select_related("entry__annual_list", "entry__matter", "zone")
    }
    fields = [
        "status",
        "effective_on",
        "handover_due_on",
        "handover_due_is_provisional",
        "handed_over_on",
        "supervision_filed_on",
        "supervision_document",
        "ended_on",
        "end_reason",
        "is_illustrative",
        "entry_id",
        "zone_id",
    ]

    def grant_row(row: Any) -> tuple[Any, ...]:
        return (
            names[row.id],
            names.get(row.previous_grant_id),
            *(getattr(row, field) for field in fields),
        )

    def event_row(event: AuditEvent) -> tuple[Any, ...]:
        target = (
            names[int(event.target_id)] if event.target_type == "grants.Grant" else event.target_id
        )
        return (
            event.action,
            event.actor_id,
            event.target_type,
            target,
            event.target_label,
            event.target_label_en,
            event.reason,
            event.details,
        )

    return {
        "grants": sorted(grant_row(grant) for grant in Grant.objects.all()),
        "history": sorted(
            (
                *grant_row(row),
                row.history_type,
                row.history_user_id,
                row.history_change_reason,
            )
            for row in Grant.history.all()
        ),
        "events": sorted(event_row(event) for event in AuditEvent.objects.all()),
        "editions": sorted(
            (edition.key, edition.status, edition.published_on, edition.superseded_on)
            for edition in AnnualList.objects.all()
        ),
        "edition history": sorted(
            (row.id, row.status, row.history_type, row.history_user_id, row.history_change_reason)
            for row in AnnualList.history.all()
        ),
    }


@pytest.mark.parametrize("regranted", [True, False], ids=["regranted", "left out"])
def test_publishing_in_sql_writes_what_the_old_path_wrote(
    office_user: User, editions: tuple[AnnualList, AnnualList, str], regranted: bool
) -> None:
    _, second, regrant = editions
    arguments: dict[str, Any] = {
        "annual_list": second,
        "published_on": D(2024, 2, 5),
        "published_by": office_user,
        "regrant_reasons": {regrant: "Staffed again."} if regranted else {},
        "left_out": [] if regranted else [regrant],
    }
    try:
        with transaction.atomic():
            publish_annual_list_slowly(**arguments)
            before = _rows()
            raise _RolledBack
    except _RolledBack:
        pass

    services.publish_annual_list(**arguments)

    after = _rows()
    for table in before:
        assert after[table] == before[table], table


def test_publishing_reports_its_progress_batch_by_batch(
    office_user: User, editions: tuple[AnnualList, AnnualList, str], monkeypatch: Any
) -> None:
    _, second, regrant = editions
    monkeypatch.setattr(services, "BULK_BATCH_SIZE", 2)
    reported: list[tuple[int, int]] = []
    plan = publication.plan_publication(second, published_on=D(2024, 2, 5))

    services.publish_annual_list(
        annual_list=second,
        published_on=D(2024, 2, 5),
        published_by=office_user,
        regrant_reasons={regrant: "Staffed again."},
        on_progress=lambda done, total: reported.append((done, total)),
    )

    # Grants written: each continued one and its predecessor superseded, the new and the recalled.
    total = 2 * len(plan.continued) + len(plan.created) + len(plan.ended)
    assert total > 10
    assert reported[0] == (0, total)
    assert reported[-1] == (total, total)
    dones = [done for done, _ in reported]
    assert dones == sorted(dones)
    assert len(reported) > 5  # a report for each batch of 2, not one at the end
