"""Every change in a regular assessment round, one service per business verb.

A round opens over a published edition with each grant's metrics prefilled from accepted reports
and zero-use grants flagged; evaluators score; the office decides each entry; the decisions draft
the next edition through the lists' own services, each carried entry linked to its decision.
Errors (``DomainError.code``): ``not_allowed``, ``illegal_transition``, ``not_published``,
``bad_rubric``, ``bad_scores``, ``reason_required``, ``not_an_evaluator``, ``not_ready``,
``already_decided``, ``no_terms``, ``not_an_expansion``, ``undecided_entries``, ``invalid``.
"""

import datetime
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.assessments import rules, selectors
from devolve.assessments.models import (
    ASSESSMENT_ROUND_LIFECYCLE,
    AssessmentRound,
    EntryDecision,
    GrantAssessment,
)
from devolve.assessments.permissions import can_score
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system, person
from devolve.core.bulk import BulkRefused, Refusal
from devolve.core.concurrency import ensure_unchanged
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event, record_events
from devolve.core.history import (
    mark_change,
    save_all_validated,
    save_validated,
    update_all_validated,
)
from devolve.core.i18n import in_current_language
from devolve.grants import selectors as grant_selectors
from devolve.grants.models import Grant
from devolve.matters import services as matter_services
from devolve.matters.models import AnnualList, Department, ListEntry
from devolve.regions.models import Zone

_METRIC_FIELDS = [
    "grant_status",
    "is_taken_up",
    "periods_reported",
    "cases_received",
    "cases_completed",
    "average_handling_days",
    "promised_limit_days",
    "zero_use_periods",
    "zero_use_ended_on",
    "is_flagged_zero_use",
    "supervision_filed_on",
]


def _require_office(actor: User | SystemActor) -> None:
    if not is_system(actor) and not is_office(actor):
        raise NotAllowed(_("Only the reform office runs assessment rounds and decides."))


def _lock(assessment_round: AssessmentRound) -> AssessmentRound:
    return (
        AssessmentRound.objects.select_for_update(of=("self",))
        .select_related("annual_list")
        .get(pk=assessment_round.pk)
    )


def _check_rubric(criteria: Sequence[rules.Criterion]) -> None:
    problems = rules.rubric_problems(criteria)
    if problems:
        messages = {
            "empty": _("A rubric needs at least one criterion."),
            "blank_code": _("Every criterion needs a code."),
            "duplicate_code": _("Two criteria share a code."),
            "max_not_positive": _("Every criterion's maximum is above zero."),
        }
        raise DomainError("bad_rubric", messages[problems[0]], field="rubric")


def _check_evaluators(evaluators: Sequence[User]) -> None:
    outsiders = [
        user for user in evaluators if user.role not in {User.Role.EVALUATOR, User.Role.OFFICE}
    ]
    if outsiders:
        raise DomainError(
            "not_an_evaluator",
            _("%(users)s cannot evaluate: evaluators are the office or a commissioned evaluator.")
            % {"users": "、".join(user.get_username() for user in outsiders)},
            field="evaluators",
        )


def _metrics(
    assessment: GrantAssessment,
    grant: Grant,
    usage: list[rules.PeriodUsage],
    *,
    period_ends_on: datetime.date,
    threshold: int,
) -> None:
    metrics = rules.usage_metrics(usage)
    assessment.grant_status = grant.status
    assessment.is_taken_up = grant.effective_on is not None and grant.effective_on <= period_ends_on
    assessment.periods_reported = metrics.periods_reported
    assessment.cases_received = metrics.cases_received
    assessment.cases_completed = metrics.cases_completed
    assessment.average_handling_days = metrics.average_handling_days
    assessment.promised_limit_days = metrics.promised_limit_days
    assessment.zero_use_periods = metrics.zero_run.length
    assessment.zero_use_ended_on = metrics.zero_run.ends_on
    assessment.is_flagged_zero_use = rules.is_zero_use(metrics.zero_run, threshold)
    assessment.supervision_filed_on = grant.supervision_filed_on


