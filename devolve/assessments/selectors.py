"""Named reads of regular assessment: rounds and what a user may see of them, usage from accepted
reports, zero-use flags, the entry roll-up and the scores other apps use."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from devolve.accounts.models import User
from devolve.assessments import rules
from devolve.assessments.models import (
    COMPLETED_ROUND_STATUSES,
    AssessmentRound,
    EntryDecision,
    GrantAssessment,
    RecommendationChoice,
)
from devolve.grants import selectors as grant_selectors
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList, ListEntry
from devolve.regions.models import Zone
from devolve.reporting.selectors import accepted_usage, zero_runs_at_least

_SEES_EVERYTHING = {User.Role.OFFICE, User.Role.EVALUATOR, User.Role.AUDITOR}


def list_rounds() -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.select_related(
        "annual_list", "annual_list__batch", "next_edition", "next_edition__batch"
    )


def get_round(*, pk: int) -> AssessmentRound | None:
    return list_rounds().filter(pk=pk).first()


def get_latest_round(*, annual_list: AnnualList) -> AssessmentRound | None:
    return list_rounds().filter(annual_list=annual_list).first()


def list_rounds_visible_to(*, user: User) -> QuerySet[AssessmentRound]:
    """Every programme role sees the rounds; what it sees inside them is scoped by
    ``list_grant_assessments_visible_to``."""
    if not (user.is_active and user.role):
        return list_rounds().none()
    return list_rounds()


def get_round_visible_to(*, user: User, pk: int) -> AssessmentRound | None:
    assessment_round = get_round(pk=pk)
    if assessment_round is None or not list_rounds_visible_to(user=user).filter(pk=pk).exists():
        return None
    return assessment_round


def list_rounds_newest_first(*, user: User) -> QuerySet[AssessmentRound]:
    return list_rounds_visible_to(user=user).order_by("-annual_list__year", "-pk")


def get_round_entry(*, assessment_round: AssessmentRound, pk: int) -> ListEntry | None:
    """An entry of the assessed edition; None for an entry of another edition."""
    return ListEntry.objects.filter(pk=pk, annual_list=assessment_round.annual_list).first()


def list_round_zones(*, assessment_round: AssessmentRound) -> QuerySet[Zone]:
    """The pilot areas of the assessed edition's batch: where a decision may send a matter."""
    return Zone.objects.filter(memberships__batch=assessment_round.annual_list.batch).distinct()


def list_grant_assessments(*, assessment_round: AssessmentRound) -> QuerySet[GrantAssessment]:
    return GrantAssessment.objects.filter(round=assessment_round).select_related(
        "round",
        "grant",
        "grant__entry",
        "grant__entry__matter",
        "grant__entry__mode",
        "grant__entry__granting_department",
        "grant__zone",
        "grant__zone__prefecture",
        "scored_by",
    )


def scope_grant_assessments(
    assessments: QuerySet[GrantAssessment], *, user: User
) -> QuerySet[GrantAssessment]:
    """The office, evaluators and auditors see every grant; a department the grants of its own
    matters; a prefecture its areas'; a pilot area its own."""
    if not user.is_active:
        return assessments.none()
    if user.role in _SEES_EVERYTHING:
        return assessments
    if user.role == User.Role.DEPARTMENT and user.department_id is not None:
        return assessments.filter(
            Q(grant__entry__granting_department_id=user.department_id)
            | Q(grant__entry__matter__competent_department_id=user.department_id)
        )
    if user.role == User.Role.PREFECTURE and user.prefecture_id is not None:
        return assessments.filter(grant__zone__prefecture_id=user.prefecture_id)
    if user.role == User.Role.PILOT_AREA and user.zone_id is not None:
        return assessments.filter(grant__zone_id=user.zone_id)
    return assessments.none()


def list_grant_assessments_visible_to(
    *, user: User, assessment_round: AssessmentRound
) -> QuerySet[GrantAssessment]:
    return scope_grant_assessments(
        list_grant_assessments(assessment_round=assessment_round), user=user
    )


