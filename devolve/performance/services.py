"""Every change in performance assessment, one service per business verb: create and publish a
scheme version, open an assessment, enter a manual input, compute, appeal, decide, publish.

Each checks the actor, validates everything before writing, writes history with the actor and
reason, and records an audit event. Errors (``DomainError.code``): ``not_allowed``,
``weights_do_not_sum``, ``scheme_not_published``, ``duplicate``, ``invalid``,
``already_published``, ``no_subjects``, ``appeals_filed``, ``appeal_window_closed``,
``illegal_transition`` (a step the model's lifecycle does not allow now), ``reason_required``,
``value_required``, ``appeals_pending``, ``window_open``.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system, person
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event
from devolve.core.history import mark_change, moment_of, save_validated
from devolve.core.spreadsheets.reading import EVIDENCE, FileRefused, UploadLimits, check_upload
from devolve.matters.models import Department
from devolve.performance import rules, selectors
from devolve.performance.models import (
    APPEAL_LIFECYCLE,
    PERFORMANCE_ASSESSMENT_LIFECYCLE,
    SCHEME_LIFECYCLE,
    Appeal,
    IndicatorGroup,
    IndicatorItem,
    ManualInput,
    PerformanceAssessment,
    Scheme,
    Score,
    ScoreItem,
)
from devolve.performance.permissions import can_appeal_score, can_manage_performance
from devolve.regions.models import Division, Zone

# Schemes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    code: str
    name_zh: str
    name_en: str
    measure: str
    rule: str
    kind: str = IndicatorItem.Kind.WEIGHTED
    weight: Decimal = Decimal(0)
    indicator_code: str = ""
    floor: Decimal | None = None
    target: Decimal | None = None
    higher_is_better: bool = True
    rank_points: tuple[Decimal, ...] = ()
    points_per_unit: Decimal | None = None
    cap: Decimal | None = None
    when_no_data: str = IndicatorItem.NoData.EXCLUDE


@dataclass(frozen=True)
class GroupInput:
    name_zh: str
    name_en: str
    weight: Decimal
    items: tuple[ItemInput, ...] = field(default_factory=tuple)


def _refuse_unless_office(user: User | SystemActor, message: str) -> None:
    if not is_system(user) and not can_manage_performance(user):
        raise NotAllowed(message)


def _check_weights(groups: list[GroupInput] | tuple[GroupInput, ...]) -> None:
    problems = rules.weight_problems(
        [
            (
                group.name_en,
                group.weight,
                [item.weight for item in group.items if item.kind == IndicatorItem.Kind.WEIGHTED],
            )
            for group in groups
        ]
    )
    if not problems:
        return
    messages = [
        _("The groups' weights add up to %(total)s %%, not 100 %%.") % {"total": problem.total}
        if problem.group is None
        else _("The weights of the items of “%(group)s” add up to %(total)s %%, not 100 %%.")
        % {"group": problem.group, "total": problem.total}
        for problem in problems
    ]
    raise DomainError("weights_do_not_sum", " ".join(messages), field="weight")


@transaction.atomic
def create_scheme(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    subject_type: str,
    excellent_from: Decimal,
    good_from: Decimal,
    pass_from: Decimal,
    groups: tuple[GroupInput, ...],
    created_by: User | SystemActor,
    base_points: Decimal = Decimal(100),
    note: str = "",
    is_illustrative: bool = False,
) -> Scheme:
    """A draft scheme version with its tree. A code that exists starts the next version after the
    latest (a published version never changes). Weights must sum to 100 % at each level."""
    _refuse_unless_office(created_by, _("Only the reform office writes performance schemes."))
    _check_weights(groups)
    codes = [item.code for group in groups for item in group.items]
    if len(codes) != len(set(codes)):
        raise DomainError("duplicate", _("Each item of a scheme needs its own key."), field="code")
    predecessor = Scheme.objects.select_for_update().filter(code=code).order_by("-version").first()
    if predecessor is not None and not predecessor.is_published:
        raise DomainError(
            "duplicate",
            _("Version %(version)s of this scheme is still a draft.")
            % {"version": predecessor.version},
            field="code",
        )
    reason = system_text("performance.scheme_created")
    scheme = Scheme(
        code=code,
        version=(predecessor.version + 1) if predecessor else 1,
        name_zh=name_zh,
        name_en=name_en,
        subject_type=subject_type,
        base_points=base_points,
        excellent_from=excellent_from,
        good_from=good_from,
        pass_from=pass_from,
        predecessor=predecessor,
        note=note,
        is_illustrative=is_illustrative,
    )
    save_validated(scheme, actor=created_by, reason=reason)
    for group_sequence, group_input in enumerate(groups, start=1):
        group = IndicatorGroup(
            scheme=scheme,
            sequence=group_sequence,
            name_zh=group_input.name_zh,
            name_en=group_input.name_en,
            weight=group_input.weight,
        )
        save_validated(group, actor=created_by, reason=reason)
        for item_sequence, item_input in enumerate(group_input.items, start=1):
            item = IndicatorItem(
                group=group,
                sequence=item_sequence,
                rank_points=[str(points) for points in item_input.rank_points],
                is_illustrative=is_illustrative,
                **{
                    name: getattr(item_input, name)
                    for name in (
                        "code",
                        "name_zh",
                        "name_en",
                        "kind",
                        "weight",
                        "measure",
                        "indicator_code",
                        "rule",
                        "floor",
                        "target",
                        "higher_is_better",
                        "points_per_unit",
                        "cap",
                        "when_no_data",
                    )
                },
            )
            save_validated(item, actor=created_by, reason=reason)
    record_event(
        actor=created_by,
        action="performance.scheme_created",
        target=scheme,
        details={"version": scheme.version},
    )
    return scheme


def _item_input(item: IndicatorItem, *, weight: Decimal, target: Decimal | None) -> ItemInput:
    """An item as create_scheme takes it, with a new weight and target."""
    copied = {field.name: getattr(item, field.name) for field in fields(ItemInput)}
    return ItemInput(
        **copied
        | {
            "weight": weight,
            "target": target,
            "rank_points": tuple(Decimal(points) for points in item.rank_points),
        }
    )


@transaction.atomic
def create_next_scheme_version(
    *,
    scheme: Scheme,
    note: str,
    created_by: User | SystemActor,
    group_weights: Mapping[int, Decimal] | None = None,
    item_weights: Mapping[str, Decimal] | None = None,
    item_targets: Mapping[str, Decimal] | None = None,
) -> Scheme:
    """The next draft version of a published scheme: the same groups, items and rules, with the
    group weights (by group order), item weights and targets (by item key) given here changed,
    and a note saying what changed and why. Only the latest version is continued."""
    _refuse_unless_office(created_by, _("Only the reform office writes performance schemes."))
    if not note.strip():
        raise DomainError(
            "note_required", _("Say what changes in this version and why."), field="note"
        )
    scheme = Scheme.objects.get(pk=scheme.pk)  # as stored, whatever the caller prefetched
    latest = selectors.get_latest_scheme(code=scheme.code)
    if latest is not None and latest.pk != scheme.pk:
        raise DomainError(
            "not_latest",
            _("Version %(version)s is the latest of this scheme; continue from it.")
            % {"version": latest.version},
        )
    group_weights, item_weights = group_weights or {}, item_weights or {}
    item_targets = item_targets or {}
    groups = selectors.list_scheme_groups(scheme=scheme)
    items = [item for group in groups for item in group.items.all()]
    unknown = sorted(
        {str(sequence) for sequence in group_weights} - {str(group.sequence) for group in groups}
        | set(item_weights) - {item.code for item in items}
        | set(item_targets) - {item.code for item in items if item.target is not None}
    )
    if unknown:
        raise DomainError(
            "invalid",
            _("This version has no group or item %(keys)s to change.")
            % {"keys": ", ".join(unknown)},
        )
    inputs = tuple(
        GroupInput(
            name_zh=group.name_zh,
            name_en=group.name_en,
            weight=group_weights.get(group.sequence, group.weight),
            items=tuple(
                _item_input(
                    item,
                    weight=item_weights.get(item.code, item.weight),
                    target=item_targets.get(item.code, item.target),
                )
                for item in group.items.all()
            ),
        )
        for group in groups
    )
    return create_scheme(
        code=scheme.code,
        name_zh=scheme.name_zh,
        name_en=scheme.name_en,
        subject_type=scheme.subject_type,
        excellent_from=scheme.excellent_from,
        good_from=scheme.good_from,
        pass_from=scheme.pass_from,
        groups=inputs,
        created_by=created_by,
        base_points=scheme.base_points,
        note=note.strip(),
        is_illustrative=scheme.is_illustrative,
    )


@transaction.atomic
def publish_scheme(*, scheme: Scheme, published_by: User | SystemActor) -> Scheme:
    """Freeze a draft version; its weights are checked again."""
    _refuse_unless_office(published_by, _("Only the reform office publishes performance schemes."))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    SCHEME_LIFECYCLE.check("publish", scheme.status, published_by)
    groups = selectors.list_scheme_groups(scheme=scheme)
    _check_weights(
        [
            GroupInput(
                group.name_en,
                group.name_en,
                group.weight,
                tuple(
                    ItemInput(item.code, "", "", item.measure, item.rule, item.kind, item.weight)
                    for item in group.items.all()
                ),
            )
            for group in groups
        ]
    )
    if not any(group.items.all() for group in groups):
        raise DomainError("invalid", _("A scheme needs at least one item."))
    SCHEME_LIFECYCLE.apply(scheme, "publish", published_by)
    scheme.published_at = timezone.now()
    save_validated(scheme, actor=published_by, reason=system_text("performance.scheme_published"))
    record_event(actor=published_by, action="performance.scheme_published", target=scheme)
    return scheme


# Assessments -----------------------------------------------------------------------------------


def _lock_assessment(assessment: PerformanceAssessment) -> PerformanceAssessment:
    return (
        PerformanceAssessment.objects.select_for_update(of=("self",))
        .select_related("scheme")
        .get(pk=assessment.pk)
    )


def _refuse_if_published(assessment: PerformanceAssessment) -> None:
    if assessment.is_published:
        raise DomainError(
            "already_published", _("This assessment is published; its scores no longer change.")
        )


@transaction.atomic
def create_performance_assessment(
    *,
    scheme: Scheme,
    year: int,
    appeal_opens_on: datetime.date,
    appeal_closes_on: datetime.date,
    created_by: User | SystemActor,
    is_illustrative: bool = False,
) -> PerformanceAssessment:
    _refuse_unless_office(created_by, _("Only the reform office opens performance assessments."))
    scheme = Scheme.objects.get(pk=scheme.pk)
    if not scheme.is_published:
        raise DomainError(
            "scheme_not_published",
            _("Assess only with a published scheme version."),
            field="scheme",
        )
    assessment = PerformanceAssessment(
        scheme=scheme,
        year=year,
        appeal_opens_on=appeal_opens_on,
        appeal_closes_on=appeal_closes_on,
        is_illustrative=is_illustrative,
    )
    save_validated(
        assessment, actor=created_by, reason=system_text("performance.assessment_created")
    )
    record_event(actor=created_by, action="performance.assessment_created", target=assessment)
    return assessment


def _subject_fields(key: str, subject_type: str) -> dict[str, object]:
    if subject_type == "prefecture":
        return {"prefecture": Division.objects.get(code=key)}
    if subject_type == "department":
        return {"department": Department.objects.get(code=key)}
    return {"zone": Zone.objects.get(slug=key)}


@transaction.atomic
def record_manual_input(
    *,
    assessment: PerformanceAssessment,
    item: IndicatorItem,
    subject_key: str,
    value: Decimal,
    evidence: str,
    entered_by: User | SystemActor,
    is_illustrative: bool = False,
) -> ManualInput:
    """The office's value for a manual item, with evidence; it counts at the next computation."""
    _refuse_unless_office(entered_by, _("Only the reform office enters manual items."))
    assessment = _lock_assessment(assessment)
    _refuse_if_published(assessment)
    if item.group.scheme_id != assessment.scheme_id or item.measure != IndicatorItem.Measure.MANUAL:
        raise DomainError(
            "invalid", _("This item is not a manual item of the scheme."), field="item"
        )
    if not evidence.strip():
        raise DomainError(
            "reason_required", _("Give the evidence for the value."), field="evidence"
        )
    subject_type = assessment.scheme.subject_type
    if subject_key not in {
        s.key for s in selectors.list_subjects(subject_type=subject_type, year=assessment.year)
    }:
        raise DomainError("invalid", _("No such subject in this assessment."), field="subject_key")
    row = ManualInput.objects.filter(
        assessment=assessment, item=item, subject_key=subject_key
    ).first()
    if row is None:
        row = ManualInput(
            assessment=assessment,
            item=item,
            subject_key=subject_key,
            **_subject_fields(subject_key, subject_type),
        )
    row.value, row.evidence, row.entered_by = value, evidence, person(entered_by)
    row.is_illustrative = is_illustrative
    save_validated(row, actor=entered_by, reason=evidence)
    record_event(
        actor=entered_by,
        action="performance.manual_input_recorded",
        target=row,
        reason=evidence,
        details={"value": str(value)},
    )
    return row


