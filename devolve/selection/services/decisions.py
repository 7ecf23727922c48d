"""The office's decision on a round, and its approval into a batch through the regions services.

Two ways to a decided round:

* ``record_decision`` then ``approve_decision``: the usual path. Approving creates the batch
  (``regions.services.create_batch``) and one membership per chosen zone
  (``regions.services.add_zone_to_batch``), in one transaction with the decision's approval.
* ``record_decision_for_existing_batch``: a batch decided before Devolve existed (the demo's real
  batch 2). The decision is recorded after the fact with the batch's own members, linked to the
  batch, and nothing in the registry changes.

Errors raised (``DomainError.code``): ``not_allowed``, ``not_scored``, ``illegal_transition``,
``no_zones``, ``duplicate``, ``not_a_candidate``, ``reasons_required``, ``already_approved``,
``batch_exists``, ``wrong_batch``, ``batch_already_decided``, and the regions services' codes
(``dates_out_of_order``, ``overlapping_membership`` …) when the batch cannot be created.
"""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.actors import SystemActor, person
from devolve.core.errors import DomainError
from devolve.core.events import record_event
from devolve.core.history import mark_change, save_validated
from devolve.regions import services as region_services
from devolve.regions.models import Batch
from devolve.regions.selectors import get_batch, list_memberships
from devolve.selection.models import SELECTION_ROUND_LIFECYCLE, Decision, SelectionRound
from devolve.selection.selectors import current_result, list_candidate_pool
from devolve.selection.services.rounds import require_selection_manager


def _lock(selection_round: SelectionRound) -> SelectionRound:
    return SelectionRound.objects.select_for_update(of=("self",)).get(pk=selection_round.pk)


def _checked_choice(selection_round: SelectionRound, chosen: Sequence[str]) -> list[str]:
    if not chosen:
        raise DomainError("no_zones", _("Choose at least one zone."), field="chosen")
    duplicates = sorted({slug for slug in chosen if list(chosen).count(slug) > 1})
    if duplicates:
        raise DomainError(
            "duplicate",
            _("%(zones)s is chosen twice.") % {"zones": ", ".join(duplicates)},
            field="chosen",
        )
    pool = set(list_candidate_pool(selection_round=selection_round).values_list("slug", flat=True))
    outside = sorted(set(chosen) - pool)
    if outside:
        raise DomainError(
            "not_a_candidate",
            _("%(zones)s is not in the round's candidate pool.") % {"zones": ", ".join(outside)},
            field="chosen",
        )
    return sorted(chosen)


def _differs(selection_round: SelectionRound, chosen: list[str], reasons: str) -> bool:
    result = current_result(selection_round=selection_round)
    if result is None:
        raise DomainError("not_scored", _("Score the round before recording a decision."))
    differs = set(chosen) != set(result.chosen)
    if differs and not reasons.strip():
        raise DomainError(
            "reasons_required",
            _("The decision differs from the recommendation; give the reasons."),
            field="reasons",
        )
    return differs


def _move(selection_round: SelectionRound, name: str, *, actor: User | SystemActor) -> None:
    SELECTION_ROUND_LIFECYCLE.apply(selection_round, name, actor)
    mark_change(selection_round, actor=actor)
    selection_round.save(update_fields=["status"])


@transaction.atomic
def record_decision(
    *,
    selection_round: SelectionRound,
    meeting_zh: str,
    decided_on: datetime.date,
    chosen: Sequence[str],
    recorded_by: User | SystemActor,
    meeting_en: str = "",
    reasons: str = "",
) -> Decision:
    """Record (or, before approval, replace) the decision; the round becomes decided. A choice
    other than the recommendation needs reasons."""
    require_selection_manager(recorded_by)
    locked = _lock(selection_round)
    if locked.status not in {SelectionRound.Status.SCORED, SelectionRound.Status.DECIDED}:
        raise DomainError(
            "not_scored" if locked.status == SelectionRound.Status.DRAFT else "already_approved",
            _("The round is %(status)s; a decision needs a scored round that is not approved.")
            % {"status": locked.get_status_display()},
        )
    zones = _checked_choice(locked, chosen)
    differs = _differs(locked, zones, reasons)
    decision = Decision.objects.filter(round=locked).first() or Decision(round=locked)
    decision.meeting_zh = meeting_zh
    decision.meeting_en = meeting_en
    decision.decided_on = decided_on
    decision.chosen = zones
    decision.differs_from_recommendation = differs
    decision.reasons = reasons.strip()
    decision.recorded_by = person(recorded_by)
    save_validated(decision, actor=recorded_by, reason=reasons)
    _move(locked, "decide", actor=recorded_by)
    selection_round.status = locked.status
    record_event(
        actor=recorded_by,
        action="selection_decision.recorded",
        target=decision,
        reason=reasons,
        details={"round": locked.slug, "chosen": zones, "differs": differs},
    )
    return decision


