"""Every change in a grant's life, one service per business verb.

Each checks the actor, the allowed-transition table (``grants.rules``), locks the grant, writes
history with the actor and reason, and records an audit event. Errors (``DomainError.code``):
``not_allowed``, ``illegal_transition``, ``dates_out_of_order``, ``reason_required``,
``not_entrusted``, ``duplicate``, ``invalid``, ``not_yet_due``.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event, record_events
from devolve.core.history import save_validated
from devolve.grants import calendar, rules
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.permissions import can_manage_grant, can_record_handover
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.services import mark_annual_list_published
from devolve.regions.models import BatchMembership, Zone


def _move(grant: Grant, target: str) -> None:
    if not rules.can_transition(grant.status, target):
        raise DomainError(
            "illegal_transition",
            _("A grant that is “%(current)s” cannot become “%(target)s”.")
            % {"current": grant.get_status_display(), "target": Grant.Status(target).label},
        )
    grant.status = target


def _grant_lineage(grant: Grant) -> set[int]:
    """This grant and the grants of earlier editions it continues (an agreement may predate the
    current edition and be renewed under it)."""
    lineage: set[int] = set()
    current: Grant | None = grant
    while current is not None and current.pk not in lineage:
        lineage.add(current.pk)
        current = current.previous_grant
    return lineage


def _lock(grant: Grant) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("entry", "entry__annual_list", "entry__mode", "zone")
        .get(pk=grant.pk)
    )


def _set_effective(grant: Grant, on: datetime.date) -> None:
    _move(grant, Grant.Status.EFFECTIVE)
    grant.effective_on = on
    if grant.entry.mode.code != "support":
        days = grant.entry.annual_list.handover_working_days
        grant.handover_due_on = rules.add_working_days(
            on, days, is_working_day=calendar.is_working_day
        )
        grant.handover_due_is_provisional = not calendar.is_covered(grant.handover_due_on)


def batch_members_on(annual_list: AnnualList, *, on: datetime.date) -> list[Zone]:
    """Every pilot area of the edition's batch on ``on``."""
    members = BatchMembership.objects.active_on(on).filter(batch_id=annual_list.batch_id)
    return list(Zone.objects.filter(memberships__in=members).order_by("prefecture__code", "slug"))


def receiving_zones(entry: ListEntry, *, on: datetime.date) -> list[Zone]:
    """The pilot areas an entry reaches: its named areas, or every area of the batch on ``on``."""
    if not entry.all_areas:
        return list(entry.receiving_areas.order_by("prefecture__code", "slug"))
    return batch_members_on(entry.annual_list, on=on)


@transaction.atomic
def publish_annual_list(
    *, annual_list: AnnualList, published_on: datetime.date, published_by: User | None
) -> AnnualList:
    """Publish an approved edition and carry each live entry into each receiving area.

    A grant of the predecessor edition for the same matter and area continues into the new grant
    (status and dates carried over, the old one superseded). A predecessor grant whose matter or
    area is no longer in the list is recalled with the edition as the reason.
    """
    if published_by is not None and not is_office(published_by):
        raise NotAllowed(_("Only the reform office publishes annual lists."))
    annual_list = (
        AnnualList.objects.select_for_update(of=("self",))
        .select_related("batch", "predecessor")
        .get(pk=annual_list.pk)
    )
    mark_annual_list_published(
        annual_list=annual_list, published_on=published_on, published_by=published_by
    )
    carried: dict[tuple[int, int], Grant] = {}
    if annual_list.predecessor_id is not None:
        previous = Grant.objects.active().filter(entry__annual_list_id=annual_list.predecessor_id)
        carried = {
            (grant.entry.matter_id, grant.zone_id): grant
            for grant in previous.select_related("entry")
        }
    reason = _("Edition %(key)s published.") % {"key": annual_list.key}
    batch_zones = batch_members_on(annual_list, on=published_on)
    entries = annual_list.entries.exclude(change=ListEntry.Change.WITHDRAWN).select_related("mode")
    new_grants: list[Grant] = []
    superseded: list[Grant] = []
    for entry in entries.prefetch_related("receiving_areas"):
        zones = batch_zones if entry.all_areas else list(entry.receiving_areas.all())
        for zone in zones:
            grant = Grant(entry=entry, zone=zone, is_illustrative=entry.is_illustrative)
            previous_grant = carried.pop((entry.matter_id, zone.pk), None)
            if previous_grant is not None:
                _continue(grant, previous_grant)
                _move(previous_grant, Grant.Status.SUPERSEDED)
                previous_grant.ended_on = published_on
                previous_grant.end_reason = reason
                superseded.append(previous_grant)
            else:
                _start(
                    grant,
                    annual_list=annual_list,
                    mode_code=entry.mode.code,
                    published_on=published_on,
                )
            new_grants.append(grant)
    # An edition reaches hundreds of matter-area pairs: write in bulk (history rows included, with
    # the actor and reason) and let the table's constraints guard each row; the values come from
    # this service, not from input.
    bulk_update_with_history(
        superseded,
        Grant,
        fields=["status", "ended_on", "end_reason"],
        default_user=published_by,
        default_change_reason=reason,
    )
    bulk_create_with_history(
        new_grants, Grant, default_user=published_by, default_change_reason=reason
    )
    record_events(actor=published_by, action="grant.superseded", targets=superseded, reason=reason)
    for leftover in carried.values():
        _end(
            leftover,
            Grant.Status.RECALLED,
            on=published_on,
            actor=published_by,
            reason=_("No longer in edition %(key)s.") % {"key": annual_list.key},
        )
    record_event(
        actor=published_by,
        action="grants.created",
        target=annual_list,
        reason=reason,
        details={
            "grants": len(new_grants),
            "superseded": len(superseded),
            "recalled": len(carried),
        },
    )
    return annual_list