def _score_fields(result: rules.SubjectScore) -> dict[str, object]:
    return {
        "weighted_points": result.weighted,
        "bonus_points": result.bonus,
        "deduction_points": result.deduction,
        "total": result.total,
        "tier": result.tier.value,
        "rank": result.rank,
    }


def _item_fields(points: rules.ItemPoints) -> dict[str, object]:
    return {
        "input_value": points.value,
        "outcome": points.outcome.value,
        "best": points.best,
        "rank": points.rank,
        "max_points": points.max_points,
        "share": points.share,
        "points": points.points,
    }


@transaction.atomic
def compute_performance_assessment(
    *,
    assessment: PerformanceAssessment,
    computed_by: User | SystemActor,
    on: datetime.date | None = None,
) -> list[Score]:
    """Compute every subject's score from reform data and manual inputs under the scheme version,
    as of ``on`` (default today), storing each input and each item's points. Refused once appeals
    are filed (scores then change only through decisions) or after publication. Replaces earlier
    scores (history keeps them)."""
    _refuse_unless_office(computed_by, _("Only the reform office computes assessments."))
    assessment = _lock_assessment(assessment)
    _refuse_if_published(assessment)
    if Appeal.objects.filter(score__assessment=assessment).exists():
        raise DomainError(
            "appeals_filed",
            _("Appeals have been filed: scores now change only through appeal decisions."),
        )
    scheme = assessment.scheme
    subjects = selectors.list_subjects(subject_type=scheme.subject_type, year=assessment.year)
    if not subjects:
        raise DomainError(
            "no_subjects",
            _("No %(subjects)s took part in the reform in %(year)s.")
            % {"subjects": scheme.get_subject_type_display(), "year": assessment.year},
        )
    items = selectors.list_scheme_items(scheme=scheme)
    gathered = selectors.gather_inputs(
        assessment=assessment, subjects=subjects, items=items, on=on or timezone.localdate()
    )
    results = rules.score_subjects(
        selectors.scheme_spec(scheme=scheme, items=items), gathered.values
    )
    reason = system_text("performance.assessment_computed")
    for old in Score.objects.filter(assessment=assessment):
        mark_change(old, actor=computed_by, reason=reason)
        old.delete()
    now = moment_of(on)
    scores = [
        Score(
            assessment=assessment,
            scheme=scheme,
            subject_key=subject.key,
            computed_at=now,
            is_illustrative=assessment.is_illustrative,
            **_subject_fields(subject.key, scheme.subject_type),
            **_score_fields(results[subject.key]),
        )
        for subject in subjects
    ]
    scores = bulk_create_with_history(
        scores, Score, default_user=person(computed_by), default_change_reason=reason
    )
    score_items = [
        ScoreItem(
            score=score,
            item=item,
            source=gathered.sources[score.subject_key][item.code],
            **_item_fields(results[score.subject_key].item_by_code[item.code]),
        )
        for score in scores
        for item in items
    ]
    bulk_create_with_history(
        score_items, ScoreItem, default_user=person(computed_by), default_change_reason=reason
    )
    PERFORMANCE_ASSESSMENT_LIFECYCLE.apply(assessment, "compute", computed_by)
    assessment.computed_at = now
    save_validated(assessment, actor=computed_by, reason=reason)
    record_event(
        actor=computed_by,
        action="performance.assessment_computed",
        target=assessment,
        details={"subjects": len(scores), "scheme_version": scheme.version},
    )
    return list(Score.objects.filter(assessment=assessment).order_by("rank", "subject_key"))