@transaction.atomic
def open_assessment_round(
    *,
    annual_list: AnnualList,
    title_zh: str,
    period_starts_on: datetime.date,
    period_ends_on: datetime.date,
    opened_on: datetime.date,
    opened_by: User | SystemActor,
    title_en: str = "",
    evaluators: Iterable[User] = (),
    evaluating_body: str = "",
    zero_use_periods: int = rules.DEFAULT_ZERO_USE_PERIODS,
    rubric: Sequence[rules.Criterion] = rules.DEFAULT_RUBRIC,
    is_illustrative: bool = False,
) -> AssessmentRound:
    """Open a round over a published edition: one assessment per grant, metrics prefilled from
    accepted reports within the period, zero-use grants flagged (one ``grant_assessment.flagged``
    event each)."""
    _require_office(opened_by)
    annual_list = AnnualList.objects.get(pk=annual_list.pk)
    if annual_list.status not in {AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED}:
        raise DomainError(
            "not_published", _("Only the grants of a published edition can be assessed.")
        )
    criteria = list(rubric)
    _check_rubric(criteria)
    evaluator_list = list(evaluators)
    _check_evaluators(evaluator_list)
    assessment_round = AssessmentRound(
        annual_list=annual_list,
        title_zh=title_zh,
        title_en=title_en,
        period_starts_on=period_starts_on,
        period_ends_on=period_ends_on,
        zero_use_periods=zero_use_periods,
        rubric=[criterion.as_dict() for criterion in criteria],
        evaluating_body=evaluating_body,
        opened_on=opened_on,
        is_illustrative=is_illustrative,
    )
    save_validated(assessment_round, actor=opened_by, reason=system_text("assessment_round.opened"))
    assessment_round.evaluators.set(evaluator_list)
    usage = selectors.usage_by_grant(
        annual_list=annual_list, period_starts_on=period_starts_on, period_ends_on=period_ends_on
    )
    assessments = []
    for grant in grant_selectors.list_grants().filter(entry__annual_list=annual_list):
        assessment = GrantAssessment(
            round=assessment_round, grant=grant, is_illustrative=is_illustrative
        )
        _metrics(
            assessment,
            grant,
            usage.get(grant.pk, []),
            period_ends_on=period_ends_on,
            threshold=zero_use_periods,
        )
        assessments.append(assessment)
    created = bulk_create_with_history(
        assessments,
        GrantAssessment,
        default_user=person(opened_by),
        default_change_reason=system_text("grant_assessment.prefilled"),
    )
    record_event(
        actor=opened_by,
        action="assessment_round.opened",
        target=assessment_round,
        details={
            "annual_list": annual_list.key,
            "grants": len(created),
            "zero_use_periods": zero_use_periods,
        },
    )
    record_events(
        actor=opened_by,
        action="grant_assessment.flagged_zero_use",
        targets=[item for item in created if item.is_flagged_zero_use],
        reason=system_text("grant_assessment.zero_use", count=zero_use_periods),
    )
    return assessment_round


@transaction.atomic
def refresh_round_metrics(
    *, assessment_round: AssessmentRound, refreshed_by: User | SystemActor
) -> AssessmentRound:
    """Prefill again from the reports accepted since (scores and recommendations stay)."""
    _require_office(refreshed_by)
    assessment_round = _lock(assessment_round)
    if assessment_round.status not in {AssessmentRound.Status.OPEN, AssessmentRound.Status.SCORING}:
        raise DomainError("illegal_transition", _("Metrics are fixed once the round is decided."))
    usage = selectors.usage_by_grant(
        annual_list=assessment_round.annual_list,
        period_starts_on=assessment_round.period_starts_on,
        period_ends_on=assessment_round.period_ends_on,
    )
    assessments = list(
        GrantAssessment.objects.filter(round=assessment_round).select_related("grant")
    )
    for assessment in assessments:
        _metrics(
            assessment,
            assessment.grant,
            usage.get(assessment.grant_id, []),
            period_ends_on=assessment_round.period_ends_on,
            threshold=assessment_round.zero_use_periods,
        )
    bulk_update_with_history(
        assessments,
        GrantAssessment,
        _METRIC_FIELDS,
        default_user=person(refreshed_by),
        default_change_reason=system_text("assessment_round.metrics_refreshed"),
    )
    record_event(
        actor=refreshed_by, action="assessment_round.metrics_refreshed", target=assessment_round
    )
    return assessment_round


