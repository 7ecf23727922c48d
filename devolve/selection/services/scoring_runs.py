"""Scoring a round in the background, as publishing is (ADR 0049, ADR 0072): the request queues a
``ScoringRun`` once the actor and the round's status allow scoring, and the task
(``tasks.run_scoring``) scores it with ``round_scoring.score_round``, recording its progress
(sensitivity runs done) and its outcome. Scoring writes its result once in one transaction
(ADR 0067), so a failed run stored nothing.

Errors (``DomainError.code``): ``not_allowed``, ``illegal_transition`` and ``already_queued``
(a run of the round is queued or running) when queueing; a run that fails keeps the code of the
refusal (``no_candidates``, ``no_values``, ``invalid_input``, ``not_a_candidate``,
``infeasible``, ``illegal_transition``) or ``crashed``.
"""

from django.db import transaction
from django.utils import timezone

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM, SystemActor, person
from devolve.core.errors import DomainError
from devolve.core.history import save_validated
from devolve.core.progress import progress_writer
from devolve.selection import selectors
from devolve.selection.models import SELECTION_ROUND_LIFECYCLE, ScoringRun, SelectionRound
from devolve.selection.services.round_scoring import score_round
from devolve.selection.services.rounds import require_selection_manager
from devolve.selection.tasks import run_scoring as run_scoring_task


@transaction.atomic
def queue_scoring(
    *,
    selection_round: SelectionRound,
    requested_by: User | SystemActor,
    under_way_is_enough: bool = False,
) -> ScoringRun:
    """Queue the scoring of a round as a background task (after commit), once the actor may
    score and the round's status allows it. Errors: ``not_allowed``, ``illegal_transition``,
    and ``already_queued`` while a run of the round is queued or running, unless
    ``under_way_is_enough`` (the API's score, which is idempotent): then that run is returned as
    it is, once the actor is allowed to score. The round is locked, so two requests at once
    queue one run."""
    require_selection_manager(requested_by)
    locked = SelectionRound.objects.select_for_update(of=("self",)).get(pk=selection_round.pk)
    if under_way_is_enough:
        under_way = selectors.scoring_under_way(selection_round=locked)
        if under_way is not None:
            return under_way
    SELECTION_ROUND_LIFECYCLE.check("score", locked.status, requested_by)
    run = ScoringRun(round=locked, requested_by=person(requested_by))
    save_validated(run, actor=requested_by, reason=system_text("scoring_run.queued"))
    transaction.on_commit(lambda: run_scoring_task.enqueue(scoring_run_id=run.pk))
    return run


def run_scoring(*, scoring_run: ScoringRun) -> ScoringRun:
    """Score a queued run's round (a task's body), recording its progress as it goes and its
    outcome: scored with its result, or failed with the error, nothing of it stored. Safe to run
    again: a run no longer queued is left as it is."""
    run = ScoringRun.objects.select_related("round", "requested_by").get(pk=scoring_run.pk)
    if run.status != ScoringRun.Status.QUEUED:
        return run
    actor: User | SystemActor = run.requested_by or SYSTEM
    run.status = ScoringRun.Status.RUNNING
    save_validated(run, actor=actor, reason=system_text("scoring_run.started"))
    reported = [0, 0]  # the last (done, total): SQLite records none inside the transaction
    try:
        with progress_writer(run) as write:

            def report(done: int, total: int) -> None:
                reported[:] = [done, total]
                write(done, total)

            result = score_round(selection_round=run.round, scored_by=actor, on_progress=report)
    except DomainError as error:
        # Stored as a sentence code, read in each reader's language (ADR 0041).
        text = error.text or system_text("scoring_run.refused_with_code", code=error.code)
        return _failed(run, reported, code=error.code, text=text)
    except Exception:
        _failed(run, reported, code="crashed", text=system_text("scoring_run.crashed"))
        raise
    run.status = ScoringRun.Status.SCORED
    run.result = result
    run.rows_done = run.rows_total = reported[1]
    run.finished_at = timezone.now()
    save_validated(run, actor=actor, reason=system_text("scoring_run.finished"))
    return run


def _failed(run: ScoringRun, reported: list[int], *, code: str, text: str) -> ScoringRun:
    """Nothing of the scoring was stored (its transaction rolled back): say why (``text``, a
    stored sentence) and how far it had come."""
    run.rows_done, run.rows_total = reported
    run.status = ScoringRun.Status.FAILED
    run.error_code = code
    run.error = text
    run.finished_at = timezone.now()
    save_validated(
        run,
        actor=run.requested_by or SYSTEM,
        reason=system_text("scoring_run.failed", code=code),
    )
    return run
