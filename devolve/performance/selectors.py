"""Named reads of performance assessment: schemes, assessments and scores as a user may see them,
the subjects of a year, the measures that compute an item's input from reform data, and the
recomputation of an assessment from the inputs its scores stored."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from devolve.accounts.models import User
from devolve.assessments.selectors import grant_scores, list_flagged_grants, list_rounds
from devolve.core.history import last_changed
from devolve.grants.models import Grant
from devolve.indicators.selectors import get_indicator, latest_observations
from devolve.matters.models import AnnualList, Department
from devolve.performance import rules
from devolve.performance.models import (
    Appeal,
    IndicatorGroup,
    IndicatorItem,
    ManualInput,
    PerformanceAssessment,
    Scheme,
    Score,
    ScoreItem,
    SubjectType,
)
from devolve.performance.permissions import can_read_all_performance
from devolve.regions.models import Division, Zone
from devolve.reporting.selectors import accepted_usage, completeness

_SEES_EVERYTHING = {User.Role.OFFICE, User.Role.EVALUATOR, User.Role.AUDITOR}
HUNDRED = Decimal(100)

# Schemes ---------------------------------------------------------------------------------------


def list_schemes() -> QuerySet[Scheme]:
    return Scheme.objects.select_related("predecessor")


def list_schemes_visible_to(*, user: User | None) -> QuerySet[Scheme]:
    """The office, evaluators and auditors see every version; the departments, prefectures and
    areas a scheme scores (and the public) only published ones, since a draft is not yet the
    rule they are scored by."""
    schemes = list_schemes()
    if user is not None and can_read_all_performance(user):
        return schemes
    return schemes.filter(status=Scheme.Status.PUBLISHED)


def get_scheme_visible_to(*, user: User, pk: int) -> Scheme | None:
    """A draft is unknown to those who may not see drafts, as in the API."""
    return list_schemes_visible_to(user=user).filter(pk=pk).first()


def get_scheme(*, pk: int) -> Scheme | None:
    return list_schemes().filter(pk=pk).first()


def get_latest_scheme(*, code: str) -> Scheme | None:
    return list_schemes().filter(code=code).order_by("-version").first()


def list_scheme_items(*, scheme: Scheme) -> list[IndicatorItem]:
    return list(
        IndicatorItem.objects.filter(group__scheme=scheme)
        .select_related("group")
        .order_by("group__sequence", "sequence")
    )


def list_scheme_groups(*, scheme: Scheme) -> list[IndicatorGroup]:
    """The tree: groups in order, each with its items in order (two queries)."""
    items = IndicatorItem.objects.order_by("sequence")
    return list(
        scheme.groups.order_by("sequence").prefetch_related(Prefetch("items", queryset=items))
    )


def scheme_spec(*, scheme: Scheme, items: list[IndicatorItem] | None = None) -> rules.SchemeSpec:
    return rules.SchemeSpec(
        base=scheme.base_points,
        items=tuple(item.spec() for item in (items or list_scheme_items(scheme=scheme))),
        excellent_from=scheme.excellent_from,
        good_from=scheme.good_from,
        pass_from=scheme.pass_from,
    )


# Assessments and scores ------------------------------------------------------------------------


def list_assessments() -> QuerySet[PerformanceAssessment]:
    return PerformanceAssessment.objects.select_related("scheme")


def list_published_assessments() -> QuerySet[PerformanceAssessment]:
    return list_assessments().filter(status=PerformanceAssessment.Status.PUBLISHED)


def list_published_assessments_newest_first() -> QuerySet[PerformanceAssessment]:
    return list_published_assessments().order_by("-year", "scheme__code")


def list_assessment_score_items(*, assessment: PerformanceAssessment) -> QuerySet[ScoreItem]:
    return ScoreItem.objects.filter(score__assessment=assessment)


def get_assessment(*, pk: int) -> PerformanceAssessment | None:
    return list_assessments().filter(pk=pk).first()


def get_published_assessment(*, year: int, scheme_code: str) -> PerformanceAssessment | None:
    return (
        list_published_assessments()
        .filter(year=year, scheme__code=scheme_code)
        .order_by("-scheme__version")
        .first()
    )


def get_latest_computed_assessment() -> PerformanceAssessment | None:
    return (
        list_assessments()
        .exclude(status=PerformanceAssessment.Status.DRAFT)
        .order_by("-year", "-published_at", "-pk")
        .first()
    )


def list_scores() -> QuerySet[Score]:
    return Score.objects.select_related(
        "assessment", "assessment__scheme", "scheme", "prefecture", "department", "zone"
    )


def own_subject(user: User) -> Q:
    """The scores of the user's own prefecture, department or pilot area; nothing for others."""
    if user.role == User.Role.PREFECTURE and user.prefecture_id is not None:
        return Q(prefecture_id=user.prefecture_id)
    if user.role == User.Role.DEPARTMENT and user.department_id is not None:
        return Q(department_id=user.department_id)
    if user.role == User.Role.PILOT_AREA and user.zone_id is not None:
        return Q(zone_id=user.zone_id)
    return Q(pk__in=[])


