"""Demand lists: pilot areas ask, departments answer or offer, the office decides.

Errors (``DomainError.code``): ``not_allowed``, ``window_closed``, ``illegal_transition``,
``reason_required``, ``not_editable``, ``invalid`` and those of ``add_list_entry``.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system, person
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event
from devolve.core.history import save_validated
from devolve.matters.models import (
    DEMAND_ITEM_LIFECYCLE,
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
)
from devolve.matters.services.annual_lists import add_list_entry, update_list_entry
from devolve.regions.models import Batch, Zone


@transaction.atomic
def open_demand_window(
    *,
    year: int,
    batch: Batch,
    opens_on: datetime.date,
    closes_on: datetime.date,
    opened_by: User | SystemActor,
) -> DemandWindow:
    if not is_system(opened_by) and not is_office(opened_by):
        raise NotAllowed(_("Only the reform office opens a demand window."))
    window = DemandWindow(year=year, batch=batch, opens_on=opens_on, closes_on=closes_on)
    save_validated(window, actor=opened_by, reason=system_text("demand_window.opened"))
    record_event(actor=opened_by, action="demand_window.opened", target=window)
    return window


def _check_window_open(window: DemandWindow, on: datetime.date) -> None:
    if not window.opens_on <= on <= window.closes_on:
        raise DomainError(
            "window_closed",
            _("Demands for %(window)s are accepted from %(opens)s to %(closes)s.")
            % {
                "window": window,
                "opens": window.opens_on.isoformat(),
                "closes": window.closes_on.isoformat(),
            },
        )


@transaction.atomic
def file_demand_item(
    *,
    window: DemandWindow,
    zone: Zone,
    kind: str,
    department: Department,
    filed_by: User | SystemActor,
    matter: Matter | None = None,
    description: str = "",
    justification: str = "",
    on: datetime.date | None = None,
    is_illustrative: bool = False,
) -> DemandItem:
    """A pilot area asks for a matter (from the catalogue or described) while the window is open.

    A pilot area user files only for its own zone; the office may file on an area's behalf.
    """
    if not is_system(filed_by) and not (
        is_office(filed_by) or (filed_by.is_active and filed_by.zone_id == zone.pk)
    ):
        raise NotAllowed(_("A pilot area files demands only for itself."))
    _check_window_open(window, on or timezone.localdate())
    if matter is not None:
        if matter.kind != kind:
            raise DomainError(
                "kind_mismatch",
                _("%(matter)s is a %(kind)s; file it as one.")
                % {"matter": matter, "kind": matter.get_kind_display()},
                field="kind",
            )
        department = matter.competent_department
    item = DemandItem(
        window=window,
        origin=DemandItem.Origin.AREA_DEMAND,
        zone=zone,
        matter=matter,
        description=description,
        kind=kind,
        department=department,
        justification=justification,
        is_illustrative=is_illustrative,
    )
    save_validated(item, actor=filed_by, reason=system_text("demand_item.filed"))
    record_event(
        actor=filed_by, action="demand_item.filed", target=item, details={"zone": zone.slug}
    )
    return item


@transaction.atomic
def offer_matter(
    *,
    window: DemandWindow,
    matter: Matter,
    offered_by: User | SystemActor,
    justification: str = "",
    on: datetime.date | None = None,
    is_illustrative: bool = False,
) -> DemandItem:
    """A department proposes one of its matters unasked (拟赋权事项); it counts as agreed."""
    if not is_system(offered_by) and not (
        is_office(offered_by)
        or (offered_by.is_active and offered_by.department_id == matter.competent_department_id)
    ):
        raise NotAllowed(_("A department offers only its own matters."))
    _check_window_open(window, on or timezone.localdate())
    item = DemandItem(
        window=window,
        origin=DemandItem.Origin.DEPARTMENT_OFFER,
        matter=matter,
        kind=matter.kind,
        department=matter.competent_department,
        justification=justification,
        status=DemandItem.Status.ANSWERED,
        response=DemandItem.Response.AGREE,
        responded_at=timezone.now(),
        responded_by=person(offered_by),
        is_illustrative=is_illustrative,
    )
    save_validated(item, actor=offered_by, reason=system_text("demand_item.offered"))
    record_event(actor=offered_by, action="demand_item.offered", target=item)
    return item


@transaction.atomic
def answer_demand_item(
    *, item: DemandItem, response: str, answered_by: User | SystemActor, reason: str = ""
) -> DemandItem:
    """The competent department agrees, agrees in part, declines (with the legal reason) or says
    a change of law or a higher authorization is needed (with the reason)."""
    item = DemandItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if not is_system(answered_by) and not (
        is_office(answered_by)
        or (answered_by.is_active and answered_by.department_id == item.department_id)
    ):
        raise NotAllowed(_("Only the competent department answers this demand."))
    DEMAND_ITEM_LIFECYCLE.check("answer", item.status, answered_by)
    if response != DemandItem.Response.AGREE and not reason.strip():
        raise DomainError(
            "reason_required",
            _("Give the reason (for a refusal, the legal basis)."),
            field="reason",
        )
    DEMAND_ITEM_LIFECYCLE.apply(item, "answer", answered_by)
    item.response = response
    item.response_reason = reason
    item.responded_at = timezone.now()
    item.responded_by = person(answered_by)
    save_validated(item, actor=answered_by, reason=reason or system_text("demand_item.answered"))
    record_event(
        actor=answered_by,
        action="demand_item.answered",
        target=item,
        reason=reason,
        details={"response": response},
    )
    return item


@transaction.atomic
def decide_demand_item(
    *,
    item: DemandItem,
    accept: bool,
    decided_by: User | SystemActor,
    reason: str = "",
    annual_list: AnnualList | None = None,
    mode: AuthorizationMode | None = None,
) -> DemandItem:
    """The office accepts an answered item into a draft edition, or rejects it with a reason.

    Accepting adds the matter to ``annual_list`` (a draft of the window's batch) as a new entry
    linked to this demand, with ``mode`` (default: delegate for a power, support otherwise).
    """
    if not is_system(decided_by) and not is_office(decided_by):
        raise NotAllowed(_("Only the reform office decides demand items."))
    item = (
        DemandItem.objects.select_for_update(of=("self",))
        .select_related("window", "matter")
        .get(pk=item.pk)
    )
    verb = "accept" if accept else "reject"
    decision = DEMAND_ITEM_LIFECYCLE.check(verb, item.status, decided_by)
    if not accept and not reason.strip():
        raise DomainError("reason_required", _("Say why the item is not accepted."), field="reason")
    item.status = decision.target
    item.decision_reason = reason
    item.decided_at = timezone.now()
    item.decided_by = person(decided_by)
    save_validated(item, actor=decided_by, reason=reason or system_text("demand_item.decided"))
    if accept:
        if annual_list is None or annual_list.batch_id != item.window.batch_id:
            raise DomainError(
                "wrong_list", _("Choose a draft edition of the same batch."), field="annual_list"
            )
        if item.matter is None:
            raise DomainError(
                "matter_required",
                _("Add the described matter to the catalogue before accepting it."),
                field="matter",
            )
        chosen_mode = mode or AuthorizationMode.objects.get(
            code="support" if item.matter.kind == Matter.Kind.SUPPORT else "delegate"
        )
        existing = ListEntry.objects.filter(annual_list=annual_list, matter=item.matter).first()
        if existing is None:
            add_list_entry(
                annual_list=annual_list,
                matter=item.matter,
                mode=chosen_mode,
                granting_department=item.department,
                receiving_areas=[item.zone] if item.zone else None,
                demand_item=item,
                change_reason=reason or system_text("list_entry.accepted_from_demand"),
                added_by=decided_by,
                is_illustrative=item.is_illustrative,
            )
        elif item.zone is not None and not existing.all_areas:
            # Another area asked for a matter already in the draft for some areas: it joins them.
            update_list_entry(
                entry=existing,
                receiving_areas=[*existing.receiving_areas.all(), item.zone],
                updated_by=decided_by,
                reason=reason or system_text("list_entry.accepted_from_demand"),
            )
    record_event(
        actor=decided_by,
        action="demand_item.decided",
        target=item,
        reason=reason,
        details={"accepted": accept},
    )
    return item
