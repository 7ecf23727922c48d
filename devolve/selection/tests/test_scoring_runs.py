"""Scoring in the background (ADR 0072): the request queues a run once the actor and the round's
status allow it, the task scores with progress, and a failure says why and stores nothing."""

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actions import render_text, system_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import restore_flushed_tables
from devolve.core.testing.progress import listen_to_progress
from devolve.selection import services
from devolve.selection.models import RoundResult, ScoringRun, SelectionRound
from devolve.selection.services import Constraints, round_scoring, scoring_runs
from devolve.selection.tests.factories import INCONSISTENT, SmallRound, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _stored() -> dict[str, int]:
    return {
        "results": RoundResult.objects.count(),
        "result history": RoundResult.history.count(),
        "round history": SelectionRound.history.count(),
        "events": AuditEvent.objects.filter(action="selection_round.scored").count(),
    }


@pytest.fixture
def migrated(migrated_data: str, transactional_db: None) -> None:
    """The divisions the migrations load, put back if a transactional test before this one
    flushed them (the zones' prefectures come from them)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    restore_flushed_tables(migrated_data)


def _office() -> User:
    return UserFactory(role=User.Role.OFFICE)


def test_queueing_checks_the_actor_and_the_round_and_writes_only_the_request(
    django_capture_on_commit_callbacks: Any,
) -> None:
    small = make_round()
    office = _office()
    with pytest.raises(NotAllowed):
        services.queue_scoring(
            selection_round=small.selection_round,
            requested_by=UserFactory(role=User.Role.EVALUATOR),
        )
    SelectionRound.objects.filter(pk=small.selection_round.pk).update(status="approved")
    with pytest.raises(DomainError) as refused:
        services.queue_scoring(selection_round=small.selection_round, requested_by=office)
    assert refused.value.code == "illegal_transition"
    assert not ScoringRun.objects.exists()
    SelectionRound.objects.filter(pk=small.selection_round.pk).update(status="draft")

    before = _stored()
    with django_capture_on_commit_callbacks() as queued:
        run = services.queue_scoring(selection_round=small.selection_round, requested_by=office)

    assert len(queued) == 1  # the task, enqueued once the request commits
    run.refresh_from_db()
    assert (run.status, run.requested_by, run.rows_done, run.result) == ("queued", office, 0, None)
    assert _stored() == before
    with pytest.raises(DomainError) as refused:
        services.queue_scoring(selection_round=small.selection_round, requested_by=office)
    assert refused.value.code == "already_queued"
    again = services.queue_scoring(
        selection_round=small.selection_round, requested_by=office, under_way_is_enough=True
    )
    assert again == run
    assert ScoringRun.objects.count() == 1


def test_the_task_scores_and_records_its_progress_and_outcome(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = make_round()
    office = _office()
    reports = listen_to_progress(monkeypatch, scoring_runs, "score_round")
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.queue_scoring(selection_round=small.selection_round, requested_by=office)

    done = ScoringRun.objects.get(pk=queued.pk)
    result = RoundResult.objects.get()
    assert reports == [(0, 20), (10, 20), (20, 20)]  # a report per block of 10 runs
    assert (done.status, done.rows_done, done.rows_total, done.percent_done, done.result) == (
        "scored", 20, 20, 100, result,
    )  # fmt: skip
    assert (done.error, done.error_code) == ("", "")
    assert done.finished_at is not None
    assert result.computed_by == office
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == "scored"
    assert [row.status for row in done.history.order_by("history_id")] == [
        "queued", "running", "scored",
    ]  # fmt: skip
    assert services.run_scoring(scoring_run=done).status == "scored"  # again: nothing
    assert RoundResult.objects.count() == 1


def test_the_task_gives_the_result_the_command_gives() -> None:
    """One service scores, queued or not: the same inputs, the same stored figures."""
    small = make_round()
    direct = services.score_round(selection_round=small.selection_round, scored_by=SYSTEM)
    run = services.run_scoring(
        scoring_run=services.queue_scoring(
            selection_round=small.selection_round, requested_by=SYSTEM
        )
    )
    assert run.result is not None
    assert run.result != direct
    assert run.requested_by is None  # the system asked
    for field in ("input_fingerprint", "candidates", "weights", "chosen", "swaps", "sensitivity"):
        assert getattr(run.result, field) == getattr(direct, field), field


def test_a_crash_leaves_nothing_stored_and_says_why(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = make_round()
    with django_capture_on_commit_callbacks():
        queued = services.queue_scoring(
            selection_round=small.selection_round, requested_by=_office()
        )
    before = _stored()

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(round_scoring, "record_event", crash)  # after the result is written
    with pytest.raises(RuntimeError):
        services.run_scoring(scoring_run=queued)

    failed = ScoringRun.objects.get(pk=queued.pk)
    assert (failed.status, failed.error_code, failed.result) == ("failed", "crashed", None)
    assert (failed.rows_done, failed.rows_total) == (20, 20)  # how far it had come
    assert failed.error == system_text("scoring_run.crashed")
    assert render_text(failed.error) == "Scoring stopped unexpectedly."
    assert _stored() == before
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == "draft"
    # The round may be scored again once the failed run has ended.
    assert services.queue_scoring(selection_round=small.selection_round, requested_by=SYSTEM)


@pytest.mark.parametrize(
    ("make", "code", "english"),
    [
        (lambda: make_round(with_values=False), "no_candidates",
         "Fewer than two candidates have every value; record the missing values or impute."),
        (lambda: make_round(constraints=Constraints(selection_size=3, must_include=("pilot",))),
         "not_a_candidate", "pilot must be included but is not a scored candidate."),
        (lambda: make_round(constraints=Constraints(selection_size=7)), "infeasible",
         "The round chooses 7 zones but only 6 candidates can be scored."),
    ],
)  # fmt: skip
def test_a_refusal_fails_the_run_with_a_sentence_read_in_each_language(
    make: Callable[[], SmallRound], code: str, english: str
) -> None:
    small = make()
    before = _stored()

    failed = services.run_scoring(
        scoring_run=services.queue_scoring(
            selection_round=small.selection_round, requested_by=SYSTEM
        )
    )

    assert (failed.status, failed.error_code, failed.rows_done) == ("failed", code, 0)
    assert render_text(failed.error) == english
    with translation.override("zh-hans"):
        chinese = render_text(failed.error)
    assert chinese != english
    assert chinese
    assert _stored() == before


def test_the_maths_refusal_keeps_its_words() -> None:
    small = make_round(criterion_pairwise=INCONSISTENT)

    failed = services.run_scoring(
        scoring_run=services.queue_scoring(
            selection_round=small.selection_round, requested_by=SYSTEM
        )
    )

    assert (failed.status, failed.error_code) == ("failed", "invalid_input")
    assert render_text(failed.error).startswith("The values cannot be scored: criteria: ")
    assert "CR = " in render_text(failed.error)


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_other_connections_while_scoring_runs(
    migrated: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the page sees sensitivity runs done while the task's transaction is open
    (SQLite, one writer at a time, shows the progress when the run ends)."""
    small = make_round()
    seen: list[tuple[Any, ...]] = []
    sensitivity = round_scoring.weight_sensitivity

    def looking(*args: Any, **kwargs: Any) -> Any:
        report = kwargs["on_progress"]

        def look(done: int, total: int) -> None:
            report(done, total)
            if done == 10:
                observer = connections.create_connection(DEFAULT_DB_ALIAS)
                try:
                    with observer.cursor() as cursor:
                        cursor.execute(
                            "SELECT status, rows_done, rows_total FROM selection_scoringrun"
                        )
                        seen.extend(cursor.fetchall())
                        cursor.execute("SELECT count(*) FROM selection_roundresult")
                        seen.extend(cursor.fetchall())
                finally:
                    observer.close()

        return sensitivity(*args, **{**kwargs, "on_progress": look})

    monkeypatch.setattr(round_scoring, "weight_sensitivity", looking)
    # No transaction around this test: the request commits at once and the task runs inline
    # (the tests' ImmediateBackend), as a worker would run it after the commit.
    queued = services.queue_scoring(selection_round=small.selection_round, requested_by=SYSTEM)

    assert seen == [("running", 10, 20), (0,)]  # half-way, and no result seen yet
    assert ScoringRun.objects.get(pk=queued.pk).status == "scored"


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_queue_one_run(
    migrated: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round is locked while a run is queued: the second request waits, then sees the first
    run under way and is refused, rather than both queueing (or the database's unique index
    failing one of them). On PostgreSQL: SQLite has one writer at a time."""
    small = make_round()
    enqueued: list[int] = []

    class Recorded:
        @staticmethod
        def enqueue(*, scoring_run_id: int) -> None:
            enqueued.append(scoring_run_id)

    monkeypatch.setattr(scoring_runs, "run_scoring_task", Recorded)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def request() -> None:
        try:
            start.wait()
            services.queue_scoring(selection_round=small.selection_round, requested_by=SYSTEM)
            outcomes.append("queued")
        except DomainError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_queued", "queued"]
    assert list(ScoringRun.objects.values_list("pk", flat=True)) == enqueued
