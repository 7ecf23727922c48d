"""Scoring a round: build the matrices from the stored values, weight, rank, choose exactly under
the constraints, test the choice's sensitivity to the weights, and store everything as a
``RoundResult`` with the fingerprint of its inputs.

Scoring is deterministic: the same stored inputs give the same result (the sensitivity runs draw
from the round's random seed). Everything is computed before anything is written, so a refusal
stores nothing.

Errors raised (``DomainError.code``): ``not_allowed``, ``illegal_transition``, ``no_candidates``,
``no_values``, ``invalid_input`` (the maths refused the data, e.g. a zero-variance indicator or
an inconsistent AHP matrix), ``not_a_candidate``, ``infeasible`` (the constraints contradict each
other; the message names them).
"""

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, person
from devolve.core.errors import DomainError, refusal
from devolve.core.events import record_event
from devolve.core.history import mark_change, save_validated, write_history_in_sql
from devolve.core.progress import ProgressCallback
from devolve.regions.models import Zone
from devolve.selection import rules
from devolve.selection.analytics.choose import Constraints as ChoiceConstraints
from devolve.selection.analytics.choose import Infeasible, choose
from devolve.selection.analytics.errors import SelectionInputError
from devolve.selection.analytics.scoring import (
    Ranking,
    criterion_breakdown,
    topsis,
    vikor,
    weighted_sum,
)
from devolve.selection.analytics.sensitivity import weight_sensitivity
from devolve.selection.analytics.weights import (
    ahp_weights,
    combine_weights,
    entropy_weights,
    expert_weights,
)
from devolve.selection.models import (
    SELECTION_ROUND_LIFECYCLE,
    Criterion,
    RoundResult,
    SelectionRound,
    SubIndicator,
)
from devolve.selection.selectors import (
    candidate_value_table,
    list_candidate_pool,
    list_criteria,
    list_sub_indicators,
)
from devolve.selection.services.rounds import require_selection_manager

RANKING_METHODS = {"topsis": topsis, "weighted_sum": weighted_sum, "vikor": vikor}


class MathsRefused(DomainError):
    """The maths refused the data; its words (English only) are kept as a stored sentence's
    parameter, so a background run's failure reads the same in every language."""

    def __init__(self, message: str) -> None:
        super().__init__(
            "invalid_input", message, text=system_text("scoring.maths_refused", why=message)
        )


@dataclass(frozen=True)
class _Matrix:
    """The scored candidates (rows) and sub-indicators (columns), after the missing-value policy."""

    zones: list[Zone]
    values: np.ndarray  # (m, n)
    imputed: dict[str, list[str]]  # zone key → codes of imputed sub-indicators
    excluded: list[dict[str, Any]]


Stored = dict[tuple[int, int], float | None]  # (sub-indicator id, zone id) → value


@dataclass(frozen=True)
class _Grid:
    """The stored values as arrays over the pool (rows, as listed) and the sub-indicators
    (columns): ``values`` NaN where nothing is recorded, ``recorded`` False there (a value
    recorded as missing counts as not recorded)."""

    values: np.ndarray  # (m, n)
    recorded: np.ndarray  # (m, n), bool


def _grid(zones: list[Zone], indicators: list[SubIndicator], stored: Stored) -> _Grid:
    """One pass over the stored values, whatever their number (a national round holds 70,000):
    no lookup per cell of the pool."""
    row_of = {zone.pk: row for row, zone in enumerate(zones)}
    column_of = {indicator.pk: column for column, indicator in enumerate(indicators)}
    values = np.full((len(zones), len(indicators)), np.nan)
    recorded = np.zeros((len(zones), len(indicators)), dtype=bool)
    for (indicator_id, zone_id), value in stored.items():
        row, column = row_of.get(zone_id), column_of.get(indicator_id)
        if value is not None and row is not None and column is not None:
            values[row, column] = value
            recorded[row, column] = True
    return _Grid(values, recorded)


