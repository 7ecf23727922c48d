"""The demo's 2024 round: its pool is the zones that were not pilots before batch 2, its values
are illustrative, and its decision is the real batch 2, recorded after the fact."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from devolve.demo import sichuan, sichuan_selection
from devolve.demo.seed import SeedReport, seed_registry
from devolve.regions.models import Batch, BatchMembership
from devolve.selection.models import CandidateValue, Decision, RoundResult, SelectionRound
from devolve.selection.selectors import compare_with_batch, list_candidate_pool

BATCH_TWO = {zone.slug for zone in sichuan.ZONES if zone.batch == 2}
NEVER_PILOTS = {zone.slug for zone in sichuan.ZONES if zone.batch is None}


@pytest.fixture(scope="module")
def _seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        seed_registry(SeedReport())
        sichuan_selection.seed_selection(SeedReport())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_round(_seeded: None, db: None) -> SelectionRound:
    return SelectionRound.objects.get(slug=sichuan_selection.ROUND_SLUG)


def test_the_pool_is_batch_two_and_the_zones_that_never_were_pilots(
    demo_round: SelectionRound,
) -> None:
    pool = set(list_candidate_pool(selection_round=demo_round).values_list("slug", flat=True))

    assert pool == BATCH_TWO | NEVER_PILOTS
    assert len(BATCH_TWO) == 9


def test_every_value_is_labelled_illustrative_and_one_is_missing_with_its_reason(
    demo_round: SelectionRound,
) -> None:
    values = CandidateValue.objects.filter(sub_indicator__round=demo_round)

    indicators = sum(len(criterion.sub_indicators) for criterion in sichuan_selection.CRITERIA)
    assert values.count() == len(BATCH_TWO | NEVER_PILOTS) * indicators
    assert not values.filter(is_illustrative=False).exists()
    missing = values.get(is_missing=True)
    assert (missing.zone.slug, missing.sub_indicator.code) == sichuan_selection.MISSING[:2]
    assert demo_round.is_illustrative


def test_the_recommendation_meets_the_constraints_with_a_consistent_ahp_matrix(
    demo_round: SelectionRound,
) -> None:
    result = RoundResult.objects.get(round=demo_round)
    chosen = [row for row in result.candidates if row["selected"]]
    per_prefecture = [row["prefecture"] for row in chosen]

    assert len(chosen) == 9
    assert len(set(per_prefecture)) >= 8
    assert max(per_prefecture.count(code) for code in per_prefecture) <= 2
    assert result.weights["ahp"]["criteria"]["cr"] < 0.1
    assert result.solver_status == "optimal"
    imputed = next(row for row in result.candidates if row["zone"] == "luzhou-high-tech-zone")
    assert imputed["imputed"] == ["online_service_rate"]


def test_the_decision_is_the_real_batch_two_recorded_after_the_fact(
    demo_round: SelectionRound,
) -> None:
    decision = Decision.objects.get(round=demo_round)
    batch = Batch.objects.get(number=2)

    assert decision.batch == batch
    assert decision.is_recorded_after_the_fact
    assert set(decision.chosen) == BATCH_TWO
    assert Batch.objects.count() == 2
    assert BatchMembership.objects.filter(batch=batch).count() == 9
    assert demo_round.status == SelectionRound.Status.APPROVED
    result = RoundResult.objects.get(round=demo_round)
    comparison = compare_with_batch(result)
    assert comparison is not None
    assert comparison.overlap == len(BATCH_TWO & set(result.chosen))
    assert {zone.slug for zone in comparison.only_in_batch} == BATCH_TWO - set(result.chosen)
    assert decision.differs_from_recommendation == (comparison.overlap != 9)


def test_seeding_again_changes_nothing(demo_round: SelectionRound) -> None:
    report = SeedReport()

    sichuan_selection.seed_selection(report)

    assert report.existing == {"selection_rounds": 1}
    assert RoundResult.objects.filter(round=demo_round).count() == 1


def test_illustrative_values_are_reproducible(demo_round: SelectionRound) -> None:
    zone = list_candidate_pool(selection_round=demo_round).first()
    assert zone is not None

    assert (
        sichuan_selection.illustrative_value(zone, "grp")
        == CandidateValue.objects.get(zone=zone, sub_indicator__code="grp").value
    )