def _apply_recomputation(
    assessment: PerformanceAssessment,
    *,
    actor: User | SystemActor,
    reason: str,
    on: datetime.date | None,
) -> None:
    """Score the assessment again from its stored inputs and save what changed, with history."""
    results = selectors.recompute_from_stored_inputs(assessment=assessment)
    now = moment_of(on)
    for score in Score.objects.filter(assessment=assessment).prefetch_related("items__item"):
        result = results[score.subject_key]
        fields = _score_fields(result)
        changed = any(getattr(score, name) != value for name, value in fields.items())
        for score_item in score.items.all():
            item_fields = _item_fields(result.item_by_code[score_item.item.code])
            if any(getattr(score_item, name) != value for name, value in item_fields.items()):
                for name, value in item_fields.items():
                    setattr(score_item, name, value)
                save_validated(score_item, actor=actor, reason=reason)
                changed = True
        if changed:
            for name, value in fields.items():
                setattr(score, name, value)
            score.revision += 1
            score.computed_at = now
            save_validated(score, actor=actor, reason=reason)


# Appeals ---------------------------------------------------------------------------------------


def _check_evidence(evidence_file: File[bytes]) -> None:
    """Evidence is a PDF, an image or an Office document, within the evidence size limit."""
    limits = UploadLimits.from_settings(max_bytes=settings.DEVOLVE_EVIDENCE_MAX_BYTES)
    try:
        check_upload(evidence_file, allowed=EVIDENCE, limits=limits)
    except FileRefused as refused:
        refused.field = "evidence_file"
        raise


