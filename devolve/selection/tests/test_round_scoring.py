"""Scoring a round: the stored result, its reproducibility, and every refusal storing nothing."""

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.regions.tests.factories import ZoneFactory, prefecture
from devolve.selection.analytics.choose import Constraints as ChoiceConstraints
from devolve.selection.analytics.choose import choose
from devolve.selection.analytics.scoring import criterion_breakdown, topsis
from devolve.selection.analytics.sensitivity import weight_sensitivity
from devolve.selection.analytics.weights import ahp_weights, combine_weights, entropy_weights
from devolve.selection.models import RoundResult, SelectionRound, SubIndicator
from devolve.selection.selectors import candidate_value_table, list_candidate_values
from devolve.selection.services import Constraints, ValueInput, record_candidate_values, score_round
from devolve.selection.tests.factories import (
    CANDIDATES,
    CONSISTENT,
    CRITERIA,
    INCONSISTENT,
    VALUES,
    SmallRound,
    make_round,
)


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """The messages are compared in English, the language they are written in."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def _best_subset(result: RoundResult, *, k: int, max_per_prefecture: int) -> set[str]:
    """Brute force over every k-subset of the stored scores."""
    rows = result.candidates
    best: tuple[float, set[str]] = (-1.0, set())
    for subset in itertools.combinations(rows, k):
        prefectures = [row["prefecture"] for row in subset]
        if max(prefectures.count(code) for code in prefectures) > max_per_prefecture:
            continue
        total = sum(row["score"] for row in subset)
        if total > best[0]:
            best = (total, {row["zone"] for row in subset})
    return best[1]


def test_scoring_stores_the_exact_best_choice_and_moves_the_round_to_scored() -> None:
    small = make_round()

    result = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    small.selection_round.refresh_from_db()
    assert small.selection_round.status == SelectionRound.Status.SCORED
    assert RoundResult.objects.get() == result
    assert {row["zone"] for row in result.candidates} == {slug for slug, *_ in CANDIDATES}
    assert set(result.chosen) == _best_subset(result, k=3, max_per_prefecture=1)
    assert result.objective == pytest.approx(
        sum(row["score"] for row in result.candidates if row["selected"])
    )
    assert result.solver_status == "optimal"
    assert result.mip_gap <= 1e-6
    assert [row["rank"] for row in result.candidates] == list(range(1, 7))
    assert [criterion["weight"] for criterion in result.weights["criteria"]] == pytest.approx(
        [0.6, 0.2, 0.2]
    )
    assert result.weights["ahp"]["criteria"]["cr"] == pytest.approx(0.0, abs=1e-9)
    assert sum(indicator["weight"] for indicator in result.weights["indicators"]) == (
        pytest.approx(1.0)
    )
    for row in result.candidates:
        assert sum(row["criteria"].values()) == pytest.approx(row["score"])
    assert len(result.swaps) == 3
    assert {swap["selected"] for swap in result.swaps} == set(result.chosen)
    assert result.sensitivity == {"runs": 20, "perturbation": 0.2, "seed": 0}
    event = AuditEvent.objects.get(action="selection_round.scored")
    assert event.details["fingerprint"] == result.input_fingerprint


def test_scoring_again_gives_an_identical_result() -> None:
    small = make_round()

    first = score_round(selection_round=small.selection_round, scored_by=SYSTEM)
    second = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert first.pk != second.pk
    for field in ("input_fingerprint", "inputs", "weights", "candidates", "excluded", "chosen",
                  "objective", "mip_gap", "solver_status", "swaps", "sensitivity"):  # fmt: skip
        assert getattr(first, field) == getattr(second, field), field


def test_the_fingerprint_changes_when_a_value_changes() -> None:
    small = make_round()
    first = score_round(selection_round=small.selection_round, scored_by=SYSTEM)
    grp = SubIndicator.objects.get(code="grp")
    record_candidate_values(
        selection_round=small.selection_round,
        values=[ValueInput(small.zones["foxtrot"].pk, grp.pk, 250.0)],
        recorded_by=SYSTEM,
    )
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == SelectionRound.Status.DRAFT

    second = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert second.input_fingerprint != first.input_fingerprint


@pytest.mark.parametrize("method", ["topsis", "weighted_sum", "vikor"])
def test_every_method_ranks_the_pool(method: str) -> None:
    small = make_round(method=method)

    result = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert sorted(row["rank"] for row in result.candidates) == list(range(1, 7))
    assert len(result.chosen) == 3


def test_a_missing_value_excludes_the_candidate_under_the_exclude_policy() -> None:
    small = make_round()
    grp = SubIndicator.objects.get(code="grp")
    record_candidate_values(
        selection_round=small.selection_round,
        values=[ValueInput(small.zones["alpha"].pk, grp.pk, None, "Not reported")],
        recorded_by=SYSTEM,
    )

    result = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert "alpha" not in {row["zone"] for row in result.candidates}
    assert result.excluded[0]["zone"] == "alpha"
    assert result.excluded[0]["indicators"] == ["grp"]


def test_a_missing_value_takes_the_worst_value_under_the_impute_policy() -> None:
    small = make_round(missing_value_policy=SelectionRound.MissingValuePolicy.IMPUTE_WORST)
    days = SubIndicator.objects.get(code="days")
    record_candidate_values(
        selection_round=small.selection_round,
        values=[ValueInput(small.zones["alpha"].pk, days.pk, None, "Not reported")],
        recorded_by=SYSTEM,
    )

    result = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    alpha = next(row for row in result.candidates if row["zone"] == "alpha")
    assert alpha["imputed"] == ["days"]
    assert result.excluded == []
    # "days" is a cost: the worst observed value is the largest of the others.
    assert result.inputs["candidates"][0]["values"]["days"] is None
    assert max(VALUES["days"][1:]) == 9.0


def _assert_nothing_stored(selection_round: SelectionRound, status: str) -> None:
    selection_round.refresh_from_db()
    assert selection_round.status == status
    assert RoundResult.objects.count() == 0
    assert not AuditEvent.objects.filter(action="selection_round.scored").exists()


def test_a_zero_variance_indicator_is_refused_by_name() -> None:
    small = make_round()
    tax = SubIndicator.objects.get(code="tax")
    record_candidate_values(
        selection_round=small.selection_round,
        values=[ValueInput(zone.pk, tax.pk, 10.0) for zone in small.zones.values()],
        recorded_by=SYSTEM,
    )

    with pytest.raises(DomainError) as refused:
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert refused.value.code == "invalid_input"
    assert str(refused.value).startswith("tax: ")
    _assert_nothing_stored(small.selection_round, SelectionRound.Status.DRAFT)


def test_an_inconsistent_ahp_matrix_is_refused_with_its_consistency_ratio() -> None:
    small = make_round(criterion_pairwise=INCONSISTENT)

    with pytest.raises(DomainError) as refused:
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert refused.value.code == "invalid_input"
    assert "CR = " in str(refused.value)
    _assert_nothing_stored(small.selection_round, SelectionRound.Status.DRAFT)


def test_choosing_more_zones_than_the_pool_is_refused() -> None:
    small = make_round(constraints=Constraints(selection_size=7))

    with pytest.raises(DomainError) as refused:
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert refused.value.code == "infeasible"
    assert "7" in str(refused.value)
    _assert_nothing_stored(small.selection_round, SelectionRound.Status.DRAFT)


def test_contradictory_constraints_are_refused_naming_the_conflict() -> None:
    small = make_round(
        constraints=Constraints(selection_size=4, min_prefectures_covered=3, max_per_prefecture=1)
    )

    with pytest.raises(DomainError) as refused:
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert refused.value.code == "infeasible"
    assert str(refused.value).startswith("The constraints cannot all hold:")
    _assert_nothing_stored(small.selection_round, SelectionRound.Status.DRAFT)


def test_a_must_include_zone_outside_the_pool_is_refused() -> None:
    small = make_round(constraints=Constraints(selection_size=3, must_include=("pilot",)))

    with pytest.raises(DomainError) as refused:
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert refused.value.code == "not_a_candidate"
    _assert_nothing_stored(small.selection_round, SelectionRound.Status.DRAFT)


def test_an_indicator_nobody_reports_is_refused() -> None:
    small = make_round(missing_value_policy=SelectionRound.MissingValuePolicy.IMPUTE_WORST)
    firms = SubIndicator.objects.get(code="firms")
    record_candidate_values(
        selection_round=small.selection_round,
        values=[ValueInput(zone.pk, firms.pk, None, "Unknown") for zone in small.zones.values()],
        recorded_by=SYSTEM,
    )

    with pytest.raises(DomainError) as refused:
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    assert refused.value.code == "no_values"
    _assert_nothing_stored(small.selection_round, SelectionRound.Status.DRAFT)


def test_only_the_office_scores() -> None:
    small = make_round()
    evaluator = UserFactory(role=User.Role.EVALUATOR)

    with pytest.raises(NotAllowed):
        score_round(selection_round=small.selection_round, scored_by=evaluator)

    _assert_nothing_stored(small.selection_round, SelectionRound.Status.DRAFT)


def test_scoring_reads_the_same_values_as_the_stored_model_objects() -> None:
    """The plain table scoring reads (issue 19) holds what the model objects hold, None for a
    value recorded as missing."""
    small = make_round()
    days = small.selection_round.sub_indicators.get(code="days")
    record_candidate_values(
        selection_round=small.selection_round,
        values=[ValueInput(small.zones["alpha"].pk, days.pk, None, "Not reported")],
        recorded_by=SYSTEM,
    )

    table = candidate_value_table(selection_round=small.selection_round)

    assert table == {
        (cell.sub_indicator_id, cell.zone_id): cell.value
        for cell in list_candidate_values(selection_round=small.selection_round)
    }
    assert table[(days.pk, small.zones["alpha"].pk)] is None


def _queries_to_score(small: SmallRound) -> int:
    with CaptureQueriesContext(connection) as queries:
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)
    return len(queries)


def test_scoring_runs_the_same_queries_whatever_the_number_of_candidates() -> None:
    """A ceiling that does not grow with rows: 40 more candidates, not one more query."""
    small = make_round()
    few = _queries_to_score(small)
    indicators = list(small.selection_round.sub_indicators.all())
    extra = ZoneFactory.create_batch(40, prefecture=prefecture("510700"))
    record_candidate_values(  # the round goes back to draft
        selection_round=small.selection_round,
        values=[
            ValueInput(zone.pk, indicator.pk, float(number + column + 1))
            for number, zone in enumerate(extra)
            for column, indicator in enumerate(indicators)
        ],
        recorded_by=SYSTEM,
    )

    assert _queries_to_score(small) == few
    # The savepoint and its release, the round locked, its criteria, sub-indicators, pool and
    # values read, the result and its history row written (the latter by INSERT … SELECT), the
    # round's status and history row, the audit event, and one check Django makes on saving.
    assert few <= 13
    assert len(RoundResult.objects.latest("pk").candidates) == len(CANDIDATES) + 40


def test_the_stored_result_is_the_pure_maths_on_the_stored_values() -> None:
    """Every stored number equals, to the last bit, what the maths give on the matrix read
    from the model objects (the slow path), with the worst value imputed by hand."""
    small = make_round(missing_value_policy=SelectionRound.MissingValuePolicy.IMPUTE_WORST)
    indicators = list(small.selection_round.sub_indicators.order_by("criterion__position",
                                                                   "position"))  # fmt: skip
    by_code = {indicator.code: indicator for indicator in indicators}
    record_candidate_values(
        selection_round=small.selection_round,
        values=[ValueInput(small.zones["alpha"].pk, by_code["days"].pk, None, "Not reported"),
                ValueInput(small.zones["echo"].pk, by_code["grp"].pk, None, "Not reported")],
        recorded_by=SYSTEM,
    )  # fmt: skip
    cells = {(cell.zone.slug, cell.sub_indicator.code): cell.value
             for cell in list_candidate_values(selection_round=small.selection_round)}  # fmt: skip
    slugs = sorted(slug for slug, *_ in CANDIDATES)  # one zone a prefecture pair, by key
    matrix = np.array([[cells[slug, indicator.code] if cells[slug, indicator.code] is not None
                        else np.nan for indicator in indicators] for slug in slugs])  # fmt: skip
    benefit = np.array([indicator.is_benefit for indicator in indicators])
    for column in range(matrix.shape[1]):
        known = matrix[~np.isnan(matrix[:, column]), column]
        worst = known.min() if benefit[column] else known.max()
        matrix[np.isnan(matrix[:, column]), column] = worst
    criterion_of = np.array([0, 0, 1, 1, 2])
    within = np.concatenate([entropy_weights(matrix[:, 0:2], benefit[0:2]),
                             entropy_weights(matrix[:, 2:4], benefit[2:4]), [1.0]])  # fmt: skip
    weights = combine_weights(ahp_weights(np.array(CONSISTENT)).weights, within, criterion_of)
    ranking = topsis(matrix, weights, benefit)
    breakdown = criterion_breakdown(ranking, criterion_of, len(CRITERIA))
    prefectures = [code for slug in slugs for key, code, *_ in CANDIDATES if key == slug]
    constraints = ChoiceConstraints(
        k=3, group_of=np.array([sorted(set(prefectures)).index(code) for code in prefectures]),
        max_per_group=1,
    )  # fmt: skip
    choice = choose(ranking.scores, constraints)
    sensitivity = weight_sensitivity(matrix, weights, benefit, constraints, runs=20, seed=0)

    result = score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    stored = {row["zone"]: row for row in result.candidates}
    for row, slug in enumerate(slugs):
        assert stored[slug]["score"] == float(ranking.scores[row]), slug
        assert stored[slug]["rank"] == int(ranking.ranks[row]), slug
        assert list(stored[slug]["criteria"].values()) == breakdown[row].tolist(), slug
        assert stored[slug]["selection_frequency"] == sensitivity.selection_frequency[row]
        assert stored[slug]["rank_mean"] == sensitivity.rank_mean[row]
        assert (stored[slug]["rank_p05"], stored[slug]["rank_p95"]) == (
            sensitivity.rank_p05[row], sensitivity.rank_p95[row])  # fmt: skip
    assert [indicator["weight"] for indicator in result.weights["indicators"]] == weights.tolist()
    assert result.chosen == [slugs[index] for index in choice.selected]
    assert result.objective == float(choice.objective)
    assert stored["alpha"]["imputed"] == ["days"]
    assert stored["echo"]["imputed"] == ["grp"]
    values_of = {row["zone"]: row["values"] for row in result.inputs["candidates"]}
    assert values_of["alpha"] == {code: cells["alpha", code] for code in by_code}
    assert values_of["alpha"]["days"] is None
    assert values_of["echo"]["grp"] is None


def test_the_result_has_one_history_row_copied_from_the_stored_row() -> None:
    """The history row is written by the database from the stored row (issue 19), with what
    django-simple-history would give it: every tracked value, created, the actor."""
    small = make_round()
    office = UserFactory(role=User.Role.OFFICE)

    result = score_round(selection_round=small.selection_round, scored_by=office)

    (history,) = result.history.all()
    assert history.history_type == "+"
    assert history.history_user == office
    for field in ("round_id", "computed_at", "computed_by_id", "input_fingerprint", "inputs",
                  "weights", "candidates", "excluded", "chosen", "objective", "mip_gap",
                  "solver_status", "swaps", "sensitivity"):  # fmt: skip
        assert getattr(history, field) == getattr(result, field), field
