"""Publishing an edition (ADR 0049): in SQL it writes the same rows as publishing through model
objects did (grants, their history rows, audit events and the editions, compared row by row with
the old path, ``slow_publishing``, on SQLite and on PostgreSQL); as a background task it is
queued by the page, reports its progress, and fails leaving nothing published."""

import datetime
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import translation
from django.utils.translation import gettext

from devolve.accounts.models import User
from devolve.core.actions import render_text, system_text
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.grants import publication, services
from devolve.grants.models import Grant, Publication
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


# --- the background task ------------------------------------------------------------------------


def _queue(second: AnnualList, actor: Any, regrant: str, **arguments: Any) -> Publication:
    return services.queue_publication(
        annual_list=second,
        published_on=D(2024, 2, 5),
        published_by=actor,
        regrant_reasons={regrant: "Staffed again."},
        **arguments,
    )


def test_queueing_checks_what_publishing_checks_and_writes_only_the_request(
    office_user: User,
    department_user: User,
    editions: tuple[AnnualList, AnnualList, str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, second, regrant = editions
    with pytest.raises(NotAllowed):
        _queue(second, department_user, regrant)
    with pytest.raises(DomainError) as refused:
        services.queue_publication(
            annual_list=second, published_on=D(2024, 2, 5), published_by=office_user
        )
    assert refused.value.code == "regrant_reason_required"
    with pytest.raises(DomainError) as refused:
        _queue(second, office_user, regrant, preview="0" * 64)
    assert refused.value.code == "stale_preview"
    with pytest.raises(DomainError) as refused:
        services.queue_publication(
            annual_list=second,
            published_on=D(2024, 1, 5),
            published_by=office_user,
            regrant_reasons={regrant: "Staffed again."},
        )
    assert refused.value.code == "dates_out_of_order"
    assert not Publication.objects.exists()

    with django_capture_on_commit_callbacks() as queued:
        publication = _queue(second, office_user, regrant)

    assert len(queued) == 1  # the task, enqueued once the request commits
    publication.refresh_from_db()
    assert (publication.status, publication.requested_by, publication.rows_done) == (
        "queued",
        office_user,
        0,
    )
    assert publication.preview == publication_plan(second).fingerprint
    second.refresh_from_db()
    assert second.status == "approved"
    assert not Grant.objects.filter(entry__annual_list=second).exists()
    with pytest.raises(DomainError) as refused:
        _queue(second, office_user, regrant)
    assert refused.value.code == "already_queued"


def publication_plan(annual_list: AnnualList) -> publication.PublicationPlan:
    return publication.plan_publication(annual_list, published_on=D(2024, 2, 5))


def test_the_task_publishes_and_records_its_progress_and_outcome(
    office_user: User,
    editions: tuple[AnnualList, AnnualList, str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, second, regrant = editions
    plan = publication_plan(second)

    with django_capture_on_commit_callbacks(execute=True):
        queued = _queue(second, office_user, regrant)

    done = Publication.objects.get(pk=queued.pk)
    total = 2 * len(plan.continued) + len(plan.created) + len(plan.ended)
    assert (done.status, done.rows_done, done.rows_total, done.percent_done) == (
        "published",
        total,
        total,
        100,
    )
    assert done.finished_at is not None
    assert done.error == ""
    second.refresh_from_db()
    assert (second.status, second.published_on) == ("published", D(2024, 2, 5))
    assert Grant.objects.filter(entry__annual_list=second).count() == len(plan.created) + len(
        plan.continued
    )
    assert [row.status for row in done.history.order_by("history_id")] == [
        "queued",
        "running",
        "published",
    ]
    assert services.run_publication(publication=done).status == "published"  # again: nothing


def test_a_failure_leaves_nothing_published_and_says_why(
    office_user: User,
    editions: tuple[AnnualList, AnnualList, str],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    _, second, regrant = editions
    before = _rows()
    with django_capture_on_commit_callbacks():
        queued = _queue(second, office_user, regrant)
    queued_rows = _rows()

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_supersede", crash)  # after the new grants are written
    with pytest.raises(RuntimeError):
        services.run_publication(publication=queued)

    failed = Publication.objects.get(pk=queued.pk)
    assert (failed.status, failed.error_code) == ("failed", "crashed")
    assert failed.error == system_text("publication.crashed")  # a code, read in each language
    with translation.override("en"):
        assert render_text(failed.error) == "Publishing stopped unexpectedly."
    after = _rows()
    for table in ("grants", "history", "editions", "edition history"):
        assert after[table] == before[table], table
    assert after["events"] == queued_rows["events"]  # none from the publication


def test_a_plan_changed_since_queueing_fails_with_its_reason(
    office_user: User,
    editions: tuple[AnnualList, AnnualList, str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, second, regrant = editions
    with django_capture_on_commit_callbacks():
        queued = _queue(second, office_user, regrant)
    continued = Grant.objects.filter(entry__annual_list=first, status="effective").first()
    assert continued is not None
    services.recall_grant(
        grant=continued, recalled_on=D(2024, 1, 20), reason="audit", recalled_by=office_user
    )

    failed = services.run_publication(publication=queued)

    assert (failed.status, failed.error_code) == ("failed", "stale_preview")
    with translation.override("en"):
        assert render_text(failed.error) == (
            "What publishing would do has changed since the preview; look at it again."
        )
    with translation.override("zh-hans"):
        assert render_text(failed.error) == gettext(
            "What publishing would do has changed since the preview; look at it again."
        )
    second.refresh_from_db()
    assert second.status == "approved"
    assert not Grant.objects.filter(entry__annual_list=second).exists()


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_other_connections_while_publishing_runs(
    office_user: User, editions: tuple[AnnualList, AnnualList, str], monkeypatch: Any
) -> None:
    """On PostgreSQL the page sees rows done while the task's transaction is still open."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: progress shows when the task ends")
    _, second, regrant = editions
    seen: list[tuple[int, int]] = []
    supersede = services._supersede

    def look_then_supersede(*args: Any, **kwargs: Any) -> None:
        observer = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with observer.cursor() as cursor:
                cursor.execute("SELECT rows_done, rows_total FROM grants_publication")
                seen.extend(cursor.fetchall())
        finally:
            observer.close()
        supersede(*args, **kwargs)

    monkeypatch.setattr(services, "_supersede", look_then_supersede)
    # This test has no transaction around it: the request commits at once and the task runs
    # inline (the tests' ImmediateBackend), as a worker would run it after the commit.
    queued = _queue(second, office_user, regrant)

    assert Publication.objects.get(pk=queued.pk).status == "published"
    done, total = seen[0]
    assert 0 < done < total  # the new grants written, none superseded yet