def list_flagged_grant_assessments_visible_to(
    *, user: User, assessment_round: AssessmentRound
) -> QuerySet[GrantAssessment]:
    """The grants of the round flagged for zero use, as far as ``user`` may see them."""
    return list_grant_assessments_visible_to(user=user, assessment_round=assessment_round).filter(
        is_flagged_zero_use=True
    )


def get_grant_assessment(*, pk: int) -> GrantAssessment | None:
    return (
        GrantAssessment.objects.select_related(
            "round",
            "round__annual_list",
            "grant",
            "grant__entry",
            "grant__entry__matter",
            "grant__entry__granting_department",
            "grant__zone",
            "scored_by",
        )
        .filter(pk=pk)
        .first()
    )


def usage_by_grant(
    *,
    annual_list: AnnualList,
    period_starts_on: datetime.date | None = None,
    period_ends_on: datetime.date | None = None,
) -> dict[int, list[rules.PeriodUsage]]:
    """Accepted reports only (reporting's ``accepted_usage``), per grant, within the period when
    one is given (a reported period counts when it ends inside it)."""
    usage: dict[int, list[rules.PeriodUsage]] = defaultdict(list)
    for fact in accepted_usage(annual_list=annual_list):
        if period_starts_on is not None and fact.period_end < period_starts_on:
            continue
        if period_ends_on is not None and fact.period_end > period_ends_on:
            continue
        usage[fact.grant_id].append(
            rules.PeriodUsage(
                period_end=fact.period_end,
                cases_received=fact.cases_received,
                cases_completed=fact.cases_completed,
                average_handling_days=fact.average_handling_days,
                promised_limit_days=fact.promised_limit_days,
            )
        )
    return dict(usage)


@dataclass(frozen=True)
class FlaggedGrant:
    grant_id: int
    zone_id: int
    entry_id: int
    consecutive_zero_periods: int
    last_period_end: datetime.date


def _zero_use_thresholds(editions: list[AnnualList]) -> dict[int, int]:
    """Edition id → the zero-use threshold of its latest round (``DEFAULT_ZERO_USE_PERIODS``
    when it has none), in one query."""
    thresholds = dict.fromkeys((edition.pk for edition in editions), rules.DEFAULT_ZERO_USE_PERIODS)
    latest: set[int] = set()
    rounds = AssessmentRound.objects.filter(annual_list__in=editions).values_list(
        "annual_list_id", "zero_use_periods"
    )
    for annual_list_id, periods in rounds:  # newest first (the model's ordering)
        if annual_list_id not in latest:
            latest.add(annual_list_id)
            thresholds[annual_list_id] = periods
    return thresholds


def _as_date(value: datetime.date | str) -> datetime.date:
    # SQLite hands back dates computed in SQL as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def list_flagged_grants(
    *,
    annual_list: AnnualList | None = None,
    annual_lists: Iterable[AnnualList] | None = None,
    min_periods: int | None = None,
) -> list[FlaggedGrant]:
    """Grants with no case received in ``min_periods`` consecutive accepted periods (default: the
    threshold of the edition's latest round, else ``rules.DEFAULT_ZERO_USE_PERIODS``), of one
    edition, of ``annual_lists``, or else of every published edition. Longest runs first.

    Two queries whatever the number of editions and rows: the thresholds, and the runs stored
    per grant (``reporting.models.GrantZeroRun``, written when a report is accepted, returned or
    reopened) at least as long as their edition's threshold, read by its index (ADR 0066)."""
    if annual_list is not None:
        editions = [annual_list]
    elif annual_lists is not None:
        editions = list(annual_lists)
    else:
        editions = list(AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED))
    if not editions:
        return []
    if min_periods is not None:
        thresholds = dict.fromkeys((edition.pk for edition in editions), min_periods)
    else:
        thresholds = _zero_use_thresholds(editions)
    if not any(threshold > 0 for threshold in thresholds.values()):
        return []  # a threshold of 0 flags nothing (``rules.is_zero_use``)
    rows = zero_runs_at_least(
        {edition_id: threshold for edition_id, threshold in thresholds.items() if threshold > 0}
    )
    return [
        FlaggedGrant(
            grant_id=grant_id,
            zone_id=zone_id,
            entry_id=entry_id,
            consecutive_zero_periods=length,
            last_period_end=_as_date(ends_on),
        )
        for grant_id, annual_list_id, zone_id, entry_id, length, ends_on in rows
        if rules.is_zero_use(rules.ZeroRun(length, _as_date(ends_on)), thresholds[annual_list_id])
    ]