def _continue(grant: Grant, previous_grant: Grant) -> None:
    """The new edition's grant takes over where the same area's grant of the old edition stood."""
    grant.previous_grant = previous_grant
    grant.status = previous_grant.status
    for field in (
        "effective_on",
        "handover_due_on",
        "handover_due_is_provisional",
        "handed_over_on",
        "supervision_filed_on",
        "supervision_document",
    ):
        setattr(grant, field, getattr(previous_grant, field))


def _start(
    grant: Grant, *, annual_list: AnnualList, mode_code: str, published_on: datetime.date
) -> None:
    status = rules.initial_status(mode_code)
    grant.status = status.value
    if status == rules.GrantStatus.EFFECTIVE:  # support: runs from publication
        grant.effective_on = published_on
    elif status == rules.GrantStatus.AWAITING_EFFECT:
        grant.effective_on = annual_list.delegation_effective_on()


def _end(grant: Grant, status: str, *, on: datetime.date, reason: str, actor: User | None) -> None:
    _move(grant, status)
    grant.ended_on = on
    grant.end_reason = reason
    save_validated(grant, actor=actor, reason=reason)
    record_event(actor=actor, action=f"grant.{status}", target=grant, reason=reason)


@transaction.atomic
def activate_due_grants(*, on: datetime.date, activated_by: User | None = None) -> int:
    """Make every delegated grant whose effective date has come effective; returns how many.

    Run daily (``devolve activate_grants``); running it twice changes nothing more.
    """
    if activated_by is not None and not is_office(activated_by):
        raise NotAllowed(_("Only the reform office activates due grants."))
    due = (
        Grant.objects.select_for_update(of=("self",))
        .filter(status=Grant.Status.AWAITING_EFFECT, effective_on__lte=on)
        .select_related("entry", "entry__annual_list", "entry__mode")
    )
    count = 0
    for grant in due:
        assert grant.effective_on is not None  # noqa: S101 — the filter guarantees it
        _set_effective(grant, grant.effective_on)
        save_validated(grant, actor=activated_by, reason="delegation took effect")
        record_event(
            actor=activated_by,
            action="grant.effective",
            target=grant,
            details={"effective_on": grant.effective_on.isoformat()},
        )
        count += 1
    return count