def _build_matrix(
    selection_round: SelectionRound,
    zones: list[Zone],
    indicators: list[SubIndicator],
    grid: _Grid,
) -> _Matrix:
    complete = grid.recorded.all(axis=1)
    excluded: list[dict[str, Any]] = []
    imputed: dict[str, list[str]] = {}
    policy = selection_round.missing_value_policy
    if policy == SelectionRound.MissingValuePolicy.EXCLUDE:
        kept_rows = np.flatnonzero(complete)
        for row in np.flatnonzero(~complete):
            zone = zones[int(row)]
            codes = [indicators[int(column)].code for column in np.flatnonzero(~grid.recorded[row])]
            excluded.append({
                "zone": zone.slug, "name_zh": zone.name_zh, "name_en": zone.name_en,
                "indicators": codes,
                "reason": _("Excluded: no value of %(codes)s.") % {"codes": ", ".join(codes)},
            })  # fmt: skip
    else:
        kept_rows = np.arange(len(zones))
    kept = [zones[int(row)] for row in kept_rows]
    values = grid.values[kept_rows]
    for column, indicator in enumerate(indicators):
        gaps = np.isnan(values[:, column])
        if not gaps.any():
            continue
        known = values[~gaps, column]
        if known.size == 0:
            raise refusal("scoring.no_values", "no_values", indicator=indicator.code)
        values[gaps, column] = known.min() if indicator.is_benefit else known.max()
        for gap_row in np.flatnonzero(gaps):
            imputed.setdefault(kept[int(gap_row)].slug, []).append(indicator.code)
    return _Matrix(zones=kept, values=values, imputed=imputed, excluded=excluded)


def _named(indicator: SubIndicator | Criterion | None, call: Any, *args: Any) -> Any:
    """Call the maths; turn its refusal into a message that names the sub-indicator."""
    try:
        return call(*args)
    except SelectionInputError as error:
        prefix = f"{indicator.code}: " if indicator is not None else ""
        raise MathsRefused(prefix + str(error)) from error


@dataclass(frozen=True)
class _Weights:
    criteria: np.ndarray  # (c,)
    within: np.ndarray  # (n,)
    global_: np.ndarray  # (n,)
    consistency: dict[str, dict[str, float]]  # criterion code or "criteria" → AHP figures


def _ahp(matrix: list[list[float]], *, label: str) -> tuple[np.ndarray, dict[str, float]]:
    try:
        result = ahp_weights(np.asarray(matrix, dtype=np.float64))
    except SelectionInputError as error:
        raise MathsRefused(f"{label}: {error}") from error
    figures = {"cr": result.cr, "ci": result.ci, "lambda_max": result.lambda_max}
    return result.weights, figures


def _weights(
    selection_round: SelectionRound,
    criteria: list[Criterion],
    indicators: list[SubIndicator],
    values: np.ndarray,
    benefit: np.ndarray,
    criterion_of: np.ndarray,
) -> _Weights:
    weighting = SelectionRound.Weighting
    consistency: dict[str, dict[str, float]] = {}
    within = np.zeros(len(indicators))
    for index, criterion in enumerate(criteria):
        columns = np.flatnonzero(criterion_of == index)
        if selection_round.indicator_weighting == weighting.AHP:
            within[columns], consistency[criterion.code] = _ahp(
                criterion.indicator_pairwise, label=criterion.code
            )
        elif selection_round.indicator_weighting == weighting.EXPERT:
            within[columns] = _named(
                criterion, expert_weights, [indicators[column].expert_weight for column in columns]
            )
        elif columns.size == 1:
            within[columns] = 1.0  # entropy of a lone indicator inside its criterion is moot
        else:
            try:
                within[columns] = entropy_weights(
                    values[:, columns],
                    benefit[columns],
                    variant=_entropy_variant(selection_round.indicator_weighting),
                )
            except SelectionInputError as error:
                culprit = (
                    indicators[columns[error.indicator]] if error.indicator is not None else None
                )
                raise MathsRefused((f"{culprit.code}: " if culprit else "") + str(error)) from error
    if selection_round.criterion_weighting == weighting.AHP:
        criterion_weights, consistency["criteria"] = _ahp(
            selection_round.criterion_pairwise, label=_("criteria")
        )
    elif selection_round.criterion_weighting == weighting.EXPERT:
        criterion_weights = _named(
            None, expert_weights, [criterion.expert_weight for criterion in criteria]
        )
    else:
        try:
            overall = entropy_weights(
                values, benefit, variant=_entropy_variant(selection_round.criterion_weighting)
            )
        except SelectionInputError as error:
            culprit = indicators[error.indicator] if error.indicator is not None else None
            raise MathsRefused((f"{culprit.code}: " if culprit else "") + str(error)) from error
        criterion_weights = np.array(
            [overall[criterion_of == index].sum() for index in range(len(criteria))]
        )
    global_weights = _named(None, combine_weights, criterion_weights, within, criterion_of)
    return _Weights(criterion_weights, within, global_weights, consistency)