@transaction.atomic
def file_appeal(
    *,
    score: Score,
    item: IndicatorItem,
    grounds: str,
    filed_by: User | SystemActor,
    claimed_value: Decimal | None = None,
    evidence_file: File[bytes] | None = None,
    on: datetime.date | None = None,
    is_illustrative: bool = False,
) -> Appeal:
    """A subject contests one item of its own score, with evidence, inside the appeal window."""
    on = on or timezone.localdate()
    if not is_system(filed_by) and not can_appeal_score(filed_by, score):
        raise NotAllowed(
            _("Only the assessed prefecture, department or pilot area appeals its score.")
        )
    assessment = _lock_assessment(score.assessment)
    _refuse_if_published(assessment)
    if not (assessment.appeal_opens_on <= on <= assessment.appeal_closes_on):
        raise DomainError(
            "appeal_window_closed",
            _("Appeals are accepted from %(opens)s to %(closes)s; nothing was filed.")
            % {"opens": assessment.appeal_opens_on, "closes": assessment.appeal_closes_on},
        )
    if item.group.scheme_id != assessment.scheme_id:
        raise DomainError("invalid", _("This item is not part of the score."), field="item")
    if not grounds.strip():
        raise DomainError("reason_required", _("Give the grounds and evidence."), field="grounds")
    if Appeal.objects.filter(score=score, item=item, status=Appeal.Status.PENDING).exists():
        raise DomainError(
            "duplicate", _("An appeal on this item is already awaiting decision."), field="item"
        )
    appeal = Appeal(
        score=score,
        item=item,
        grounds=grounds,
        claimed_value=claimed_value,
        filed_by=person(filed_by),
        filed_on=on,
        is_illustrative=is_illustrative,
    )
    if evidence_file is not None:
        _check_evidence(evidence_file)
        appeal.evidence_file = evidence_file
    save_validated(appeal, actor=filed_by, reason=grounds)
    record_event(
        actor=filed_by,
        action="performance.appeal_filed",
        target=appeal,
        reason=grounds,
        details={"item": item.code},
    )
    return appeal