def get_latest_completed_round(*, annual_list: AnnualList) -> AssessmentRound | None:
    return (
        list_rounds()
        .filter(
            annual_list=annual_list,
            status__in=COMPLETED_ROUND_STATUSES,
        )
        .first()
    )


def grant_scores(*, annual_list: AnnualList) -> dict[int, Decimal]:
    """Grant id → rubric total in the latest decided or closed round over the edition; grants not
    scored there are absent."""
    assessment_round = get_latest_completed_round(annual_list=annual_list)
    if assessment_round is None:
        return {}
    rows = (
        GrantAssessment.objects.filter(round=assessment_round, score_total__isnull=False)
        .order_by("grant_id")
        .values_list("grant_id", "score_total")
    )
    return {grant_id: total for grant_id, total in rows if total is not None}


@dataclass(frozen=True)
class EntryRollUp:
    """One entry of the assessed edition with its grants' assessments (those the user may see),
    their rolled-up recommendation and the office's decision if made."""

    entry: ListEntry
    assessments: list[GrantAssessment]
    recommended: rules.Recommendation | None
    decision: EntryDecision | None

    @property
    def is_ready(self) -> bool:
        """Every grant of the entry has a recommendation."""
        return bool(self.assessments) and all(item.recommendation for item in self.assessments)

    @property
    def recommended_label(self) -> str:
        return "" if self.recommended is None else str(RecommendationChoice(self.recommended).label)

    @property
    def flagged_count(self) -> int:
        return sum(1 for item in self.assessments if item.is_flagged_zero_use)


def list_entry_rollups(
    *, assessment_round: AssessmentRound, user: User | None = None
) -> list[EntryRollUp]:
    """Three queries: assessments, entries, decisions. With ``user``, only the grants it may see
    and the entries they belong to."""
    assessments = list_grant_assessments(assessment_round=assessment_round)
    if user is not None:
        assessments = scope_grant_assessments(assessments, user=user)
    by_entry: dict[int, list[GrantAssessment]] = defaultdict(list)
    for item in assessments:
        by_entry[item.grant.entry_id].append(item)
    decisions = {
        decision.entry_id: decision
        for decision in EntryDecision.objects.filter(round=assessment_round).select_related(
            "next_entry", "decided_by"
        )
    }
    entries = (
        ListEntry.objects.filter(pk__in=by_entry)
        .select_related("matter", "mode", "granting_department")
        .order_by("sequence")
    )
    return [
        EntryRollUp(
            entry=entry,
            assessments=by_entry[entry.pk],
            recommended=rules.roll_up(item.recommendation for item in by_entry[entry.pk]),
            decision=decisions.get(entry.pk),
        )
        for entry in entries
    ]


def get_entry_rollup(*, assessment_round: AssessmentRound, entry: ListEntry) -> EntryRollUp:
    assessments = list(
        list_grant_assessments(assessment_round=assessment_round).filter(grant__entry=entry)
    )
    return EntryRollUp(
        entry=entry,
        assessments=assessments,
        recommended=rules.roll_up(item.recommendation for item in assessments),
        decision=EntryDecision.objects.filter(round=assessment_round, entry=entry).first(),
    )


