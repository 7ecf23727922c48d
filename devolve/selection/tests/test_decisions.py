"""The office's decision: recording it (reasons when it differs from the recommendation),
approving it into a batch through the regions services, and recording an existing batch's
decision after the fact. Every test reads one scored round, built once for the module; the
unscored round is in ``test_unscored_round.py``."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent
from devolve.core.testing.database import read_again
from devolve.regions.models import Batch, BatchMembership
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory
from devolve.selection.models import Decision, RoundResult, SelectionRound
from devolve.selection.services import (
    approve_decision,
    record_decision,
    record_decision_for_existing_batch,
    score_round,
)
from devolve.selection.tests.factories import SmallRound, make_round

pytestmark = pytest.mark.django_db

DECIDED_ON = datetime.date(2024, 11, 20)
STARTS_ON = datetime.date(2024, 12, 2)


@pytest.fixture(scope="module")
def _scored_once(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[tuple[SmallRound, RoundResult]]:
    """A small round with its values, scored, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets it read again
    (``read_again``), so nothing one test does is seen by the next. Every test here uses it: the
    unscored round is in ``test_unscored_round.py``."""
    with django_db_blocker.unblock(), transaction.atomic():
        small = make_round()
        yield small, score_round(selection_round=small.selection_round, scored_by=SYSTEM)
        transaction.set_rollback(True)


@pytest.fixture
def scored(
    _scored_once: tuple[SmallRound, RoundResult], db: None
) -> tuple[SmallRound, RoundResult]:
    small, result = _scored_once
    return read_again(small), RoundResult.objects.get(pk=result.pk)


@pytest.fixture
def office() -> User:
    return UserFactory(role=User.Role.OFFICE)


def _record(small: SmallRound, chosen: list[str], office: User, reasons: str = "") -> Decision:
    return record_decision(
        selection_round=small.selection_round,
        meeting_zh="省委改革委第八次会议",
        decided_on=DECIDED_ON,
        chosen=chosen,
        recorded_by=office,
        reasons=reasons,
    )


def test_recording_the_recommendation_needs_no_reasons(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, result = scored

    decision = _record(small, list(result.chosen), office)

    assert decision.chosen == sorted(result.chosen)
    assert decision.differs_from_recommendation is False
    assert decision.status == Decision.Status.RECORDED
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == SelectionRound.Status.DECIDED
    event = AuditEvent.objects.get(action="selection_decision.recorded")
    assert event.actor_id == office.pk


def test_a_different_choice_without_reasons_is_refused_and_nothing_is_stored(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, result = scored
    other = sorted({"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"} - set(result.chosen))

    with pytest.raises(DomainError) as refused:
        _record(small, other, office, reasons="  ")

    assert refused.value.code == "reasons_required"
    assert not Decision.objects.exists()
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == SelectionRound.Status.SCORED


def test_a_different_choice_with_reasons_is_recorded_as_different(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, result = scored
    other = sorted({"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"} - set(result.chosen))

    decision = _record(small, other, office, reasons="Balance across the province.")

    assert decision.differs_from_recommendation is True
    assert decision.reasons == "Balance across the province."


@pytest.mark.parametrize(
    ("chosen", "code"),
    [([], "no_zones"), (["alpha", "alpha"], "duplicate"), (["pilot"], "not_a_candidate")],
)
def test_a_bad_choice_is_refused(
    scored: tuple[SmallRound, RoundResult], office: User, chosen: list[str], code: str
) -> None:
    small, _ = scored

    with pytest.raises(DomainError) as refused:
        _record(small, chosen, office, reasons="Because.")

    assert refused.value.code == code
    assert not Decision.objects.exists()


def test_approving_creates_the_batch_and_memberships_through_the_regions_services(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, result = scored
    decision = _record(small, list(result.chosen), office)

    approved = approve_decision(
        decision=decision, starts_on=STARTS_ON, approved_by=office, reason="Approved."
    )

    batch = Batch.objects.get(number=2)
    assert approved.batch == batch
    assert approved.status == Decision.Status.APPROVED
    assert (batch.approved_on, batch.starts_on) == (DECIDED_ON, STARTS_ON)
    assert batch.approving_meeting_zh == "省委改革委第八次会议"
    memberships = BatchMembership.objects.filter(batch=batch)
    assert {membership.zone.slug for membership in memberships} == set(result.chosen)
    assert {membership.joined_on for membership in memberships} == {STARTS_ON}
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("batch.created") == 1
    assert actions.count("batch_membership.added") == 3
    assert actions.count("selection_decision.approved") == 1
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == SelectionRound.Status.APPROVED


def test_approval_refused_by_the_regions_services_leaves_everything_unchanged(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, result = scored
    decision = _record(small, list(result.chosen), office)

    with pytest.raises(DomainError) as refused:
        approve_decision(
            decision=decision, starts_on=DECIDED_ON - datetime.timedelta(days=1),
            approved_by=office,
        )  # fmt: skip

    assert refused.value.code == "dates_out_of_order"
    assert not Batch.objects.filter(number=2).exists()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.RECORDED
    assert not AuditEvent.objects.filter(action="selection_decision.approved").exists()


def test_approving_when_the_batch_exists_points_to_recording_after_the_fact(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, result = scored
    decision = _record(small, list(result.chosen), office)
    BatchFactory(number=2, starts_on=STARTS_ON)

    with pytest.raises(DomainError) as refused:
        approve_decision(decision=decision, starts_on=STARTS_ON, approved_by=office)

    assert refused.value.code == "batch_exists"
    assert BatchMembership.objects.filter(batch__number=2).count() == 0


def test_an_existing_batch_is_recorded_after_the_fact_without_touching_the_registry(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, _ = scored
    batch = BatchFactory(number=2, starts_on=STARTS_ON, approving_meeting_zh="第八次会议")
    for slug in ("alpha", "charlie", "foxtrot"):
        BatchMembershipFactory(batch=batch, zone=small.zones[slug], joined_on=STARTS_ON)
    memberships_before = BatchMembership.objects.count()

    decision = record_decision_for_existing_batch(
        selection_round=small.selection_round, batch=batch, reasons="Chosen before Devolve.",
        recorded_by=office,
    )  # fmt: skip

    assert decision.batch == batch
    assert decision.is_recorded_after_the_fact is True
    assert decision.status == Decision.Status.APPROVED
    assert decision.chosen == ["alpha", "charlie", "foxtrot"]
    assert decision.decided_on == STARTS_ON
    assert decision.meeting_zh == "第八次会议"
    assert BatchMembership.objects.count() == memberships_before
    assert Batch.objects.count() == 2  # batch 1 of the pilot zone, and batch 2
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == SelectionRound.Status.APPROVED
    assert AuditEvent.objects.filter(
        action="selection_decision.recorded_after_the_fact", target_id=str(decision.pk)
    ).exists()


def test_recording_after_the_fact_needs_the_round_s_batch(
    scored: tuple[SmallRound, RoundResult], office: User
) -> None:
    small, _ = scored
    batch = BatchFactory(number=3, starts_on=STARTS_ON)

    with pytest.raises(DomainError) as refused:
        record_decision_for_existing_batch(
            selection_round=small.selection_round, batch=batch, reasons="x", recorded_by=office
        )

    assert refused.value.code == "wrong_batch"
    assert not Decision.objects.exists()
