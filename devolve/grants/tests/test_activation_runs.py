"""Activating due grants in the background (ADR 0077): the request queues a run once the actor
may activate, the task activates batch by batch with progress, and a failure says why and
activates nothing."""

import datetime
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actions import render_text, system_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import restore_flushed_tables
from devolve.core.testing.progress import listen_to_progress
from devolve.grants import services
from devolve.grants.models import ActivationRun, Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import AuthorizationMode, ListEntry
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DUE = D(2024, 9, 20)


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _delegated_entry() -> ListEntry:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    annual_list = AnnualListFactory(
        batch=batch, year=2024, published=True, handover_working_days=10
    )
    return ListEntryFactory(
        annual_list=annual_list,
        matter=MatterFactory(),
        mode=AuthorizationMode.objects.get(code="delegate"),
        all_areas=True,
    )


def _due_grants(count: int, *, entry: ListEntry | None = None) -> list[Grant]:
    entry = entry or _delegated_entry()
    grants = []
    for _number in range(count):
        zone = ZoneFactory()
        BatchMembershipFactory(batch=entry.annual_list.batch, zone=zone, joined_on=D(2023, 1, 1))
        grants.append(GrantFactory(entry=entry, zone=zone, effective_on=DUE))
    return grants


def _stored() -> dict[str, Any]:
    return {
        "awaiting": Grant.objects.filter(status="awaiting_effect").count(),
        "grant history": Grant.history.count(),
        "events": AuditEvent.objects.filter(action="grant.effective").count(),
    }


