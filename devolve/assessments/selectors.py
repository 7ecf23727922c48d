"""Named reads of regular assessment: rounds and what a user may see of them, usage from accepted
reports, zero-use flags, the entry roll-up and the scores other apps use."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from devolve.accounts.models import User
from devolve.assessments import rules
from devolve.assessments.models import (
    AssessmentRound,
    EntryDecision,
    GrantAssessment,
    RecommendationChoice,
)
from devolve.grants import selectors as grant_selectors
from devolve.matters.models import AnnualList, ListEntry
from devolve.reporting.selectors import accepted_usage

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


def _zero_use_threshold(annual_list: AnnualList) -> int:
    assessment_round = get_latest_round(annual_list=annual_list)
    return (
        assessment_round.zero_use_periods
        if assessment_round is not None
        else rules.DEFAULT_ZERO_USE_PERIODS
    )


def list_flagged_grants(
    *, annual_list: AnnualList | None = None, min_periods: int | None = None
) -> list[FlaggedGrant]:
    """Grants with no case received in ``min_periods`` consecutive accepted periods (default: the
    threshold of the edition's latest round, else ``rules.DEFAULT_ZERO_USE_PERIODS``). Without an
    edition, every published edition's grants. Longest runs first."""
    editions = (
        [annual_list]
        if annual_list is not None
        else list(AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED))
    )
    flagged: list[FlaggedGrant] = []
    for edition in editions:
        threshold = min_periods if min_periods is not None else _zero_use_threshold(edition)
        places: dict[int, tuple[int, int]] = {}
        periods: dict[int, list[rules.PeriodUsage]] = defaultdict(list)
        for fact in accepted_usage(annual_list=edition):
            places[fact.grant_id] = (fact.zone_id, fact.entry_id)
            periods[fact.grant_id].append(
                rules.PeriodUsage(
                    period_end=fact.period_end,
                    cases_received=fact.cases_received,
                    cases_completed=fact.cases_completed,
                    average_handling_days=fact.average_handling_days,
                    promised_limit_days=fact.promised_limit_days,
                )
            )
        for grant_id, usage in periods.items():
            run = rules.zero_use_run(usage)
            if rules.is_zero_use(run, threshold) and run.ends_on is not None:
                zone_id, entry_id = places[grant_id]
                flagged.append(
                    FlaggedGrant(
                        grant_id=grant_id,
                        zone_id=zone_id,
                        entry_id=entry_id,
                        consecutive_zero_periods=run.length,
                        last_period_end=run.ends_on,
                    )
                )
    flagged.sort(key=lambda flag: (-flag.consecutive_zero_periods, flag.grant_id))
    return flagged


def get_latest_completed_round(*, annual_list: AnnualList) -> AssessmentRound | None:
    return (
        list_rounds()
        .filter(
            annual_list=annual_list,
            status__in=[status.value for status in rules.COMPLETED_STATUSES],
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


def list_entry_decisions(*, assessment_round: AssessmentRound) -> QuerySet[EntryDecision]:
    return (
        EntryDecision.objects.filter(round=assessment_round)
        .select_related("entry", "entry__matter", "next_entry", "decided_by")
        .prefetch_related(Prefetch("receiving_areas"))
    )


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