@transaction.atomic
def approve_decision(
    *,
    decision: Decision,
    starts_on: datetime.date,
    approved_by: User | SystemActor,
    announced_on: datetime.date | None = None,
    reason: str = "",
) -> Decision:
    """Create the round's batch and its memberships through the regions services, and mark the
    decision and round approved. The batch's approval date is the decision date."""
    require_selection_manager(approved_by)
    locked_round = _lock(decision.round)
    decision = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    if decision.status == Decision.Status.APPROVED:
        raise DomainError("already_approved", _("The decision is already approved."))
    if get_batch(number=locked_round.batch_number) is not None:
        raise DomainError(
            "batch_exists",
            _(
                "Batch %(number)s already exists; record the decision against it after the fact "
                "instead."
            )
            % {"number": locked_round.batch_number},
        )
    batch = region_services.create_batch(
        number=locked_round.batch_number,
        starts_on=starts_on,
        approved_on=decision.decided_on,
        announced_on=announced_on,
        approving_meeting_zh=decision.meeting_zh,
        approving_meeting_en=decision.meeting_en,
        is_illustrative=locked_round.is_illustrative,
        source=_("Selection round %(round)s.") % {"round": locked_round.slug},
        created_by=approved_by,
        reason=reason,
    )
    zones = {zone.slug: zone for zone in list_candidate_pool(selection_round=locked_round)}
    for slug in decision.chosen:
        region_services.add_zone_to_batch(
            zone=zones[slug],
            batch=batch,
            joined_on=starts_on,
            added_by=approved_by,
            is_illustrative=locked_round.is_illustrative,
            reason=reason,
        )
    decision.status = Decision.Status.APPROVED
    decision.batch = batch
    decision.approved_by = person(approved_by)
    decision.approved_at = timezone.now()
    save_validated(decision, actor=approved_by, reason=reason)
    _move(locked_round, "approve", actor=approved_by)
    record_event(
        actor=approved_by,
        action="selection_decision.approved",
        target=decision,
        reason=reason,
        details={"batch": batch.number, "zones": list(decision.chosen)},
    )
    return decision


@transaction.atomic
def record_decision_for_existing_batch(
    *,
    selection_round: SelectionRound,
    batch: Batch,
    reasons: str,
    recorded_by: User | SystemActor,
    decided_on: datetime.date | None = None,
) -> Decision:
    """Record, after the fact, the decision that made an existing batch: the chosen zones are the
    batch's members, the meeting and date the batch's own. Links the decision to the batch and
    approves the round; the registry is not touched."""
    require_selection_manager(recorded_by)
    locked = _lock(selection_round)
    SELECTION_ROUND_LIFECYCLE.check("decide", locked.status, recorded_by)
    if batch.number != locked.batch_number:
        raise DomainError(
            "wrong_batch",
            _("The round is for batch %(round)s, not batch %(batch)s.")
            % {"round": locked.batch_number, "batch": batch.number},
        )
    if Decision.objects.filter(batch=batch).exists():
        raise DomainError("batch_already_decided", _("A decision is already linked to this batch."))
    members = [membership.zone.slug for membership in list_memberships(batch=batch)]
    zones = _checked_choice(locked, members)
    differs = _differs(locked, zones, reasons)
    date = decided_on or batch.approved_on or batch.announced_on or batch.starts_on
    decision = Decision.objects.filter(round=locked).first() or Decision(round=locked)
    decision.meeting_zh = batch.approving_meeting_zh or _("Not recorded")
    decision.meeting_en = batch.approving_meeting_en
    decision.decided_on = date
    decision.chosen = zones
    decision.differs_from_recommendation = differs
    decision.reasons = reasons.strip()
    decision.status = Decision.Status.APPROVED
    decision.batch = batch
    decision.is_recorded_after_the_fact = True
    decision.recorded_by = person(recorded_by)
    decision.approved_by = decision.recorded_by
    decision.approved_at = timezone.now()
    save_validated(decision, actor=recorded_by, reason=reasons)
    if locked.status == SelectionRound.Status.SCORED:
        _move(locked, "decide", actor=recorded_by)
    _move(locked, "approve", actor=recorded_by)
    selection_round.status = locked.status
    record_event(
        actor=recorded_by,
        action="selection_decision.recorded_after_the_fact",
        target=decision,
        reason=reasons,
        details={"round": locked.slug, "batch": batch.number, "chosen": zones,
                 "differs": differs},
    )  # fmt: skip
    return decision
