"""Creating a selection round with its criteria, sub-indicators, weighting inputs and constraints.

Errors raised (``DomainError.code``): ``not_allowed``, ``no_criteria``, ``no_sub_indicators``,
``duplicate``, ``invalid_weights``, ``unknown_zone``, ``contradictory_constraints``,
``invalid_category``, ``invalid``.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from devolve.accounts.models import User
from devolve.core.actors import SystemActor, is_system
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event
from devolve.core.history import save_validated
from devolve.regions.models import Zone
from devolve.selection.models import Criterion, SelectionRound, SubIndicator
from devolve.selection.permissions import can_manage_selection
from devolve.selection.selectors import list_criteria, list_sub_indicators

Matrix = Sequence[Sequence[float]]


def require_selection_manager(actor: User | SystemActor) -> None:
    if not is_system(actor) and not can_manage_selection(actor):
        raise NotAllowed(_("Only the reform office runs selection rounds."))


@dataclass(frozen=True)
class SubIndicatorSpec:
    code: str
    name_zh: str
    name_en: str
    unit: str = ""
    direction: str = SubIndicator.Direction.BENEFIT
    source: str = ""
    year: int | None = None
    may_be_negative: bool = False
    expert_weight: float | None = None


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name_zh: str
    name_en: str
    sub_indicators: tuple[SubIndicatorSpec, ...]
    expert_weight: float | None = None
    indicator_pairwise: tuple[tuple[float, ...], ...] = ()


@dataclass(frozen=True)
class Constraints:
    """Regional distribution and lists, as the round stores them (zones by key)."""

    selection_size: int
    min_prefectures_covered: int = 0
    max_per_prefecture: int | None = None
    must_include: tuple[str, ...] = ()
    must_exclude: tuple[str, ...] = ()
    min_per_kind: Mapping[str, int] = field(default_factory=dict)
    min_per_level: Mapping[str, int] = field(default_factory=dict)


def _check_square(matrix: Matrix, size: int, *, what: str) -> None:
    if len(matrix) != size or any(len(row) != size for row in matrix):
        raise DomainError(
            "invalid_weights",
            _("The pairwise comparisons of %(what)s must form a %(size)s by %(size)s matrix.")
            % {"what": what, "size": size},
            field="criterion_pairwise",
        )
    if any(not value > 0 for row in matrix for value in row):
        raise DomainError(
            "invalid_weights",
            _("Pairwise comparisons of %(what)s must be positive numbers.") % {"what": what},
            field="criterion_pairwise",
        )


def _check_weighting(
    criteria: Sequence[CriterionSpec],
    *,
    criterion_weighting: str,
    indicator_weighting: str,
    criterion_pairwise: Matrix,
) -> None:
    if criterion_weighting == SelectionRound.Weighting.AHP:
        _check_square(criterion_pairwise, len(criteria), what=_("the criteria"))
    if criterion_weighting == SelectionRound.Weighting.EXPERT and any(
        spec.expert_weight is None for spec in criteria
    ):
        raise DomainError(
            "invalid_weights", _("Expert weighting needs a weight for every criterion.")
        )
    for spec in criteria:
        if indicator_weighting == SelectionRound.Weighting.AHP:
            _check_square(spec.indicator_pairwise, len(spec.sub_indicators), what=spec.name_en)
        if indicator_weighting == SelectionRound.Weighting.EXPERT and any(
            indicator.expert_weight is None for indicator in spec.sub_indicators
        ):
            raise DomainError(
                "invalid_weights",
                _("Expert weighting needs a weight for every sub-indicator of %(criterion)s.")
                % {"criterion": spec.name_en},
            )


def _check_criteria(criteria: Sequence[CriterionSpec]) -> None:
    if not criteria:
        raise DomainError("no_criteria", _("A round needs at least one criterion."))
    codes = [spec.code for spec in criteria]
    indicator_codes = [indicator.code for spec in criteria for indicator in spec.sub_indicators]
    for spec in criteria:
        if not spec.sub_indicators:
            raise DomainError(
                "no_sub_indicators",
                _("The criterion %(criterion)s has no sub-indicator.") % {"criterion": spec.code},
            )
    for seen in (codes, indicator_codes):
        duplicates = sorted({code for code in seen if seen.count(code) > 1})
        if duplicates:
            raise DomainError(
                "duplicate",
                _("Codes must be unique in a round: %(codes)s.") % {"codes": ", ".join(duplicates)},
            )


def _check_constraints(constraints: Constraints) -> None:
    named = set(constraints.must_include) | set(constraints.must_exclude)
    known = set(Zone.objects.filter(slug__in=named).values_list("slug", flat=True))
    unknown = sorted(named - known)
    if unknown:
        raise DomainError(
            "unknown_zone",
            _("There is no zone with the key %(zones)s.") % {"zones": ", ".join(unknown)},
            field="must_include",
        )
    both = sorted(set(constraints.must_include) & set(constraints.must_exclude))
    if both:
        raise DomainError(
            "contradictory_constraints",
            _("%(zones)s cannot be both included and excluded.") % {"zones": ", ".join(both)},
            field="must_exclude",
        )
    if len(set(constraints.must_include)) > constraints.selection_size:
        raise DomainError(
            "contradictory_constraints",
            ngettext(
                "%(count)s zone must be included, but only %(size)s are chosen.",
                "%(count)s zones must be included, but only %(size)s are chosen.",
                len(set(constraints.must_include)),
            )
            % {"count": len(set(constraints.must_include)), "size": constraints.selection_size},
            field="must_include",
        )
    for values, choices in (
        (constraints.min_per_kind, Zone.Kind.values),
        (constraints.min_per_level, Zone.Level.values),
    ):
        for key, minimum in values.items():
            if key not in choices or not isinstance(minimum, int) or minimum < 0:
                raise DomainError(
                    "invalid_category",
                    _("“%(key)s: %(minimum)s” is not a known zone category with a minimum.")
                    % {"key": key, "minimum": minimum},
                )


@transaction.atomic
def create_round(
    *,
    slug: str,
    year: int,
    title_zh: str,
    title_en: str,
    batch_number: int,
    candidates_as_of: datetime.date,
    criteria: Sequence[CriterionSpec],
    constraints: Constraints,
    created_by: User | SystemActor,
    method: str = SelectionRound.Method.TOPSIS,
    criterion_weighting: str = SelectionRound.Weighting.AHP,
    indicator_weighting: str = SelectionRound.Weighting.ENTROPY,
    criterion_pairwise: Matrix = (),
    missing_value_policy: str = SelectionRound.MissingValuePolicy.EXCLUDE,
    random_seed: int = 0,
    sensitivity_perturbation: float = 0.2,
    sensitivity_runs: int = 200,
    is_illustrative: bool = False,
    source: str = "",
    reason: str = "",
) -> SelectionRound:
    """A draft round with its criteria and sub-indicators. Weighting inputs are checked for shape
    here; AHP consistency (CR ≤ 0.1) and zero-variance indicators are checked when scoring."""
    require_selection_manager(created_by)
    _check_criteria(criteria)
    _check_weighting(
        criteria,
        criterion_weighting=criterion_weighting,
        indicator_weighting=indicator_weighting,
        criterion_pairwise=criterion_pairwise,
    )
    _check_constraints(constraints)
    selection_round = SelectionRound(
        slug=slug,
        year=year,
        title_zh=title_zh,
        title_en=title_en,
        batch_number=batch_number,
        candidates_as_of=candidates_as_of,
        method=method,
        criterion_weighting=criterion_weighting,
        indicator_weighting=indicator_weighting,
        criterion_pairwise=[list(row) for row in criterion_pairwise],
        selection_size=constraints.selection_size,
        min_prefectures_covered=constraints.min_prefectures_covered,
        max_per_prefecture=constraints.max_per_prefecture,
        must_include=sorted(set(constraints.must_include)),
        must_exclude=sorted(set(constraints.must_exclude)),
        min_per_kind=dict(constraints.min_per_kind),
        min_per_level=dict(constraints.min_per_level),
        missing_value_policy=missing_value_policy,
        random_seed=random_seed,
        sensitivity_perturbation=sensitivity_perturbation,
        sensitivity_runs=sensitivity_runs,
        is_illustrative=is_illustrative,
        source=source,
    )
    save_validated(selection_round, actor=created_by, reason=reason)
    for criterion_position, spec in enumerate(criteria, start=1):
        criterion = Criterion(
            round=selection_round,
            code=spec.code,
            name_zh=spec.name_zh,
            name_en=spec.name_en,
            position=criterion_position,
            expert_weight=spec.expert_weight,
            indicator_pairwise=[list(row) for row in spec.indicator_pairwise],
        )
        save_validated(criterion, actor=created_by, reason=reason)
        for position, indicator_spec in enumerate(spec.sub_indicators, start=1):
            indicator = SubIndicator(
                round=selection_round,
                criterion=criterion,
                code=indicator_spec.code,
                name_zh=indicator_spec.name_zh,
                name_en=indicator_spec.name_en,
                unit=indicator_spec.unit,
                direction=indicator_spec.direction,
                source=indicator_spec.source,
                year=indicator_spec.year,
                may_be_negative=indicator_spec.may_be_negative,
                position=position,
                expert_weight=indicator_spec.expert_weight,
            )
            save_validated(indicator, actor=created_by, reason=reason)
    record_event(
        actor=created_by,
        action="selection_round.created",
        target=selection_round,
        reason=reason,
        details={"batch_number": batch_number, "criteria": [spec.code for spec in criteria]},
    )
    return selection_round


@transaction.atomic
def create_round_like(
    *,
    template: SelectionRound,
    slug: str,
    year: int,
    title_zh: str,
    title_en: str,
    batch_number: int,
    candidates_as_of: datetime.date,
    selection_size: int,
    min_prefectures_covered: int = 0,
    max_per_prefecture: int | None = None,
    created_by: User | SystemActor,
    reason: str = "",
) -> SelectionRound:
    """A new draft round that scores the way ``template`` does: its criteria and sub-indicators
    (each sub-indicator's data year moved on by the years between the rounds), weighting inputs,
    method, missing-value policy, category minimums and sensitivity settings.

    Candidate values and the must-include and must-exclude lists belong to a round and are not
    copied: the new round's data are imported into it. A round copied from an illustrative one
    is not illustrative itself (its data are the office's), but says where its criteria came from.
    """
    require_selection_manager(created_by)
    shift = year - template.year
    indicators_by_criterion: dict[int, list[SubIndicatorSpec]] = {}
    for indicator in list_sub_indicators(selection_round=template):
        indicators_by_criterion.setdefault(indicator.criterion_id, []).append(
            SubIndicatorSpec(
                code=indicator.code,
                name_zh=indicator.name_zh,
                name_en=indicator.name_en,
                unit=indicator.unit,
                direction=indicator.direction,
                source=indicator.source,
                year=indicator.year + shift if indicator.year is not None else None,
                may_be_negative=indicator.may_be_negative,
                expert_weight=indicator.expert_weight,
            )
        )
    criteria = [
        CriterionSpec(
            code=criterion.code,
            name_zh=criterion.name_zh,
            name_en=criterion.name_en,
            sub_indicators=tuple(indicators_by_criterion.get(criterion.pk, ())),
            expert_weight=criterion.expert_weight,
            indicator_pairwise=tuple(tuple(row) for row in criterion.indicator_pairwise),
        )
        for criterion in list_criteria(selection_round=template)
    ]
    return create_round(
        slug=slug,
        year=year,
        title_zh=title_zh,
        title_en=title_en,
        batch_number=batch_number,
        candidates_as_of=candidates_as_of,
        criteria=criteria,
        constraints=Constraints(
            selection_size=selection_size,
            min_prefectures_covered=min_prefectures_covered,
            max_per_prefecture=max_per_prefecture,
            min_per_kind=dict(template.min_per_kind),
            min_per_level=dict(template.min_per_level),
        ),
        created_by=created_by,
        method=template.method,
        criterion_weighting=template.criterion_weighting,
        indicator_weighting=template.indicator_weighting,
        criterion_pairwise=template.criterion_pairwise,
        missing_value_policy=template.missing_value_policy,
        random_seed=template.random_seed,
        sensitivity_perturbation=template.sensitivity_perturbation,
        sensitivity_runs=template.sensitivity_runs,
        source=_("Criteria and weighting copied from the round %(round)s.")
        % {"round": template.slug},
        reason=reason,
    )