def _entropy_variant(weighting: str) -> Literal["shannon", "min_max"]:
    return "min_max" if weighting == SelectionRound.Weighting.ENTROPY_MIN_MAX else "shannon"


def _choice_constraints(selection_round: SelectionRound, zones: list[Zone]) -> ChoiceConstraints:
    index_of = {zone.slug: row for row, zone in enumerate(zones)}
    for slug in selection_round.must_include:
        if slug not in index_of:
            raise refusal("scoring.not_a_candidate", "not_a_candidate", zone=slug)
    prefectures = sorted({zone.prefecture.code for zone in zones})
    group_of = np.array([prefectures.index(zone.prefecture.code) for zone in zones], dtype=int)
    categories: dict[str, tuple[np.ndarray, int]] = {}
    for attribute, minima in (("kind", selection_round.min_per_kind),
                              ("level", selection_round.min_per_level)):  # fmt: skip
        for key, minimum in sorted(minima.items()):
            mask = np.array([getattr(zone, attribute) == key for zone in zones], dtype=bool)
            categories[f"{attribute}:{key}"] = (mask, int(minimum))
    return ChoiceConstraints(
        k=selection_round.selection_size,
        group_of=group_of,
        min_groups_covered=selection_round.min_prefectures_covered,
        max_per_group=selection_round.max_per_prefecture,
        must_include=tuple(index_of[slug] for slug in selection_round.must_include),
        must_exclude=tuple(
            index_of[slug] for slug in selection_round.must_exclude if slug in index_of
        ),
        min_per_category=categories,
    )


def _inputs(
    selection_round: SelectionRound,
    criteria: list[Criterion],
    indicators: list[SubIndicator],
    zones: list[Zone],
    grid: _Grid,
) -> dict[str, Any]:
    """Every input of the computation, as JSON: what the fingerprint covers."""
    codes = [indicator.code for indicator in indicators]
    return {
        "settings": {
            "method": selection_round.method,
            "criterion_weighting": selection_round.criterion_weighting,
            "indicator_weighting": selection_round.indicator_weighting,
            "criterion_pairwise": selection_round.criterion_pairwise,
            "missing_value_policy": selection_round.missing_value_policy,
            "random_seed": selection_round.random_seed,
            "sensitivity_perturbation": selection_round.sensitivity_perturbation,
            "sensitivity_runs": selection_round.sensitivity_runs,
            "candidates_as_of": selection_round.candidates_as_of.isoformat(),
        },
        "constraints": {
            "k": selection_round.selection_size,
            "min_prefectures_covered": selection_round.min_prefectures_covered,
            "max_per_prefecture": selection_round.max_per_prefecture,
            "must_include": list(selection_round.must_include),
            "must_exclude": list(selection_round.must_exclude),
            "min_per_kind": dict(selection_round.min_per_kind),
            "min_per_level": dict(selection_round.min_per_level),
        },
        "criteria": [
            {"code": criterion.code, "expert_weight": criterion.expert_weight,
             "indicator_pairwise": criterion.indicator_pairwise}
            for criterion in criteria
        ],
        "indicators": [
            {"code": indicator.code, "criterion": indicator.criterion.code,
             "direction": indicator.direction, "expert_weight": indicator.expert_weight}
            for indicator in indicators
        ],
        "candidates": [
            {"zone": zone.slug, "prefecture": zone.prefecture.code, "kind": zone.kind,
             "level": zone.level,
             "values": dict(zip(codes, [value if known else None
                                        for value, known in zip(values, recorded, strict=True)],
                                strict=True))}
            for zone, values, recorded in zip(zones, grid.values.tolist(),
                                              grid.recorded.tolist(), strict=True)
        ],
    }  # fmt: skip