@transaction.atomic
def start_scoring(
    *, assessment_round: AssessmentRound, started_by: User | SystemActor
) -> AssessmentRound:
    _require_office(started_by)
    assessment_round = _lock(assessment_round)
    ASSESSMENT_ROUND_LIFECYCLE.apply(assessment_round, "start_scoring", started_by)
    save_validated(
        assessment_round, actor=started_by, reason=system_text("assessment_round.scoring")
    )
    record_event(actor=started_by, action="assessment_round.scoring", target=assessment_round)
    return assessment_round


def _parse_scores(scores: Mapping[str, Decimal | int | str]) -> dict[str, Decimal]:
    parsed = {}
    for code, value in scores.items():
        try:
            parsed[code] = Decimal(str(value))
        except InvalidOperation as error:
            raise DomainError(
                "bad_scores", _("Scores are numbers."), field=f"score_{code}"
            ) from error
    return parsed


def _check_scores(criteria: list[rules.Criterion], scores: dict[str, Decimal]) -> None:
    problems = rules.score_problems(criteria, scores)
    if not problems:
        return
    problem = problems[0]
    messages = {
        "unknown_criterion": _("%(criterion)s is not a criterion of this round's rubric."),
        "missing_criterion": _("Score %(criterion)s too."),
        "negative": _("The score for %(criterion)s cannot be negative."),
        "over_max": _("The score for %(criterion)s is at most %(max)s."),
    }
    names = {
        criterion.code: in_current_language(zh=criterion.name_zh, en=criterion.name_en)
        or criterion.code
        for criterion in criteria
    }
    raise DomainError(
        "bad_scores",
        messages[problem.code]
        % {"criterion": names.get(problem.criterion, problem.criterion), "max": problem.max_points},
        field=f"score_{problem.criterion}",
    )


def _score(
    assessment: GrantAssessment,
    *,
    scores: Mapping[str, Decimal | int | str],
    recommendation: str,
    reason: str,
    scored_by: User | SystemActor,
) -> None:
    """Check one grant's scores and recommendation and set them on ``assessment`` (unsaved).
    The round is scoring and the entry undecided: the caller checked."""
    if recommendation not in {value.value for value in rules.Recommendation}:
        raise DomainError(
            "invalid", _("Choose keep, expand, adjust or withdraw."), field="recommendation"
        )
    if rules.needs_reason(recommendation) and not reason.strip():
        raise DomainError(
            "reason_required",
            _("Give the reasons for anything but keeping the grant."),
            field="reason",
        )
    parsed = _parse_scores(scores)
    _check_scores(assessment.round.criteria, parsed)
    assessment.scores = {code: str(points) for code, points in parsed.items()}
    assessment.score_total = rules.score_total(parsed)
    assessment.scored_by = person(scored_by)
    assessment.recommendation = recommendation
    assessment.recommendation_reason = reason.strip()


_SCORED_FIELDS = ["scores", "score_total", "scored_by", "recommendation", "recommendation_reason"]


def _scored_details(assessment: GrantAssessment) -> dict[str, str]:
    return {"total": str(assessment.score_total), "recommendation": assessment.recommendation}


def _already_decided() -> DomainError:
    return DomainError(
        "already_decided", _("The office has decided this entry; its scores are final.")
    )