@transaction.atomic
def decide_appeal(
    *,
    appeal: Appeal,
    upheld: bool,
    reason: str,
    decided_by: User | SystemActor,
    corrected_value: Decimal | None = None,
    on: datetime.date | None = None,
) -> Appeal:
    """The office's decision. Upheld: the item's stored input becomes the corrected value and the
    whole assessment is recomputed from its stored inputs (a change of one input can move other
    subjects' best values and ranks); rejected: nothing but the appeal changes."""
    _refuse_unless_office(decided_by, _("Only the reform office decides appeals."))
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("score", "item")
        .get(pk=appeal.pk)
    )
    assessment = _lock_assessment(appeal.score.assessment)
    _refuse_if_published(assessment)
    decision = APPEAL_LIFECYCLE.check("uphold" if upheld else "reject", appeal.status, decided_by)
    if not reason.strip():
        raise DomainError("reason_required", _("Give the reason for the decision."), field="reason")
    if upheld and corrected_value is None:
        raise DomainError(
            "value_required",
            _("An upheld appeal states the corrected value."),
            field="corrected_value",
        )
    score_item = ScoreItem.objects.get(score=appeal.score, item=appeal.item)
    appeal.status = decision.target
    appeal.decided_by, appeal.decided_on = person(decided_by), on or timezone.localdate()
    appeal.decision_reason = reason
    appeal.previous_value, appeal.previous_total = score_item.input_value, appeal.score.total
    if upheld and corrected_value is not None:
        appeal.corrected_value = rules.four_places(corrected_value)
    save_validated(appeal, actor=decided_by, reason=reason)
    if upheld:
        score_item.input_value = appeal.corrected_value
        score_item.source = ScoreItem.Source.APPEAL
        save_validated(score_item, actor=decided_by, reason=reason)
        _apply_recomputation(assessment, actor=decided_by, reason=reason, on=on)
    record_event(
        actor=decided_by,
        action="performance.appeal_decided",
        target=appeal,
        reason=reason,
        details={"upheld": upheld, "corrected_value": str(appeal.corrected_value or "")},
    )
    return appeal