def _finite(number: float) -> float | None:
    return number if math.isfinite(number) else None


def _rank(values: np.ndarray, weights: np.ndarray, benefit: np.ndarray, method: str) -> Ranking:
    try:
        ranking: Ranking = RANKING_METHODS[method](values, weights, benefit)
    except SelectionInputError as error:
        raise MathsRefused(str(error)) from error
    return ranking


@transaction.atomic
def score_round(
    *,
    selection_round: SelectionRound,
    scored_by: User | SystemActor,
    on_progress: ProgressCallback | None = None,
) -> RoundResult:
    """Score the round's pool with its stored inputs and store the result; the round becomes
    scored. Records ``selection_round.scored`` with the fingerprint. ``on_progress(done,
    total)`` hears of the sensitivity runs as they go (``services.run_scoring``, a background
    task, shows them). Pages and the API queue a ``ScoringRun`` (``services.queue_scoring``)
    instead of calling this in their request; the ``select`` command and the demo call it."""
    require_selection_manager(scored_by)
    locked = SelectionRound.objects.select_for_update(of=("self",)).get(pk=selection_round.pk)
    SELECTION_ROUND_LIFECYCLE.check("score", locked.status, scored_by)  # applied once stored
    criteria = list(list_criteria(selection_round=locked))
    indicators = list(list_sub_indicators(selection_round=locked))
    pool = list(list_candidate_pool(selection_round=locked))
    if len(pool) < 2:
        raise refusal("scoring.too_few_candidates", "no_candidates")
    grid = _grid(pool, indicators, candidate_value_table(selection_round=locked))
    matrix = _build_matrix(locked, pool, indicators, grid)
    zones = matrix.zones
    if len(zones) < 2:
        raise refusal("scoring.too_few_complete", "no_candidates")
    if locked.selection_size > len(zones):
        raise refusal(
            "scoring.too_few_scored", "infeasible", k=locked.selection_size, count=len(zones)
        )
    position = {criterion.pk: index for index, criterion in enumerate(criteria)}
    criterion_of = np.array([position[indicator.criterion_id] for indicator in indicators])
    benefit = np.array([indicator.is_benefit for indicator in indicators], dtype=bool)
    weights = _weights(locked, criteria, indicators, matrix.values, benefit, criterion_of)
    ranking = _rank(matrix.values, weights.global_, benefit, locked.method)
    breakdown = criterion_breakdown(ranking, criterion_of, len(criteria))
    constraints = _choice_constraints(locked, zones)
    try:
        choice = choose(ranking.scores, constraints)
        sensitivity = weight_sensitivity(
            matrix.values, weights.global_, benefit, constraints,
            method=locked.method, perturbation=locked.sensitivity_perturbation,
            runs=locked.sensitivity_runs, seed=locked.random_seed, on_progress=on_progress,
        )  # fmt: skip
    except Infeasible as error:
        # The conflicts are worded by the maths, in English only.
        why = " ".join(conflict.message for conflict in error.conflicts)
        raise refusal("scoring.infeasible", "infeasible", why=why) from error
    except SelectionInputError as error:
        raise MathsRefused(str(error)) from error
    inputs = _inputs(locked, criteria, indicators, pool, grid)
    selected = {int(index) for index in choice.selected}
    candidates = [
        {
            "zone": zone.slug, "name_zh": zone.name_zh, "name_en": zone.name_en,
            "prefecture": zone.prefecture.code, "prefecture_zh": zone.prefecture.name_zh,
            "prefecture_en": zone.prefecture.name_en, "kind": zone.kind, "level": zone.level,
            "score": float(ranking.scores[row]), "rank": int(ranking.ranks[row]),
            "criteria": {criterion.code: float(breakdown[row, column])
                         for column, criterion in enumerate(criteria)},
            "selected": row in selected,
            "imputed": matrix.imputed.get(zone.slug, []),
            "selection_frequency": float(sensitivity.selection_frequency[row]),
            "rank_mean": float(sensitivity.rank_mean[row]),
            "rank_p05": float(sensitivity.rank_p05[row]),
            "rank_p95": float(sensitivity.rank_p95[row]),
        }
        for row, zone in enumerate(zones)
    ]  # fmt: skip
    candidates.sort(key=lambda row: (row["rank"], row["zone"]))
    result = RoundResult(
        round=locked,
        computed_by=person(scored_by),
        input_fingerprint=rules.fingerprint(inputs),
        inputs=inputs,
        weights={
            "criteria": [
                {"code": criterion.code, "name_zh": criterion.name_zh,
                 "name_en": criterion.name_en, "weight": float(weights.criteria[index])}
                for index, criterion in enumerate(criteria)
            ],
            "indicators": [
                {"code": indicator.code, "criterion": indicator.criterion.code,
                 "name_zh": indicator.name_zh, "name_en": indicator.name_en,
                 "unit": indicator.unit, "direction": indicator.direction,
                 "weight_within": float(weights.within[column]),
                 "weight": float(weights.global_[column])}
                for column, indicator in enumerate(indicators)
            ],
            "ahp": weights.consistency,
        },
        candidates=candidates,
        excluded=matrix.excluded,
        chosen=[zones[int(index)].slug for index in choice.selected],
        objective=float(choice.objective),
        mip_gap=float(choice.mip_gap) if math.isfinite(choice.mip_gap) else 1.0,
        solver_status=choice.status,
        swaps=[
            {"selected": zones[swap.selected].slug,
             "best_excluded": None if swap.best_excluded is None
             else zones[swap.best_excluded].slug,
             "objective_loss": _finite(float(swap.objective_loss)),
             "entering": [zones[index].slug for index in swap.entering],
             "leaving": [zones[index].slug for index in swap.leaving]}
            for swap in choice.swaps
        ],
        sensitivity={
            "runs": int(sensitivity.runs),
            "perturbation": float(sensitivity.perturbation),
            "seed": int(sensitivity.seed),
        },
    )  # fmt: skip
    # The history row is copied from the stored row by the database: through django-simple-history
    # the result's megabytes of JSON would be serialised and sent a second time (issue 19).
    result.skip_history_when_saving = True  # type: ignore[attr-defined]
    save_validated(result, actor=scored_by, reason="")
    del result.skip_history_when_saving  # type: ignore[attr-defined]
    write_history_in_sql(
        RoundResult, where="t.id = %s", params=[result.pk], history_type="+",
        actor=scored_by, reason="",
    )  # fmt: skip
    SELECTION_ROUND_LIFECYCLE.apply(locked, "score", scored_by)
    mark_change(locked, actor=scored_by)
    locked.save(update_fields=["status"])
    selection_round.status = locked.status
    record_event(
        actor=scored_by,
        action="selection_round.scored",
        target=locked,
        details={"result": result.pk, "fingerprint": result.input_fingerprint,
                 "chosen": result.chosen},
    )  # fmt: skip
    return result