@transaction.atomic
def score_grant(
    *,
    grant_assessment: GrantAssessment,
    scores: Mapping[str, Decimal | int | str],
    recommendation: str,
    reason: str,
    scored_by: User | SystemActor,
    expected_version: str | None = None,
) -> GrantAssessment:
    """Record an evaluator's rubric scores and recommendation for one grant. Allowed while the
    round is scoring and its entry is not yet decided; scoring again replaces the scores, but not
    scores saved after the scorer opened them (``expected_version``, devolve.core.concurrency)."""
    assessment = (
        GrantAssessment.objects.select_for_update(of=("self",))
        # The matter and the area: the audit event names the grant by them.
        .select_related("round", "grant", "grant__entry", "grant__entry__matter", "grant__zone")
        .get(pk=grant_assessment.pk)
    )
    if not is_system(scored_by) and not can_score(scored_by, assessment):
        raise NotAllowed(_("Only the office and the round's evaluators score."))
    ensure_unchanged(assessment, expected_version=expected_version)
    if not assessment.round.is_scoring:
        raise DomainError("illegal_transition", _("The round is not taking scores."))
    if EntryDecision.objects.filter(round=assessment.round, entry=assessment.grant.entry).exists():
        raise _already_decided()
    _score(
        assessment,
        scores=scores,
        recommendation=recommendation,
        reason=reason,
        scored_by=scored_by,
    )
    save_validated(
        assessment, actor=scored_by, reason=reason or system_text("grant_assessment.scored")
    )
    record_event(
        actor=scored_by,
        action="grant_assessment.scored",
        target=assessment,
        reason=reason,
        details=_scored_details(assessment),
    )
    return assessment


@dataclass(frozen=True)
class GrantScores:
    """One line of a round's scoring sheet (``score_grants``)."""

    grant_assessment: GrantAssessment
    scores: Mapping[str, Decimal | int | str]
    recommendation: str
    reason: str = ""


@transaction.atomic
def score_grants(
    *,
    assessment_round: AssessmentRound,
    sheet: Sequence[GrantScores],
    scored_by: User | SystemActor,
) -> list[GrantAssessment]:
    """Record the scores and recommendations of many grants of one round at once (a scoring
    sheet), each checked as ``score_grant`` checks it: the actor may score the round, the round
    is scoring, each line names an assessment of the round once, its entry is not yet decided,
    its recommendation is known and has its reason, its scores fit the rubric. All or nothing:
    if any line is refused nothing is written and ``BulkRefused`` lists every refusal. The
    assessments, their history rows and their audit events are written a batch per statement,
    in the sheet's order. Returns the assessments as saved, in that order."""
    if not is_system(scored_by) and not can_score(scored_by, assessment_round):
        raise NotAllowed(_("Only the office and the round's evaluators score."))
    assessment_round = _lock(assessment_round)
    if not assessment_round.is_scoring:
        raise DomainError("illegal_transition", _("The round is not taking scores."))
    wanted = [line.grant_assessment.pk for line in sheet]
    locked = (
        GrantAssessment.objects.select_for_update(of=("self",))
        # The matter and the area: the audit events name the grants by them.
        .select_related("grant", "grant__entry", "grant__entry__matter", "grant__zone")
        .filter(round=assessment_round)
        .in_bulk(wanted)
    )
    decided = set(
        EntryDecision.objects.filter(round=assessment_round).values_list("entry_id", flat=True)
    )
    refusals: list[Refusal] = []
    scored: list[GrantAssessment] = []
    reasons: dict[int, str] = {}
    for line, pk in zip(sheet, wanted, strict=True):
        assessment = locked.get(pk)
        try:
            if assessment is None or pk in reasons:
                raise DomainError(
                    "invalid",
                    _("Each line scores one grant of this round, once."),
                    field="sheet",
                )
            assessment.round = assessment_round
            if assessment.grant.entry_id in decided:
                raise _already_decided()
            _score(
                assessment,
                scores=line.scores,
                recommendation=line.recommendation,
                reason=line.reason,
                scored_by=scored_by,
            )
        except DomainError as error:
            refusals.append(
                Refusal(
                    object_id=str(pk),
                    label=str(assessment or line.grant_assessment),
                    code=error.code,
                    message=str(error.message),
                )
            )
            continue
        reasons[pk] = line.reason
        scored.append(assessment)
    if refusals:
        raise BulkRefused(refusals)
    update_all_validated(
        scored,
        fields=_SCORED_FIELDS,
        actor=scored_by,
        reason=lambda assessment: reasons[assessment.pk] or system_text("grant_assessment.scored"),
    )
    record_events(
        actor=scored_by,
        action="grant_assessment.scored",
        targets=scored,
        reason=lambda assessment: reasons[assessment.pk],
        details=_scored_details,
    )
    return scored