def entry_recommendations(
    *, assessment_round: AssessmentRound, entries: Iterable[ListEntry | int]
) -> dict[int, list[str]]:
    """The recommendation of each grant of each of ``entries`` in the round ("" where none yet),
    by entry id, each entry's in the order of its assessments (an entry without grants in the
    round is absent): what a decision checks and rolls up, in one query without the
    assessments' related rows."""
    ids = [entry if isinstance(entry, int) else entry.pk for entry in entries]
    recommendations: dict[int, list[str]] = {}
    for entry_id, recommendation in (
        GrantAssessment.objects.filter(round=assessment_round, grant__entry__in=ids)
        .order_by("pk")
        .values_list("grant__entry_id", "recommendation")
    ):
        recommendations.setdefault(entry_id, []).append(recommendation)
    return recommendations


def list_entry_decisions(*, assessment_round: AssessmentRound) -> QuerySet[EntryDecision]:
    return (
        EntryDecision.objects.filter(round=assessment_round)
        .select_related("entry", "entry__matter", "next_entry", "decided_by")
        .prefetch_related(Prefetch("receiving_areas"))
    )


def get_entry_decision(
    *, assessment_round: AssessmentRound, entry: ListEntry
) -> EntryDecision | None:
    """The round's decision on ``entry``, if made."""
    return EntryDecision.objects.filter(round=assessment_round, entry=entry).first()


def get_decision_for_entry(*, entry: ListEntry) -> EntryDecision | None:
    """The assessment decision that justified an entry of a later edition, if any."""
    return EntryDecision.objects.select_related("round", "entry").filter(next_entry=entry).first()


def visible_grant_ids(*, user: User, grant_ids: list[int]) -> list[int]:
    """Which of ``grant_ids`` the user may see (the grants app's scope)."""
    return list(
        grant_selectors.list_grants_visible_to(user=user)
        .filter(pk__in=grant_ids)
        .values_list("pk", flat=True)
    )


def with_assessment_behind(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    """Annotate each grant with the completed assessment behind a change to it: the office's
    latest decision on its entry (``decision``, ``decision_reason``, ``decided_on``, the round's
    ``decision_round_zh``/``_en``) and the evaluators' recommendation for the grant itself in
    that kind of round (``recommendation``, ``recommendation_reason``, ``assessed_score``).
    Only decided or closed rounds count; subqueries, so still one query."""
    completed = COMPLETED_ROUND_STATUSES
    decisions = EntryDecision.objects.filter(
        entry=OuterRef("entry"), round__status__in=completed
    ).order_by("-decided_on", "-pk")
    assessments = GrantAssessment.objects.filter(
        grant=OuterRef("pk"), round__status__in=completed
    ).order_by("-round__period_ends_on", "-round_id")
    return grants.annotate(
        decision=Subquery(decisions.values("decision")[:1]),
        decision_reason=Subquery(decisions.values("reason")[:1]),
        decided_on=Subquery(decisions.values("decided_on")[:1]),
        decision_round_zh=Subquery(decisions.values("round__title_zh")[:1]),
        decision_round_en=Subquery(decisions.values("round__title_en")[:1]),
        recommendation=Subquery(assessments.values("recommendation")[:1]),
        recommendation_reason=Subquery(assessments.values("recommendation_reason")[:1]),
        assessed_score=Subquery(assessments.values("score_total")[:1]),
    )


def list_completed_rounds(*, annual_list_ids: list[int]) -> QuerySet[AssessmentRound]:
    """Decided or closed rounds over these editions, oldest first (for public timelines)."""
    return (
        list_rounds()
        .filter(
            annual_list_id__in=annual_list_ids,
            status__in=COMPLETED_ROUND_STATUSES,
        )
        .order_by("decided_on", "pk")
    )


def count_assessments_to_score(*, user: User) -> int:
    """Grant assessments of rounds in scoring that have no score yet: every one for the office,
    those of the rounds an evaluator was named to for an evaluator. One query."""
    waiting = GrantAssessment.objects.filter(
        round__status=AssessmentRound.Status.SCORING, score_total__isnull=True
    )
    if user.is_active and user.role == User.Role.OFFICE:
        return waiting.count()
    if user.is_active and user.role == User.Role.EVALUATOR:
        return waiting.filter(round__evaluators=user).count()
    return 0