def list_scores_visible_to(*, user: User | None) -> QuerySet[Score]:
    """Everyone sees published scores; the office, evaluators and auditors every score; a
    prefecture, department or pilot area also its own unpublished score."""
    published = Q(assessment__status=PerformanceAssessment.Status.PUBLISHED)
    scores = list_scores()
    if user is None or not user.is_active or not user.role:
        return scores.filter(published)
    if user.role in _SEES_EVERYTHING:
        return scores
    return scores.filter(published | own_subject(user))


def list_assessments_visible_to(*, user: User | None) -> QuerySet[PerformanceAssessment]:
    """Published assessments for everyone; the rest for the office, evaluators, auditors and the
    subjects of the scheme's type."""
    if user is None or not user.is_active or not user.role:
        return list_published_assessments()
    if user.role in _SEES_EVERYTHING:
        return list_assessments()
    return list_assessments().filter(
        Q(status=PerformanceAssessment.Status.PUBLISHED)
        | Q(pk__in=Score.objects.filter(own_subject(user)).values("assessment_id"))
    )


def get_latest_assessment() -> PerformanceAssessment | None:
    return list_assessments().order_by("-year").first()


def list_scheme_assessments_visible_to(
    *, user: User, scheme: Scheme
) -> QuerySet[PerformanceAssessment]:
    return list_assessments_visible_to(user=user).filter(scheme=scheme)


def is_assessment_visible_to(*, user: User, pk: int) -> bool:
    return list_assessments_visible_to(user=user).filter(pk=pk).exists()


def list_assessment_scores_visible_to(
    *, user: User, assessment: PerformanceAssessment
) -> list[Score]:
    """The assessment's scores ``user`` may see, in rank order."""
    return list(
        list_scores_visible_to(user=user)
        .filter(assessment=assessment)
        .order_by("rank", "subject_key")
    )


def list_manual_inputs(*, assessment: PerformanceAssessment) -> QuerySet[ManualInput]:
    return ManualInput.objects.filter(assessment=assessment).select_related(
        "item", "prefecture", "department", "zone"
    )


def get_score(*, pk: int) -> Score | None:
    return list_scores().filter(pk=pk).first()


def list_ranking(*, assessment: PerformanceAssessment) -> list[Score]:
    return list(list_scores().filter(assessment=assessment).order_by("rank", "subject_key"))


def list_ranking_rows(*, assessment: PerformanceAssessment) -> QuerySet[Score]:
    """The assessment's scores in rank order, as a queryset a list pages and sorts."""
    return list_scores().filter(assessment=assessment).order_by("rank", "subject_key")


def item_field(item: IndicatorItem, what: str) -> str:
    """The annotation ``with_item_points`` gives each score for ``item``'s ``points`` or
    ``outcome``."""
    return f"item_{item.pk}_{what}"


def with_item_points(scores: QuerySet[Score], *, items: list[IndicatorItem]) -> QuerySet[Score]:
    """``scores`` with each item's points and outcome on every score (None where the score has
    no line for the item), so a list sorts by an item's points in the database and reads a
    page of scores in one query however many items the scheme has."""
    annotations = {}
    for item in items:
        line = ScoreItem.objects.filter(score=OuterRef("pk"), item=item)
        for what in ("points", "outcome"):
            annotations[item_field(item, what)] = Subquery(line.values(what)[:1])
    return scores.annotate(**annotations)