def _check_terms(
    entry: ListEntry,
    decision: str,
    *,
    receiving_areas: list[Zone] | None,
    conditions: str | None,
    notes: str | None,
    granting_department: Department | None,
    supervising_department: Department | None,
) -> None:
    has_terms = any(
        value is not None
        for value in (
            receiving_areas,
            conditions,
            notes,
            granting_department,
            supervising_department,
        )
    )
    if decision in {rules.Recommendation.KEEP, rules.Recommendation.WITHDRAW}:
        if has_terms:
            raise DomainError(
                "invalid",
                _("Keeping or withdrawing an entry changes none of its terms."),
                field="decision",
            )
        return
    if not has_terms:
        raise DomainError(
            "no_terms",
            _("Say what changes: areas, conditions, notes or departments."),
            field="decision",
        )
    if decision == rules.Recommendation.EXPAND:
        current = (
            None if entry.all_areas else set(entry.receiving_areas.values_list("pk", flat=True))
        )
        proposed = None if receiving_areas == [] else {area.pk for area in receiving_areas or []}
        grows = receiving_areas is not None and (
            (proposed is None and current is not None)
            or (proposed is not None and current is not None and proposed > current)
        )
        if not grows:
            raise DomainError(
                "not_an_expansion",
                _("An expansion reaches more areas than the entry does now."),
                field="receiving_areas",
            )


@dataclass(frozen=True)
class EntryDecisionLine:
    """One entry's line of a round's decisions (``decide_entries``): what ``decide_entry``
    takes for one entry."""

    entry: ListEntry
    decision: str
    reason: str = ""
    receiving_areas: Iterable[Zone] | None = None
    conditions: str | None = None
    notes: str | None = None
    granting_department: Department | None = None
    supervising_department: Department | None = None


@transaction.atomic
def decide_entry(
    *,
    assessment_round: AssessmentRound,
    entry: ListEntry,
    decision: str,
    reason: str,
    decided_on: datetime.date,
    decided_by: User | SystemActor,
    receiving_areas: Iterable[Zone] | None = None,
    conditions: str | None = None,
    notes: str | None = None,
    granting_department: Department | None = None,
    supervising_department: Department | None = None,
    is_illustrative: bool = False,
) -> EntryDecision:
    """The office's decision on an entry once every grant of it has a recommendation: accept the
    rolled-up recommendation or override it, with a reason for anything but keeping as
    recommended. ``receiving_areas`` [] means every pilot area of the batch; None leaves them.
    Deciding again while the round scores replaces the decision. One line of
    ``decide_entries``, refused with the line's own error."""
    line = EntryDecisionLine(
        entry=entry,
        decision=decision,
        reason=reason,
        receiving_areas=receiving_areas,
        conditions=conditions,
        notes=notes,
        granting_department=granting_department,
        supervising_department=supervising_department,
    )
    decided, refused = _decide(
        assessment_round,
        [line],
        decided_on=decided_on,
        decided_by=decided_by,
        is_illustrative=is_illustrative,
    )
    if refused:
        raise refused[0][1]
    return decided[0]