@transaction.atomic
def publish_performance_assessment(
    *,
    assessment: PerformanceAssessment,
    published_by: User | SystemActor,
    on: datetime.date | None = None,
) -> PerformanceAssessment:
    """Make the scores public on ``on`` (default today): only once computed, after the appeal
    window has closed, and with every appeal decided."""
    _refuse_unless_office(published_by, _("Only the reform office publishes assessments."))
    on = on or timezone.localdate()
    assessment = _lock_assessment(assessment)
    _refuse_if_published(assessment)
    PERFORMANCE_ASSESSMENT_LIFECYCLE.check("publish", assessment.status, published_by)
    if on <= assessment.appeal_closes_on:
        raise DomainError(
            "window_open",
            _("Publish after the appeal window closes on %(closes)s.")
            % {"closes": assessment.appeal_closes_on},
        )
    pending = selectors.count_pending_appeals(assessment=assessment)
    if pending:
        raise DomainError(
            "appeals_pending", _("%(count)s appeal(s) still await a decision.") % {"count": pending}
        )
    PERFORMANCE_ASSESSMENT_LIFECYCLE.apply(assessment, "publish", published_by)
    assessment.published_at = moment_of(on)
    save_validated(
        assessment, actor=published_by, reason=system_text("performance.assessment_published")
    )
    record_event(actor=published_by, action="performance.assessment_published", target=assessment)
    return assessment