def list_score_items(*, score: Score) -> list[ScoreItem]:
    return list(
        score.items.select_related("item", "item__group").order_by(
            "item__group__sequence", "item__sequence"
        )
    )


def list_appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "score",
        "score__assessment",
        "score__assessment__scheme",
        "score__prefecture",
        "score__department",
        "score__zone",
        "item",
        "filed_by",
        "decided_by",
    )


def list_appeals_visible_to(*, user: User) -> QuerySet[Appeal]:
    appeals = list_appeals()
    if not user.is_active or not user.role:
        return appeals.none()
    if user.role in _SEES_EVERYTHING:
        return appeals
    own = own_subject(user)
    return appeals.filter(score__in=Score.objects.filter(own))


def list_pending_appeals_visible_to(
    *, user: User, assessment: PerformanceAssessment
) -> QuerySet[Appeal]:
    return list_appeals_visible_to(user=user).filter(
        score__assessment=assessment, status=Appeal.Status.PENDING
    )


def list_score_appeals_visible_to(*, user: User, score: Score) -> QuerySet[Appeal]:
    return list_appeals_visible_to(user=user).filter(score=score)


def is_appeal_visible_to(*, user: User, pk: int) -> bool:
    return list_appeals_visible_to(user=user).filter(pk=pk).exists()


def get_score_item(*, score: Score, item: IndicatorItem) -> ScoreItem | None:
    """The stored item of ``score`` an appeal is about."""
    return ScoreItem.objects.filter(score=score, item=item).first()


def get_appeal(*, pk: int) -> Appeal | None:
    return list_appeals().filter(pk=pk).first()


def count_pending_appeals(*, assessment: PerformanceAssessment) -> int:
    return Appeal.objects.filter(score__assessment=assessment, status=Appeal.Status.PENDING).count()


# Subjects of a year ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Who is assessed: the key scores use (division code, department key or zone slug) and the
    record."""

    key: str
    record: Division | Department | Zone


def editions_of(*, year: int) -> list[AnnualList]:
    return list(AnnualList.objects.published().for_year(year).order_by("batch__number", "edition"))


def list_subjects(*, subject_type: str, year: int) -> list[Subject]:
    """The subjects that took part in the reform in ``year``: the pilot areas that held a grant of
    the year's editions, their prefectures, and the departments that granted them."""
    grants = Grant.objects.filter(entry__annual_list__in=editions_of(year=year))
    if subject_type == SubjectType.PILOT_AREA:
        zones = Zone.objects.filter(pk__in=grants.values("zone_id")).order_by("slug")
        return [Subject(zone.slug, zone) for zone in zones]
    if subject_type == SubjectType.PREFECTURE:
        divisions = Division.objects.filter(pk__in=grants.values("zone__prefecture_id"))
        return [Subject(division.code, division) for division in divisions.order_by("code")]
    departments = Department.objects.filter(pk__in=grants.values("entry__granting_department_id"))
    return [Subject(department.code, department) for department in departments.order_by("code")]


# Measures: an item's input per subject, from reform data ---------------------------------------

Values = dict[str, Decimal]


@dataclass(frozen=True)
class MeasureContext:
    subject_type: str
    year: int
    editions: list[AnnualList]
    on: datetime.date


_COMPLETENESS_BY = {
    SubjectType.PREFECTURE: "prefecture",
    SubjectType.DEPARTMENT: "department",
    SubjectType.PILOT_AREA: "area",
}


def _reporting_rates(context: MeasureContext, *, on_time: bool) -> Values:
    """Percent of reports due that were submitted (on time), over the year's editions."""
    expected: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    by = _COMPLETENESS_BY[SubjectType(context.subject_type)]
    for edition in context.editions:
        for row in completeness(by=by, annual_list=edition, on=context.on):  # type: ignore[arg-type]
            expected[row.key] += row.expected
            counted[row.key] += row.submitted_on_time if on_time else row.submitted
    return {
        key: rules.four_places(Decimal(counted[key]) * HUNDRED / Decimal(total))
        for key, total in expected.items()
        if total > 0
    }


def _subject_keys_of_grants(context: MeasureContext, grant_ids: Iterable[int]) -> dict[int, str]:
    field = {
        SubjectType.PILOT_AREA: "zone__slug",
        SubjectType.PREFECTURE: "zone__prefecture__code",
        SubjectType.DEPARTMENT: "entry__granting_department__code",
    }[SubjectType(context.subject_type)]
    return dict(Grant.objects.filter(pk__in=list(grant_ids)).values_list("pk", field))