@transaction.atomic
def decide_entries(
    *,
    assessment_round: AssessmentRound,
    lines: Sequence[EntryDecisionLine],
    decided_on: datetime.date,
    decided_by: User | SystemActor,
    is_illustrative: bool = False,
) -> list[EntryDecision]:
    """The office's decisions on many entries of one round at once, each checked as
    ``decide_entry`` checks it (the actor is the office, the round is scoring, the entry is in
    the assessed edition and named once, the decision is known, every grant of the entry has a
    recommendation, the reason is given where needed, the terms fit the decision). All or
    nothing: if any line is refused nothing is written and ``BulkRefused`` lists every refusal.
    The decisions, their history rows and their audit events are written a batch per statement
    where they can be, in the lines' order. Returns the decisions as saved, in that order."""
    decided, refused = _decide(
        assessment_round,
        lines,
        decided_on=decided_on,
        decided_by=decided_by,
        is_illustrative=is_illustrative,
    )
    if refused:
        raise BulkRefused(
            [
                Refusal(
                    object_id=str(line.entry.pk),
                    label=str(line.entry),
                    code=error.code,
                    message=str(error.message),
                )
                for line, error in refused
            ]
        )
    return decided


@dataclass
class _Decided:
    """A checked line: its decision row (not yet saved), what the row's history and audit event
    say, and the areas to set."""

    decision: EntryDecision
    areas: list[Zone] | None
    is_new: bool
    reason: str  # as given, for the history row and the audit event
    is_override: bool


def _decide(
    assessment_round: AssessmentRound,
    lines: Sequence[EntryDecisionLine],
    *,
    decided_on: datetime.date,
    decided_by: User | SystemActor,
    is_illustrative: bool,
) -> tuple[list[EntryDecision], list[tuple[EntryDecisionLine, DomainError]]]:
    """``decide_entry`` and ``decide_entries``: check every line, then, if none is refused,
    write them all; returns the decisions written or the lines refused with their errors (a
    refusal of the whole call, by the actor or the round, is raised)."""
    _require_office(decided_by)
    assessment_round = _lock(assessment_round)
    if not assessment_round.is_scoring:
        raise DomainError("illegal_transition", _("Entries are decided while the round scores."))
    entry_ids = [line.entry.pk for line in lines]
    # The grants' recommendations alone: a decision reads nothing else of the assessments.
    recommendations = selectors.entry_recommendations(
        assessment_round=assessment_round, entries=entry_ids
    )
    existing = {
        decision.entry_id: decision
        for decision in EntryDecision.objects.filter(round=assessment_round, entry__in=entry_ids)
    }
    checked: list[_Decided] = []
    refused: list[tuple[EntryDecisionLine, DomainError]] = []
    seen: set[int] = set()
    for line in lines:
        try:
            if line.entry.pk in seen:
                raise DomainError("invalid", _("Each line decides one entry, once."), field="lines")
            seen.add(line.entry.pk)
            checked.append(
                _checked_decision(
                    assessment_round,
                    line,
                    recommendations.get(line.entry.pk, []),
                    existing.get(line.entry.pk),
                    decided_on=decided_on,
                    decided_by=decided_by,
                    is_illustrative=is_illustrative,
                )
            )
        except DomainError as error:
            refused.append((line, error))
    if refused:
        return [], refused
    _write_decisions(checked, actor=decided_by)
    return [item.decision for item in checked], []