def test_queueing_checks_the_actor_and_writes_only_the_request(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _due_grants(2)
    office = UserFactory(role=User.Role.OFFICE)
    before = _stored()
    with pytest.raises(NotAllowed):
        services.queue_activation(on=DUE, requested_by=UserFactory(role=User.Role.AUDITOR))
    assert not ActivationRun.objects.exists()

    with django_capture_on_commit_callbacks() as queued:
        run = services.queue_activation(on=DUE, requested_by=office)

    assert len(queued) == 1  # the task, enqueued once the request commits
    run.refresh_from_db()
    assert (run.status, run.on, run.requested_by, run.rows_done) == ("queued", DUE, office, 0)
    assert _stored() == before
    # One run under way at a time, whatever its day: asking again gets it.
    assert services.queue_activation(on=D(2024, 12, 1), requested_by=office) == run
    assert ActivationRun.objects.count() == 1


def test_a_request_that_meets_a_run_committed_since_it_looked_gets_that_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race of two requests, in order: the second looked before the first's run committed,
    so its own run fails the one-under-way constraint's validation; it answers with the run."""
    _due_grants(1)
    office = UserFactory(role=User.Role.OFFICE)
    first = services.queue_activation(on=DUE, requested_by=office)
    looked = []
    under_way = services.selectors.activation_under_way

    def not_yet_seen() -> ActivationRun | None:
        looked.append(True)
        return None if len(looked) == 1 else under_way()

    monkeypatch.setattr(services.selectors, "activation_under_way", not_yet_seen)

    assert services.queue_activation(on=DUE, requested_by=office) == first
    assert ActivationRun.objects.count() == 1


def test_the_task_activates_batch_by_batch_and_records_its_outcome(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    grants = _due_grants(5)
    office = UserFactory(role=User.Role.OFFICE)
    monkeypatch.setattr(services, "BULK_BATCH_SIZE", 2)
    reports = listen_to_progress(monkeypatch, services, "activate_due_grants")
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.queue_activation(on=DUE, requested_by=office)

    done = ActivationRun.objects.get(pk=queued.pk)
    assert reports == [(0, 5), (2, 5), (4, 5), (5, 5)]  # a report per batch
    assert (done.status, done.rows_done, done.rows_total, done.percent_done) == (
        "activated", 5, 5, 100,
    )  # fmt: skip
    assert (done.error, done.error_code) == ("", "")
    assert done.finished_at is not None
    assert {grant.status for grant in Grant.objects.filter(pk__in=[g.pk for g in grants])} == {
        "effective"
    }
    # A history row per grant, by the office user who asked, and an event per grant.
    changed = Grant.history.filter(history_type="~")
    assert changed.count() == 5
    assert {row.history_user for row in changed} == {office}
    assert AuditEvent.objects.filter(action="grant.effective", actor=office).count() == 5
    assert [row.status for row in done.history.order_by("history_id")] == [
        "queued", "running", "activated",
    ]  # fmt: skip
    assert services.run_activation(activation_run=done).status == "activated"  # again: nothing
    assert Grant.history.filter(history_type="~").count() == 5


def test_a_crash_leaves_nothing_activated_and_says_why(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _due_grants(5)
    monkeypatch.setattr(services, "BULK_BATCH_SIZE", 2)
    with django_capture_on_commit_callbacks():
        queued = services.queue_activation(on=DUE, requested_by=SYSTEM)
    before = _stored()
    record = services.record_events_in_sql
    calls: list[int] = []

    def crash_on_the_second_batch(**kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        record(**kwargs)

    monkeypatch.setattr(services, "record_events_in_sql", crash_on_the_second_batch)
    with pytest.raises(RuntimeError):
        services.run_activation(activation_run=queued)

    failed = ActivationRun.objects.get(pk=queued.pk)
    assert (failed.status, failed.error_code) == ("failed", "crashed")
    assert (failed.rows_done, failed.rows_total) == (2, 5)  # how far it had come
    assert failed.error == system_text("activation_run.crashed")
    assert render_text(failed.error) == "Activating due grants stopped unexpectedly."
    assert _stored() == before  # the first batch rolled back with the rest
    # The grants may be activated again once the failed run has ended.
    monkeypatch.setattr(services, "record_events_in_sql", record)
    again = services.run_activation(
        activation_run=services.queue_activation(on=DUE, requested_by=SYSTEM)
    )
    assert (again.status, again.rows_done) == ("activated", 5)


def test_the_run_takes_the_same_statements_for_many_grants() -> None:
    """Set-based: the run's statements do not grow with the grants it activates."""
    entry = _delegated_entry()
    _due_grants(1, entry=entry)
    with CaptureQueriesContext(connection) as one:
        run = services.run_activation(
            activation_run=services.queue_activation(on=DUE, requested_by=SYSTEM)
        )
    assert run.rows_done == 1
    _due_grants(6, entry=entry)
    with CaptureQueriesContext(connection) as six:
        run = services.run_activation(
            activation_run=services.queue_activation(on=DUE, requested_by=SYSTEM)
        )
    assert run.rows_done == 6
    assert len(six.captured_queries) == len(one.captured_queries)


@pytest.fixture
def migrated(migrated_data: str, transactional_db: None) -> None:
    """The data the migrations load (authorization modes), put back if a transactional test
    before this one flushed them."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    restore_flushed_tables(migrated_data)


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_other_connections_while_the_run_activates(
    migrated: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the API sees grants activated while the task's transaction is open (SQLite,
    one writer at a time, shows the progress when the run ends)."""
    _due_grants(4)
    monkeypatch.setattr(services, "BULK_BATCH_SIZE", 2)
    seen: list[tuple[Any, ...]] = []
    activate = services.activate_due_grants

    def looking(**kwargs: Any) -> int:
        report = kwargs["on_progress"]

        def look(done: int, total: int) -> None:
            report(done, total)
            if done == 2:
                observer = connections.create_connection(DEFAULT_DB_ALIAS)
                try:
                    with observer.cursor() as cursor:
                        cursor.execute(
                            "SELECT status, rows_done, rows_total FROM grants_activationrun"
                        )
                        seen.extend(cursor.fetchall())
                        cursor.execute(
                            "SELECT count(*) FROM grants_grant WHERE status = 'effective'"
                        )
                        seen.extend(cursor.fetchall())
                finally:
                    observer.close()

        return activate(**{**kwargs, "on_progress": look})

    monkeypatch.setattr(services, "activate_due_grants", looking)
    # No transaction around this test: the request commits at once and the task runs inline
    # (the tests' ImmediateBackend), as a worker would run it after the commit.
    queued = services.queue_activation(on=DUE, requested_by=SYSTEM)

    assert seen == [("running", 2, 4), (0,)]  # half-way, and no grant seen effective yet
    assert ActivationRun.objects.get(pk=queued.pk).status == "activated"


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_queue_one_run(
    migrated: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests at once meet at the partial unique index: one queues the run, the other
    gets it. On PostgreSQL: SQLite has one writer at a time."""
    _due_grants(1)
    enqueued: list[int] = []

    class Recorded:
        @staticmethod
        def enqueue(*, activation_run_id: int) -> None:
            enqueued.append(activation_run_id)

    monkeypatch.setattr(services, "run_activation_task", Recorded)
    start = threading.Barrier(2)
    answered: list[int] = []

    def request() -> None:
        try:
            start.wait()
            answered.append(services.queue_activation(on=DUE, requested_by=SYSTEM).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answered) == 2
    assert answered[0] == answered[1]  # the second request got the first one's run
    assert list(ActivationRun.objects.values_list("pk", flat=True)) == enqueued == answered[:1]