def measure_reporting_completeness(context: MeasureContext, item: IndicatorItem) -> Values:
    return _reporting_rates(context, on_time=False)


def measure_reporting_timeliness(context: MeasureContext, item: IndicatorItem) -> Values:
    return _reporting_rates(context, on_time=True)


def measure_cases_completed(context: MeasureContext, item: IndicatorItem) -> Values:
    """Cases completed under the year's grants, from accepted reports only; subjects with no
    accepted report have no data."""
    facts = [fact for edition in context.editions for fact in accepted_usage(annual_list=edition)]
    keys = _subject_keys_of_grants(context, {fact.grant_id for fact in facts})
    totals: Values = defaultdict(Decimal)
    for fact in facts:
        totals[keys[fact.grant_id]] += fact.cases_completed
    return dict(totals)


def _assessed_editions(context: MeasureContext) -> list[AnnualList]:
    """The editions whose grants the regular assessment conducted in the year assessed: the
    rounds opened in it (the round opened early in 2024 assesses the 2023 edition's grants)."""
    rounds = list_rounds().filter(opened_on__year=context.year).order_by("opened_on")
    edition_ids = list(dict.fromkeys(rounds.values_list("annual_list_id", flat=True)))
    editions = AnnualList.objects.in_bulk(edition_ids)
    return [editions[edition_id] for edition_id in edition_ids]


def measure_grant_assessment(context: MeasureContext, item: IndicatorItem) -> Values:
    """The mean rubric score of the subject's grants in the regular assessment conducted in the
    year; no round in the year, no data."""
    scores: dict[int, Decimal] = {}
    for edition in _assessed_editions(context):
        scores.update(grant_scores(annual_list=edition))
    keys = _subject_keys_of_grants(context, scores)
    by_subject: dict[str, list[Decimal]] = defaultdict(list)
    for grant_id, score in scores.items():
        by_subject[keys[grant_id]].append(Decimal(score))
    return {
        key: rules.four_places(sum(values, Decimal(0)) / len(values))
        for key, values in by_subject.items()
    }


def measure_zero_use_grants(context: MeasureContext, item: IndicatorItem) -> Values:
    """How many of the subject's grants the regular assessment conducted in the year found with
    no case for the set number of consecutive periods (``list_flagged_grants`` over the editions
    it assessed). A subject whose grants had accepted reports and none flagged has 0; without
    any accepted report, no data."""
    reported: set[int] = set()
    flagged: list[int] = []
    editions = list(_assessed_editions(context))
    for edition in editions:
        reported.update(fact.grant_id for fact in accepted_usage(annual_list=edition))
    flagged.extend(flag.grant_id for flag in list_flagged_grants(annual_lists=editions))
    keys = _subject_keys_of_grants(context, reported | set(flagged))
    counts: Values = {keys[grant_id]: Decimal(0) for grant_id in reported}
    for grant_id in flagged:
        counts[keys[grant_id]] = counts.get(keys[grant_id], Decimal(0)) + 1
    return counts


def measure_economic_indicator(context: MeasureContext, item: IndicatorItem) -> Values:
    """The indicator's annual value for the year (latest release), for zones and prefectures;
    departments have no economic figures, so no data."""
    indicator = get_indicator(code=item.indicator_code) if item.indicator_code else None
    if indicator is None or context.subject_type == SubjectType.DEPARTMENT:
        return {}
    kind = "zone" if context.subject_type == SubjectType.PILOT_AREA else "prefecture"
    values: Values = {}
    for observation in latest_observations(
        indicator=indicator, as_of=context.on, subject_kind=kind, years=(context.year, context.year)
    ):
        if observation.quarter is not None:
            continue
        subject = observation.zone if kind == "zone" else observation.division
        if subject is not None:
            key = subject.slug if isinstance(subject, Zone) else subject.code
            values[key] = rules.four_places(observation.value)
    return values