@transaction.atomic
def sign_entrustment_agreement(
    *,
    grant: Grant,
    number: str,
    signed_on: datetime.date,
    starts_on: datetime.date,
    ends_on: datetime.date,
    signed_by: User | None,
    entrusted_body: str = "",
    covers_acceptance: bool = True,
    covers_review: bool = True,
    covers_decision: bool = True,
    document: str = "",
    renews: EntrustmentAgreement | None = None,
) -> EntrustmentAgreement:
    """Record the entrustment agreement; a grant awaiting it takes effect on the term's start.

    A renewal (``renews``) must be signed before the agreement it renews ends.
    """
    grant = _lock(grant)
    if signed_by is not None and not can_manage_grant(signed_by, grant):
        raise NotAllowed(_("Only the office or the granting department records agreements."))
    if grant.entry.mode.code not in {"entrust", "both"}:
        raise DomainError(
            "not_entrusted", _("Only an entrusted matter needs an entrustment agreement.")
        )
    if not grant.is_active:
        raise DomainError("illegal_transition", _("This grant has ended; it takes no agreement."))
    if starts_on < signed_on:
        raise DomainError(
            "dates_out_of_order", _("The term starts on or after signing."), field="starts_on"
        )
    published_on = grant.entry.annual_list.published_on
    if published_on is not None and starts_on < published_on:
        raise DomainError(
            "dates_out_of_order",
            _("The term cannot start before the list was published (%(date)s).")
            % {"date": published_on.isoformat()},
            field="starts_on",
        )
    if renews is not None and (
        renews.grant_id not in _grant_lineage(grant) or signed_on > renews.ends_on
    ):
        raise DomainError(
            "late_renewal",
            _("A renewal is signed for the same grant before the old term ends."),
            field="renews",
        )
    agreement = EntrustmentAgreement(
        grant=grant,
        number=number,
        entrusting_department=grant.entry.granting_department,
        entrusted_body=entrusted_body or grant.zone.management_committee_zh or str(grant.zone),
        covers_acceptance=covers_acceptance,
        covers_review=covers_review,
        covers_decision=covers_decision,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        renews=renews,
        document=document,
        is_illustrative=grant.is_illustrative,
    )
    save_validated(agreement, actor=signed_by, reason="agreement signed")
    record_event(
        actor=signed_by,
        action="agreement.signed",
        target=agreement,
        details={"grant": grant.pk, "renews": renews.number if renews else None},
    )
    if grant.status == Grant.Status.AWAITING_AGREEMENT:
        _set_effective(grant, starts_on)
        save_validated(grant, actor=signed_by, reason=f"agreement {number} signed")
        record_event(
            actor=signed_by,
            action="grant.effective",
            target=grant,
            details={"effective_on": starts_on.isoformat(), "agreement": number},
        )
    return agreement


@transaction.atomic
def record_handover(
    *, grant: Grant, handed_over_on: datetime.date, recorded_by: User | None
) -> Grant:
    """Files, systems, seals and cases handed over (交接)."""
    grant = _lock(grant)
    if recorded_by is not None and not can_record_handover(recorded_by, grant):
        raise NotAllowed(_("You may record handover only for grants you give or receive."))
    if grant.entry.mode.code == "support":
        raise DomainError("illegal_transition", _("A support matter has nothing to hand over."))
    if grant.effective_on is not None and handed_over_on < grant.effective_on:
        raise DomainError(
            "dates_out_of_order",
            _("Handover comes on or after the day the grant takes effect."),
            field="handed_over_on",
        )
    _move(grant, Grant.Status.HANDED_OVER)
    grant.handed_over_on = handed_over_on
    save_validated(grant, actor=recorded_by, reason="handed over")
    record_event(
        actor=recorded_by,
        action="grant.handed_over",
        target=grant,
        details={"handed_over_on": handed_over_on.isoformat()},
    )
    return grant


@transaction.atomic
def file_supervision_measures(
    *, grant: Grant, filed_on: datetime.date, document: str, filed_by: User | None
) -> Grant:
    """Record the in-process and post-process supervision measures filed (事中事后监管措施备案)."""
    grant = _lock(grant)
    if filed_by is not None and not can_record_handover(filed_by, grant):
        raise NotAllowed(_("You may file measures only for grants you give or receive."))
    if not grant.is_active:
        raise DomainError("illegal_transition", _("This grant has ended."))
    if not document.strip():
        raise DomainError("document_required", _("Name the filed document."), field="document")
    grant.supervision_filed_on = filed_on
    grant.supervision_document = document
    save_validated(grant, actor=filed_by, reason="supervision measures filed")
    record_event(
        actor=filed_by,
        action="grant.supervision_filed",
        target=grant,
        details={"document": document},
    )
    return grant


@transaction.atomic
def recall_grant(
    *, grant: Grant, recalled_on: datetime.date, reason: str, recalled_by: User | None
) -> Grant:
    """Take the power back from the pilot area (收回), for example after an audit finding."""
    grant = _lock(grant)
    if recalled_by is not None and not can_manage_grant(recalled_by, grant):
        raise NotAllowed(_("Only the office or the granting department recalls a grant."))
    if not reason.strip():
        raise DomainError("reason_required", _("Give the reason for the recall."), field="reason")
    took_effect = grant.status in {Grant.Status.EFFECTIVE, Grant.Status.HANDED_OVER}
    if took_effect and grant.effective_on is not None and recalled_on < grant.effective_on:
        raise DomainError(
            "dates_out_of_order",
            _("A recall comes after the grant took effect."),
            field="recalled_on",
        )
    published_on = grant.entry.annual_list.published_on
    if published_on is not None and recalled_on < published_on:
        raise DomainError(
            "dates_out_of_order",
            _("A recall comes after the list was published."),
            field="recalled_on",
        )
    _end(grant, Grant.Status.RECALLED, on=recalled_on, reason=reason, actor=recalled_by)
    return grant