def _checked_decision(
    assessment_round: AssessmentRound,
    line: EntryDecisionLine,
    recommendations: list[str],
    existing: EntryDecision | None,
    *,
    decided_on: datetime.date,
    decided_by: User | SystemActor,
    is_illustrative: bool,
) -> _Decided:
    """One line checked, its decision row filled in (``existing`` replaced, or a new one)."""
    entry, decision, reason = line.entry, line.decision, line.reason
    if entry.annual_list_id != assessment_round.annual_list_id:
        raise DomainError("invalid", _("The entry is not in the assessed edition."))
    if decision not in {value.value for value in rules.Recommendation}:
        raise DomainError(
            "invalid", _("Choose keep, expand, adjust or withdraw."), field="decision"
        )
    if not recommendations or not all(recommendations):
        raise DomainError(
            "not_ready", _("Every grant of the entry needs a recommendation before the decision.")
        )
    recommended = rules.roll_up(recommendations)
    assert recommended is not None  # every grant has one  # noqa: S101
    is_override = decision != recommended
    if (is_override or rules.needs_reason(decision)) and not reason.strip():
        raise DomainError(
            "reason_required",
            _("Give the reason for overriding the recommendation or changing the entry."),
            field="reason",
        )
    areas = list(line.receiving_areas) if line.receiving_areas is not None else None
    _check_terms(
        entry,
        decision,
        receiving_areas=areas,
        conditions=line.conditions,
        notes=line.notes,
        granting_department=line.granting_department,
        supervising_department=line.supervising_department,
    )
    entry_decision = existing or EntryDecision(round=assessment_round, entry=entry)
    entry_decision.round = assessment_round
    entry_decision.entry = entry
    entry_decision.recommended = recommended.value
    entry_decision.decision = decision
    entry_decision.reason = reason.strip()
    entry_decision.changes_areas = areas is not None
    entry_decision.conditions = line.conditions
    entry_decision.notes = line.notes
    entry_decision.granting_department = line.granting_department
    entry_decision.supervising_department = line.supervising_department
    entry_decision.decided_by = person(decided_by)
    entry_decision.decided_on = decided_on
    entry_decision.is_illustrative = is_illustrative
    return _Decided(
        decision=entry_decision,
        areas=areas,
        is_new=entry_decision._state.adding,
        reason=reason,
        is_override=is_override,
    )


def _write_decisions(checked: list[_Decided], *, actor: User | SystemActor) -> None:
    """Save the checked decisions in order: the new ones a batch at a time, each with its history
    row, up to one whose areas are set (which writes its areas' history after its own row) or
    one that exists (saved on its own), so that every row, history row and area comes in the
    order deciding them one by one gives; then one audit event each."""
    reasons = {id(item.decision): item.reason for item in checked}
    pending: list[EntryDecision] = []

    def save_pending() -> None:
        if pending:
            save_all_validated(
                pending,
                actor=actor,
                reason=lambda decision: (
                    reasons[id(decision)] or system_text("entry_decision.decided")
                ),
            )
            pending.clear()

    for item in checked:
        if not item.is_new:
            save_pending()
        pending.append(item.decision)
        if item.areas or not item.is_new:  # a new decision has no areas to clear
            save_pending()
            item.decision.receiving_areas.set(item.areas or [])
    save_pending()
    for is_override, run in itertools.groupby(checked, key=lambda item: item.is_override):
        items = list(run)
        record_events(
            actor=actor,
            action="entry_decision.overridden" if is_override else "entry_decision.accepted",
            targets=[item.decision for item in items],
            reason=lambda decision: reasons[id(decision)],
            details=lambda decision: {
                "entry": decision.entry_id,
                "recommended": decision.recommended,
                "decision": decision.decision,
            },
        )


@transaction.atomic
def complete_decisions(
    *,
    assessment_round: AssessmentRound,
    decided_on: datetime.date,
    completed_by: User | SystemActor,
) -> AssessmentRound:
    """Close scoring once every entry with grants in the round is decided."""
    _require_office(completed_by)
    assessment_round = _lock(assessment_round)
    assessed = set(
        GrantAssessment.objects.filter(round=assessment_round).values_list(
            "grant__entry_id", flat=True
        )
    )
    decided = set(
        EntryDecision.objects.filter(round=assessment_round).values_list("entry_id", flat=True)
    )
    undecided = assessed - decided
    if undecided:
        raise DomainError(
            "undecided_entries",
            ngettext(
                "%(count)d entry still waits for a decision.",
                "%(count)d entries still wait for a decision.",
                len(undecided),
            )
            % {"count": len(undecided)},
        )
    ASSESSMENT_ROUND_LIFECYCLE.apply(assessment_round, "complete_decisions", completed_by)
    assessment_round.decided_on = decided_on
    save_validated(
        assessment_round, actor=completed_by, reason=system_text("assessment_round.decided")
    )
    record_event(actor=completed_by, action="assessment_round.decided", target=assessment_round)
    return assessment_round