MEASURES: dict[str, Callable[[MeasureContext, IndicatorItem], Values]] = {
    IndicatorItem.Measure.REPORTING_COMPLETENESS: measure_reporting_completeness,
    IndicatorItem.Measure.REPORTING_TIMELINESS: measure_reporting_timeliness,
    IndicatorItem.Measure.CASES_COMPLETED: measure_cases_completed,
    IndicatorItem.Measure.GRANT_ASSESSMENT: measure_grant_assessment,
    IndicatorItem.Measure.ZERO_USE_GRANTS: measure_zero_use_grants,
    IndicatorItem.Measure.ECONOMIC_INDICATOR: measure_economic_indicator,
}


@dataclass(frozen=True)
class GatheredInputs:
    """Each subject's input per item code, and where each came from (``ScoreItem.Source``)."""

    values: dict[str, dict[str, Decimal | None]]
    sources: dict[str, dict[str, str]]


def gather_inputs(
    *,
    assessment: PerformanceAssessment,
    subjects: list[Subject],
    items: list[IndicatorItem],
    on: datetime.date,
) -> GatheredInputs:
    context = MeasureContext(
        subject_type=assessment.scheme.subject_type,
        year=assessment.year,
        editions=editions_of(year=assessment.year),
        on=on,
    )
    manual: dict[tuple[int, str], Decimal] = {
        (row.item_id, row.subject_key): row.value
        for row in ManualInput.objects.filter(assessment=assessment)
    }
    values: dict[str, dict[str, Decimal | None]] = {subject.key: {} for subject in subjects}
    sources: dict[str, dict[str, str]] = {subject.key: {} for subject in subjects}
    for item in items:
        if item.measure == IndicatorItem.Measure.MANUAL:
            measured = {
                key: value for (item_id, key), value in manual.items() if item_id == item.pk
            }
            source = ScoreItem.Source.MANUAL
        else:
            measured = MEASURES[item.measure](context, item)
            source = ScoreItem.Source.MEASURE
        for subject in subjects:
            value = measured.get(subject.key)
            values[subject.key][item.code] = None if value is None else rules.four_places(value)
            sources[subject.key][item.code] = source if value is not None else ScoreItem.Source.NONE
    return GatheredInputs(values, sources)


# Recomputation from stored inputs --------------------------------------------------------------


def stored_inputs(*, assessment: PerformanceAssessment) -> dict[str, dict[str, Decimal | None]]:
    """Every score's stored input per item code: what the assessment was computed from."""
    inputs: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for subject_key, code, value in ScoreItem.objects.filter(
        score__assessment=assessment
    ).values_list("score__subject_key", "item__code", "input_value"):
        inputs[subject_key][code] = value
    return dict(inputs)


def recompute_from_stored_inputs(
    *, assessment: PerformanceAssessment
) -> dict[str, rules.SubjectScore]:
    """Score the assessment again from its stored inputs under its scheme version, touching
    nothing: what a reader (or a test) compares with the stored points, item by item."""
    return rules.score_subjects(
        scheme_spec(scheme=assessment.scheme), stored_inputs(assessment=assessment)
    )


@dataclass(frozen=True)
class ExplainedItem:
    """A stored item beside the points a recomputation from the stored inputs gives."""

    row: ScoreItem
    recomputed_points: Decimal

    @property
    def matches(self) -> bool:
        return self.row.points == self.recomputed_points


@dataclass(frozen=True)
class ExplainedScore:
    """A score item by item, each beside its recomputation: what the score page shows."""

    items: list[ExplainedItem]
    recomputed_total: Decimal
    all_match: bool


def explain_score(*, score: Score) -> ExplainedScore:
    recomputed = recompute_from_stored_inputs(assessment=score.assessment)[score.subject_key]
    items = [
        ExplainedItem(row, recomputed.item_by_code[row.item.code].points)
        for row in list_score_items(score=score)
    ]
    return ExplainedScore(
        items=items,
        recomputed_total=recomputed.total,
        all_match=all(item.matches for item in items) and recomputed.total == score.total,
    )


def count_appeals_to_decide(*, user: User) -> int:
    """Appeals awaiting the office's decision (the office decides them all). One query."""
    if not (user.is_active and user.role == User.Role.OFFICE):
        return 0
    return Appeal.objects.filter(status=Appeal.Status.PENDING).count()


def scores_last_changed() -> datetime.datetime | None:
    """When a score last changed (its latest history row)."""
    return last_changed(Score)
