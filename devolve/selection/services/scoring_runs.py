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

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, person
from devolve.core.history import save_validated
from devolve.core.progress import ProgressCallback
from devolve.core.runs import run_job
from devolve.selection import selectors
from devolve.selection.models import (
    SELECTION_ROUND_LIFECYCLE,
    RoundResult,
    ScoringRun,
    SelectionRound,
)
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

    def score(actor: User | SystemActor, report: ProgressCallback) -> RoundResult:
        return score_round(selection_round=run.round, scored_by=actor, on_progress=report)

    return run_job(run, score, texts="scoring_run", on_done=_keep_result)


def _keep_result(run: ScoringRun, result: RoundResult) -> None:
    """A scored run points at the result its scoring stored (saved with its done status)."""
    run.result = result
