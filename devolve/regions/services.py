"""Changes to divisions, zones, batches and memberships. Each checks the actor, validates fully,
writes history with the actor and reason, and records an audit event.

Errors raised (``DomainError.code``): ``not_allowed``, ``invalid_division_code``,
``unknown_division``, ``unknown_prefecture``, ``duplicate``, ``dates_out_of_order``,
``overlapping_membership``, ``invalid``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.actors import SystemActor, is_system
from devolve.core.errors import DomainError, NotAllowed, domain_error_from_validation
from devolve.core.events import record_event
from devolve.core.history import mark_change
from devolve.regions import rules
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.regions.permissions import can_manage_registry


def _require_registry_manager(actor: User | SystemActor) -> None:
    if not is_system(actor) and not can_manage_registry(actor):
        raise NotAllowed(_("Only the reform office may change the pilot registry."))


def _validate(instance: Division | Zone | Batch | BatchMembership) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise domain_error_from_validation(error) from error


def _prefecture_by_code(code: str) -> Division:
    if rules.division_level_for_code(code) is None:
        raise DomainError(
            "invalid_division_code",
            _("%(code)s is not a valid GB/T 2260 division code.") % {"code": code},
            field="prefecture_code",
        )
    prefecture = Division.objects.filter(code=code).first()
    if prefecture is None or prefecture.level != Division.Level.PREFECTURE:
        raise DomainError(
            "unknown_prefecture",
            _("There is no prefecture-level division with code %(code)s.") % {"code": code},
            field="prefecture_code",
        )
    return prefecture


@transaction.atomic
def create_division(
    *, code: str, name_zh: str, name_en: str, created_by: User | SystemActor, reason: str = ""
) -> Division:
    _require_registry_manager(created_by)
    level = rules.division_level_for_code(code)
    if level is None:
        raise DomainError(
            "invalid_division_code",
            _("%(code)s is not a valid GB/T 2260 division code.") % {"code": code},
            field="code",
        )
    parent_code = rules.parent_code_for(code)
    parent = Division.objects.filter(code=parent_code).first() if parent_code else None
    if parent_code and parent is None:
        raise DomainError(
            "unknown_division",
            _("Division %(parent)s, the parent of %(code)s, does not exist.")
            % {"parent": parent_code, "code": code},
            field="code",
        )
    division = Division(code=code, level=level, name_zh=name_zh, name_en=name_en, parent=parent)
    _validate(division)
    mark_change(division, actor=created_by, reason=reason)
    division.save()
    record_event(actor=created_by, action="division.created", target=division, reason=reason)
    return division


@transaction.atomic
def register_zone(
    *,
    slug: str,
    name_zh: str,
    name_en: str,
    kind: str,
    prefecture_code: str,
    registered_by: User | SystemActor,
    level: str = "",
    management_committee_zh: str = "",
    management_committee_en: str = "",
    established_on: datetime.date | None = None,
    is_illustrative: bool = False,
    source: str = "",
    reason: str = "",
) -> Zone:
    """Add a zone to the registry (it becomes a pilot area only by joining a batch)."""
    _require_registry_manager(registered_by)
    zone = Zone(
        slug=slug,
        name_zh=name_zh,
        name_en=name_en,
        kind=kind,
        level=level,
        prefecture=_prefecture_by_code(prefecture_code),
        management_committee_zh=management_committee_zh,
        management_committee_en=management_committee_en,
        established_on=established_on,
        is_illustrative=is_illustrative,
        source=source,
    )
    _validate(zone)
    mark_change(zone, actor=registered_by, reason=reason)
    zone.save()
    record_event(actor=registered_by, action="zone.registered", target=zone, reason=reason)
    return zone


@transaction.atomic
def create_batch(
    *,
    number: int,
    starts_on: datetime.date,
    created_by: User | SystemActor,
    approved_on: datetime.date | None = None,
    announced_on: datetime.date | None = None,
    approving_meeting_zh: str = "",
    approving_meeting_en: str = "",
    is_illustrative: bool = False,
    source: str = "",
    reason: str = "",
) -> Batch:
    _require_registry_manager(created_by)
    if not rules.dates_in_order(approved_on, announced_on) or not rules.dates_in_order(
        approved_on, starts_on
    ):
        raise DomainError(
            "dates_out_of_order",
            _("A batch is approved first, then announced and started."),
            field="announced_on",
        )
    batch = Batch(
        number=number,
        starts_on=starts_on,
        approved_on=approved_on,
        announced_on=announced_on,
        approving_meeting_zh=approving_meeting_zh,
        approving_meeting_en=approving_meeting_en,
        is_illustrative=is_illustrative,
        source=source,
    )
    _validate(batch)
    mark_change(batch, actor=created_by, reason=reason)
    batch.save()
    record_event(actor=created_by, action="batch.created", target=batch, reason=reason)
    return batch


@transaction.atomic
def add_zone_to_batch(
    *,
    zone: Zone,
    batch: Batch,
    joined_on: datetime.date,
    added_by: User | SystemActor,
    left_on: datetime.date | None = None,
    is_illustrative: bool = False,
    reason: str = "",
) -> BatchMembership:
    """Make ``zone`` a pilot area of ``batch`` from ``joined_on``.

    Locks the zone so two concurrent requests cannot both pass the overlap check.
    """
    _require_registry_manager(added_by)
    if left_on is not None and left_on <= joined_on:
        raise DomainError(
            "dates_out_of_order",
            _("A zone must leave a batch after the day it joined."),
            field="left_on",
        )
    if joined_on < batch.starts_on:
        raise DomainError(
            "dates_out_of_order",
            _("%(batch)s starts on %(date)s; a zone cannot join it earlier.")
            % {"batch": batch, "date": batch.starts_on.isoformat()},
            field="joined_on",
        )
    Zone.objects.select_for_update(of=("self",)).get(pk=zone.pk)
    for existing in BatchMembership.objects.filter(zone=zone).select_related("batch"):
        if rules.periods_overlap(existing.joined_on, existing.left_on, joined_on, left_on):
            raise DomainError(
                "overlapping_membership",
                _(
                    "%(zone)s is already a pilot area of %(batch)s from %(joined)s; "
                    "memberships may not overlap."
                )
                % {"zone": zone, "batch": existing.batch, "joined": existing.joined_on.isoformat()},
                field="joined_on",
            )
    membership = BatchMembership(
        zone=zone,
        batch=batch,
        joined_on=joined_on,
        left_on=left_on,
        is_illustrative=is_illustrative,
    )
    _validate(membership)
    mark_change(membership, actor=added_by, reason=reason)
    try:
        membership.save()
    except IntegrityError as error:  # a concurrent writer won the race on the unique start
        raise DomainError("overlapping_membership", _("This membership already exists.")) from error
    record_event(
        actor=added_by,
        action="batch_membership.added",
        target=membership,
        reason=reason,
        details={"zone": zone.slug, "batch": batch.number, "joined_on": joined_on.isoformat()},
    )
    return membership


@transaction.atomic
def end_membership(
    *,
    membership: BatchMembership,
    left_on: datetime.date,
    ended_by: User | SystemActor,
    reason: str,
) -> BatchMembership:
    """Record that a zone left its batch (for example, withdrawn from the pilot)."""
    _require_registry_manager(ended_by)
    if not reason.strip():
        raise DomainError(
            "reason_required", _("Give the reason the zone leaves the batch."), field="reason"
        )
    membership = BatchMembership.objects.select_for_update(of=("self",)).get(pk=membership.pk)
    if membership.left_on is not None:
        raise DomainError("already_left", _("This zone has already left the batch."))
    if left_on <= membership.joined_on:
        raise DomainError(
            "dates_out_of_order",
            _("A zone must leave a batch after the day it joined."),
            field="left_on",
        )
    membership.left_on = left_on
    membership.left_reason = reason
    _validate(membership)
    mark_change(membership, actor=ended_by, reason=reason)
    membership.save()
    record_event(
        actor=ended_by,
        action="batch_membership.ended",
        target=membership,
        reason=reason,
        details={"left_on": left_on.isoformat()},
    )
    return membership