def _apply(decision: EntryDecision, carried: ListEntry, actor: User | SystemActor) -> ListEntry:
    if decision.decision == rules.Recommendation.KEEP:
        return carried
    if decision.decision == rules.Recommendation.WITHDRAW:
        return matter_services.withdraw_list_entry(
            entry=carried, withdrawn_by=actor, reason=decision.reason
        )
    return matter_services.update_list_entry(
        entry=carried,
        updated_by=actor,
        reason=decision.reason,
        receiving_areas=list(decision.receiving_areas.all()) if decision.changes_areas else None,
        conditions=decision.conditions,
        notes=decision.notes,
        granting_department=decision.granting_department,
        # The decision names a new supervising department or none: no change, not removal.
        supervising_department=decision.supervising_department or matter_services.KEEP,
    )


def _link_decisions(assessment_round: AssessmentRound, decisions: list[EntryDecision]) -> None:
    """Save each decision's link to the entry it made (``next_entry``) with its history row, in
    order: a batch at a time, up to a decision with receiving areas, which is saved on its own
    so that its history row carries its areas (a batch's history rows carry none)."""
    with_areas = set(
        EntryDecision.receiving_areas.through.objects.filter(
            entrydecision__round=assessment_round
        ).values_list("entrydecision_id", flat=True)
    )
    batch: list[EntryDecision] = []
    for decision in [*decisions, None]:
        if decision is not None and decision.pk not in with_areas:
            batch.append(decision)
            continue
        if batch:
            bulk_update_with_history(batch, EntryDecision, ["next_entry"])
            batch = []
        if decision is not None:
            decision.save(update_fields=["next_entry"])


@transaction.atomic
def draft_next_edition(
    *,
    assessment_round: AssessmentRound,
    year: int,
    drafted_on: datetime.date,
    drafted_by: User | SystemActor,
    title_zh: str = "",
    title_en: str = "",
    is_illustrative: bool = False,
    source: str = "",
) -> AnnualList:
    """Derive the next edition's draft from the assessed one (``derive_annual_list``) and apply
    each entry decision through the lists' services: keep leaves the carried entry, withdraw
    withdraws it, adjust and expand change it, each with the decision's reason. Every carried
    entry a decision covers is linked to it (``EntryDecision.next_entry``). Closes the round."""
    _require_office(drafted_by)
    assessment_round = _lock(assessment_round)
    ASSESSMENT_ROUND_LIFECYCLE.apply(assessment_round, "draft_next_edition", drafted_by)
    draft = matter_services.derive_annual_list(
        predecessor=assessment_round.annual_list,
        year=year,
        created_by=drafted_by,
        title_zh=title_zh,
        title_en=title_en,
        is_illustrative=is_illustrative,
        source=source,
    )
    carried = {entry.matter_id: entry for entry in draft.entries.all()}
    decisions = list(
        EntryDecision.objects.filter(round=assessment_round).select_related(
            "entry", "granting_department", "supervising_department"
        )
    )
    for decision in decisions:
        decision.next_entry = _apply(decision, carried[decision.entry.matter_id], drafted_by)
        mark_change(
            decision,
            actor=drafted_by,
            reason=system_text("entry_decision.carried_into", key=draft.key),
        )
    _link_decisions(assessment_round, decisions)
    assessment_round.next_edition = draft
    assessment_round.closed_on = drafted_on
    save_validated(
        assessment_round,
        actor=drafted_by,
        reason=system_text("assessment_round.drafted", key=draft.key),
    )
    record_event(
        actor=drafted_by,
        action="assessment_round.next_edition_drafted",
        target=assessment_round,
        details={"next_edition": draft.key, "decisions": len(decisions)},
    )
    return draft
