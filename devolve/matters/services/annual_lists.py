"""Writing annual list editions and their entries.

Only a draft's entries change (review reads what will be approved); an approved edition only
moves on; a published one never changes (a correction is a new edition). Errors
(``DomainError.code``): ``not_allowed``, ``not_editable``, ``illegal_transition``,
``mode_mismatch``, ``not_a_batch_member``, ``duplicate``, ``reason_required``, ``invalid``,
``wrong_predecessor``, ``four_eyes`` (the submitter approving or publishing).
"""

import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system, person
from devolve.core.concurrency import ensure_unchanged
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event
from devolve.core.history import mark_change, save_validated
from devolve.matters import rules
from devolve.matters.diff import COMPARED_FIELDS
from devolve.matters.models import (
    ANNUAL_LIST_LIFECYCLE,
    AnnualList,
    AuthorizationMode,
    DemandItem,
    Department,
    ListEntry,
    ListEntrySubItem,
    Matter,
)
from devolve.matters.permissions import SECOND_PAIR_OF_EYES, needs_other_eyes
from devolve.matters.selectors import entry_values
from devolve.regions.models import Batch, BatchMembership, Zone


def _require_office(actor: User | SystemActor) -> None:
    if not is_system(actor) and not is_office(actor):
        raise NotAllowed(_("Only the reform office drafts and approves annual lists."))


def check_editable(annual_list: AnnualList) -> None:
    """Refuse (``not_editable``) unless the edition is a draft."""
    if not annual_list.is_editable:
        raise DomainError(
            "not_editable",
            _(
                "%(list)s is %(status)s; only a draft can change. Return an edition in review "
                "to draft first; derive a new edition to correct a published one."
            )
            % {"list": annual_list, "status": annual_list.get_status_display()},
        )


def _check_move(annual_list: AnnualList, name: str, actor: User | SystemActor) -> None:
    ANNUAL_LIST_LIFECYCLE.check(name, annual_list.status, actor)
    if name in SECOND_PAIR_OF_EYES and needs_other_eyes(actor, annual_list):
        raise DomainError(
            "four_eyes",
            _("You submitted this edition for review; another office user approves and publishes."),
        )


def _move(annual_list: AnnualList, name: str, actor: User | SystemActor) -> None:
    _check_move(annual_list, name, actor)
    ANNUAL_LIST_LIFECYCLE.apply(annual_list, name, actor)


def check_annual_list_publishable(
    *, annual_list: AnnualList, published_on: datetime.date, published_by: User | SystemActor
) -> None:
    """Refuse, as ``mark_annual_list_published`` would, an edition that may not be published on
    that day or by this actor (``illegal_transition``, ``four_eyes``, ``dates_out_of_order``);
    writes nothing. For queueing a publication, so that the page refuses at once what the
    background task would refuse."""
    _check_move(annual_list, "publish", published_by)
    _check_published_after_approval(annual_list, published_on)


def _check_published_after_approval(annual_list: AnnualList, published_on: datetime.date) -> None:
    if annual_list.approved_on and published_on < annual_list.approved_on:
        raise DomainError(
            "dates_out_of_order",
            _("An edition cannot be published before it is approved."),
            field="published_on",
        )


@transaction.atomic
def create_annual_list(
    *,
    year: int,
    batch: Batch,
    created_by: User | SystemActor,
    edition: int = 1,
    title_zh: str = "",
    title_en: str = "",
    delegation_effective_days: int = 30,
    handover_working_days: int = 30,
    renewal_warning_days: int = 15,
    is_illustrative: bool = False,
    source: str = "",
) -> AnnualList:
    """Start an empty draft edition (the first list of a batch, or one built from scratch)."""
    _require_office(created_by)
    annual_list = AnnualList(
        year=year,
        batch=batch,
        edition=edition,
        title_zh=title_zh,
        title_en=title_en,
        delegation_effective_days=delegation_effective_days,
        handover_working_days=handover_working_days,
        renewal_warning_days=renewal_warning_days,
        is_illustrative=is_illustrative,
        source=source,
    )
    save_validated(annual_list, actor=created_by, reason=system_text("annual_list.created"))
    record_event(actor=created_by, action="annual_list.created", target=annual_list)
    return annual_list


@transaction.atomic
def derive_annual_list(
    *,
    predecessor: AnnualList,
    year: int,
    created_by: User | SystemActor,
    edition: int = 1,
    title_zh: str = "",
    title_en: str = "",
    is_illustrative: bool = False,
    source: str = "",
) -> AnnualList:
    """A new draft that carries every live entry of ``predecessor`` forward as "kept".

    Use it for next year's list (edition 1 of a later year) or for a correction (a higher edition
    of the same year). The day counts carry over; entries then change one by one. Without a
    title, the draft is titled after its predecessor with the year moved on.
    """
    _require_office(created_by)
    predecessor = AnnualList.objects.select_related("batch").get(pk=predecessor.pk)
    if not predecessor.is_derivable:
        raise DomainError(
            "wrong_predecessor", _("Only the published edition can be carried forward.")
        )
    if year < predecessor.year or (year == predecessor.year and edition <= predecessor.edition):
        raise DomainError(
            "wrong_predecessor",
            _("A derived edition comes after its predecessor (a later year or a higher edition)."),
        )
    years = {"from_year": predecessor.year, "to_year": year}
    annual_list = AnnualList(
        year=year,
        batch=predecessor.batch,
        edition=edition,
        predecessor=predecessor,
        title_zh=title_zh.strip() or rules.derived_title(predecessor.title_zh, **years),
        title_en=title_en.strip() or rules.derived_title(predecessor.title_en, **years),
        delegation_effective_days=predecessor.delegation_effective_days,
        handover_working_days=predecessor.handover_working_days,
        renewal_warning_days=predecessor.renewal_warning_days,
        is_illustrative=is_illustrative,
        source=source,
    )
    save_validated(annual_list, actor=created_by, reason=system_text("annual_list.derived"))
    live = list(
        predecessor.entries.exclude(change=ListEntry.Change.WITHDRAWN)
        .prefetch_related("receiving_areas", "sub_items")
        .order_by("sequence")
    )
    _carry_forward(live, into=annual_list, actor=created_by)
    record_event(
        actor=created_by,
        action="annual_list.derived",
        target=annual_list,
        details={"predecessor": predecessor.key, "entries": len(live)},
    )
    return annual_list


# Rows per INSERT when an edition is carried forward: no statement grows with the edition.
CARRY_BATCH_SIZE = 500


def _carry_forward(live: list[ListEntry], *, into: AnnualList, actor: User | SystemActor) -> None:
    """Copy ``live`` (with receiving areas and sub-items prefetched) into the draft as "kept", in
    batched inserts whatever the number of entries: the entries, their receiving areas and
    predecessors, their history rows (each holding its receiving areas) and their sub-items."""
    entries = ListEntry.objects.bulk_create(
        [
            ListEntry(
                annual_list=into,
                sequence=old.sequence,
                matter_id=old.matter_id,
                mode_id=old.mode_id,
                granting_department_id=old.granting_department_id,
                supervising_department_id=old.supervising_department_id,
                all_areas=old.all_areas,
                conditions=old.conditions,
                notes=old.notes,
                effective_on=old.effective_on,
                ends_on=old.ends_on,
                change=ListEntry.Change.KEPT,
                is_illustrative=old.is_illustrative,
            )
            for old in live
        ],
        batch_size=CARRY_BATCH_SIZE,
    )
    pairs = list(zip(live, entries, strict=True))
    areas = ListEntry.receiving_areas.through
    area_rows = areas.objects.bulk_create(
        [
            areas(listentry_id=entry.pk, zone_id=zone.pk)
            for old, entry in pairs
            for zone in old.receiving_areas.all()
        ],
        batch_size=CARRY_BATCH_SIZE,
    )
    predecessors = ListEntry.predecessor_entries.through
    predecessors.objects.bulk_create(
        [predecessors(from_listentry_id=entry.pk, to_listentry_id=old.pk) for old, entry in pairs],
        batch_size=CARRY_BATCH_SIZE,
    )
    history = ListEntry.history.bulk_history_create(
        entries,
        batch_size=CARRY_BATCH_SIZE,
        default_user=person(actor),
        default_change_reason=system_text("list_entry.carried_forward"),
    )
    rows_of: dict[int, list[Any]] = defaultdict(list)
    for row in area_rows:
        rows_of[row.listentry_id].append(row)
    held_areas = ListEntry.history.model.receiving_areas.model
    held_areas.objects.bulk_create(
        [
            held_areas(
                history_id=record.history_id,
                id=row.pk,
                listentry_id=row.listentry_id,
                zone_id=row.zone_id,
            )
            for record in history
            for row in rows_of[record.id]
        ],
        batch_size=CARRY_BATCH_SIZE,
    )
    bulk_create_with_history(
        [
            ListEntrySubItem(entry=entry, matter_id=sub.matter_id, mode_id=sub.mode_id)
            for old, entry in pairs
            for sub in old.sub_items.all()
        ],
        ListEntrySubItem,
        batch_size=CARRY_BATCH_SIZE,
        default_user=person(actor),
        default_change_reason=system_text("list_entry.carried_forward"),
    )


@transaction.atomic
def retitle_annual_list(
    *,
    annual_list: AnnualList,
    updated_by: User | SystemActor,
    title_zh: str,
    title_en: str,
    expected_version: str | None = None,
) -> AnnualList:
    """Give a draft edition its titles (a derived draft starts with its predecessor's, the year
    moved on). The Chinese title is required: it heads the list and its public page. Records
    ``annual_list.retitled`` with the titles before and after. Errors: ``not_allowed``,
    ``not_editable``, ``title_required``, ``stale``."""
    _require_office(updated_by)
    annual_list = (
        AnnualList.objects.select_for_update(of=("self",))
        .select_related("batch")
        .get(pk=annual_list.pk)
    )
    ensure_unchanged(annual_list, expected_version=expected_version)
    check_editable(annual_list)
    if not title_zh.strip():
        raise DomainError(
            "title_required", _("Give the edition its Chinese title."), field="title_zh"
        )
    before = {"title_zh": annual_list.title_zh, "title_en": annual_list.title_en}
    annual_list.title_zh = title_zh.strip()
    annual_list.title_en = title_en.strip()
    save_validated(annual_list, actor=updated_by, reason=system_text("annual_list.retitled"))
    record_event(
        actor=updated_by,
        action="annual_list.retitled",
        target=annual_list,
        details={
            "before": before,
            "after": {"title_zh": annual_list.title_zh, "title_en": annual_list.title_en},
        },
    )
    return annual_list


def _check_receiving_areas(annual_list: AnnualList, areas: Iterable[Zone]) -> None:
    members = set(
        BatchMembership.objects.filter(batch=annual_list.batch).values_list("zone_id", flat=True)
    )
    outsiders = [area for area in areas if area.pk not in members]
    if outsiders:
        message = ngettext(
            "%(areas)s is not a pilot area of %(batch)s.",
            "%(areas)s are not pilot areas of %(batch)s.",
            len(outsiders),
        ) % {"areas": "、".join(str(area) for area in outsiders), "batch": annual_list.batch}
        raise DomainError("not_a_batch_member", message, field="receiving_areas")


def _check_mode(matter: Matter, mode: AuthorizationMode) -> None:
    if not rules.mode_fits_matter(mode_code=mode.code, matter_kind=matter.kind):
        raise DomainError(
            "mode_mismatch",
            _(
                "%(mode)s does not fit %(matter)s: a power is delegated or entrusted, a support "
                "matter is supported."
            )
            % {"mode": mode, "matter": matter},
            field="mode",
        )


def _next_sequence(annual_list: AnnualList) -> int:
    highest = annual_list.entries.aggregate(highest=Max("sequence"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def add_list_entry(
    *,
    annual_list: AnnualList,
    matter: Matter,
    mode: AuthorizationMode,
    granting_department: Department,
    added_by: User | SystemActor,
    supervising_department: Department | None = None,
    receiving_areas: Iterable[Zone] | None = None,
    conditions: str = "",
    notes: str = "",
    effective_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    sequence: int | None = None,
    demand_item: DemandItem | None = None,
    change_reason: str = "",
    is_illustrative: bool = False,
) -> ListEntry:
    """Add a matter to a draft edition. ``receiving_areas`` None means every pilot area of the
    batch; a list names a subset, each of which must be a member of the batch.
    ``effective_on`` and ``ends_on``: dates the list gives this entry, where it gives any."""
    _require_office(added_by)
    annual_list = AnnualList.objects.select_for_update(of=("self",)).get(pk=annual_list.pk)
    check_editable(annual_list)
    _check_mode(matter, mode)
    areas = list(receiving_areas) if receiving_areas is not None else []
    _check_receiving_areas(annual_list, areas)
    entry = ListEntry(
        annual_list=annual_list,
        sequence=sequence if sequence is not None else _next_sequence(annual_list),
        matter=matter,
        mode=mode,
        granting_department=granting_department,
        supervising_department=supervising_department,
        all_areas=not areas,
        conditions=conditions,
        notes=notes,
        effective_on=effective_on,
        ends_on=ends_on,
        change=ListEntry.Change.ADDED,
        change_reason=change_reason,
        demand_item=demand_item,
        is_illustrative=is_illustrative,
    )
    save_validated(entry, actor=added_by, reason=change_reason or system_text("list_entry.added"))
    if areas:
        entry.receiving_areas.set(areas)
    record_event(
        actor=added_by,
        action="list_entry.added",
        target=entry,
        reason=change_reason,
        details={"annual_list": annual_list.key, "matter": matter.pk, "mode": mode.code},
    )
    return entry


class Keep(enum.Enum):
    """A field left as it is, where None is a value of its own (no supervising department)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@transaction.atomic
def update_list_entry(
    *,
    entry: ListEntry,
    updated_by: User | SystemActor,
    reason: str,
    mode: AuthorizationMode | None = None,
    granting_department: Department | None = None,
    supervising_department: Department | Literal[Keep.KEEP] | None = KEEP,
    receiving_areas: Iterable[Zone] | None = None,
    all_areas: bool | None = None,
    conditions: str | None = None,
    notes: str | None = None,
    effective_on: datetime.date | Literal[Keep.KEEP] | None = KEEP,
    ends_on: datetime.date | Literal[Keep.KEEP] | None = KEEP,
    expected_version: str | None = None,
) -> ListEntry:
    """Change an entry of a draft edition. Against the entry it continues, the entry becomes
    "modified" with the changed fields and the reason, or "kept" again when nothing differs.

    Arguments left out (None, or KEEP for the supervising department and the dates, where None
    removes them) leave their field as it is. ``expected_version``: see
    ``devolve.core.concurrency``."""
    _require_office(updated_by)
    entry = (
        ListEntry.objects.select_for_update(of=("self",))
        .select_related("annual_list", "matter")
        .get(pk=entry.pk)
    )
    ensure_unchanged(entry, expected_version=expected_version)
    check_editable(entry.annual_list)
    if mode is not None:
        _check_mode(entry.matter, mode)
        entry.mode = mode
    if granting_department is not None:
        entry.granting_department = granting_department
    if not isinstance(supervising_department, Keep):
        entry.supervising_department = supervising_department
    if conditions is not None:
        entry.conditions = conditions
    if notes is not None:
        entry.notes = notes
    if not isinstance(effective_on, Keep):
        entry.effective_on = effective_on
    if not isinstance(ends_on, Keep):
        entry.ends_on = ends_on
    if all_areas is not None:
        entry.all_areas = all_areas
    areas = list(receiving_areas) if receiving_areas is not None else None
    if areas is not None:
        _check_receiving_areas(entry.annual_list, areas)
        entry.receiving_areas.set(areas)
        entry.all_areas = not areas
    previous = entry.predecessor_entries.first()
    if previous is not None and entry.change in {ListEntry.Change.KEPT, ListEntry.Change.MODIFIED}:
        before, after = entry_values(previous), entry_values(entry)
        changed = {
            name: [before[name], after[name]]
            for name in COMPARED_FIELDS
            if before[name] != after[name]
        }
        if changed and not reason.strip():
            raise DomainError(
                "reason_required", _("Say why the entry changes from last edition."), field="reason"
            )
        entry.change = ListEntry.Change.MODIFIED if changed else ListEntry.Change.KEPT
        entry.changed_fields = changed
        entry.change_reason = reason if changed else ""
    save_validated(entry, actor=updated_by, reason=reason)
    record_event(actor=updated_by, action="list_entry.updated", target=entry, reason=reason)
    return entry


@transaction.atomic
def set_list_entry_sub_items(
    *,
    entry: ListEntry,
    sub_items: Iterable[tuple[Matter, AuthorizationMode]],
    updated_by: User | SystemActor,
    reason: str = "",
) -> ListEntry:
    """Give an entry of a draft edition exactly these sub-items (序号 1.1, 1.2 … under it), each a
    matter with its own mode, replacing those it had. Records ``list_entry.sub_items_set``."""
    _require_office(updated_by)
    entry = (
        ListEntry.objects.select_for_update(of=("self",))
        .select_related("annual_list")
        .get(pk=entry.pk)
    )
    check_editable(entry.annual_list)
    wanted = list(sub_items)
    for matter, mode in wanted:
        if matter.pk == entry.matter_id:
            raise DomainError("invalid", _("An entry is not its own sub-item."))
        _check_mode(matter, mode)
    for old in entry.sub_items.all():
        mark_change(old, actor=updated_by, reason=reason or system_text("list_entry.sub_items_set"))
        old.delete()
    bulk_create_with_history(
        [ListEntrySubItem(entry=entry, matter=matter, mode=mode) for matter, mode in wanted],
        ListEntrySubItem,
        default_user=person(updated_by),
        default_change_reason=reason or system_text("list_entry.sub_items_set"),
    )
    record_event(
        actor=updated_by,
        action="list_entry.sub_items_set",
        target=entry,
        reason=reason,
        details={"sub_items": [[matter.pk, mode.code] for matter, mode in wanted]},
    )
    return entry


@transaction.atomic
def withdraw_list_entry(
    *, entry: ListEntry, withdrawn_by: User | SystemActor, reason: str
) -> ListEntry:
    """Take a carried-forward matter out of the new edition (dynamic adjustment), with the reason.

    An entry added in this edition has nothing to withdraw from: remove it instead.
    """
    _require_office(withdrawn_by)
    entry = (
        ListEntry.objects.select_for_update(of=("self",))
        .select_related("annual_list")
        .get(pk=entry.pk)
    )
    check_editable(entry.annual_list)
    if not reason.strip():
        raise DomainError("reason_required", _("Say why the matter is withdrawn."), field="reason")
    if not entry.predecessor_entries.exists():
        raise DomainError(
            "nothing_to_withdraw", _("This matter is new in the edition; remove it instead.")
        )
    entry.change = ListEntry.Change.WITHDRAWN
    entry.change_reason = reason
    entry.changed_fields = {}
    save_validated(entry, actor=withdrawn_by, reason=reason)
    record_event(actor=withdrawn_by, action="list_entry.withdrawn", target=entry, reason=reason)
    return entry


@transaction.atomic
def remove_list_entry(
    *, entry: ListEntry, removed_by: User | SystemActor, reason: str = ""
) -> None:
    """Delete an entry added in this draft (it never reached a published list)."""
    _require_office(removed_by)
    entry = (
        ListEntry.objects.select_for_update(of=("self",))
        .select_related("annual_list")
        .get(pk=entry.pk)
    )
    check_editable(entry.annual_list)
    if entry.predecessor_entries.exists():
        raise DomainError(
            "carried_forward",
            _("This matter continues from last edition; withdraw it with a reason."),
        )
    record_event(actor=removed_by, action="list_entry.removed", target=entry, reason=reason)
    mark_change(entry, actor=removed_by, reason=reason or system_text("list_entry.removed"))
    entry.receiving_areas.clear()
    entry.delete()


@transaction.atomic
def submit_annual_list_for_review(
    *, annual_list: AnnualList, submitted_by: User | SystemActor
) -> AnnualList:
    annual_list = AnnualList.objects.select_for_update(of=("self",)).get(pk=annual_list.pk)
    _move(annual_list, "submit", submitted_by)
    if not annual_list.entries.exclude(change=ListEntry.Change.WITHDRAWN).exists():
        raise DomainError("empty_list", _("An edition needs at least one entry before review."))
    save_validated(annual_list, actor=submitted_by, reason=system_text("annual_list.submitted"))
    record_event(actor=submitted_by, action="annual_list.submitted", target=annual_list)
    return annual_list


@transaction.atomic
def return_annual_list_to_draft(
    *, annual_list: AnnualList, returned_by: User | SystemActor, reason: str
) -> AnnualList:
    if not reason.strip():
        raise DomainError(
            "reason_required", _("Say why the edition goes back to draft."), field="reason"
        )
    annual_list = AnnualList.objects.select_for_update(of=("self",)).get(pk=annual_list.pk)
    _move(annual_list, "return", returned_by)
    save_validated(annual_list, actor=returned_by, reason=reason)
    record_event(
        actor=returned_by, action="annual_list.returned", target=annual_list, reason=reason
    )
    return annual_list


@transaction.atomic
def approve_annual_list(
    *,
    annual_list: AnnualList,
    approved_by: User | SystemActor,
    approved_on: datetime.date,
    document_number: str,
    approving_meeting_zh: str = "",
    approving_meeting_en: str = "",
    issuing_authority_zh: str = "",
    addressees_zh: str = "",
) -> AnnualList:
    """Record the approving meeting's decision (meeting, document number, date) and who issues
    and receives the notice that publishes the edition (发文机关, 主送机关), which the official
    document prints; left empty, the document shows a blank to fill in."""
    if not document_number.strip():
        raise DomainError(
            "document_number_required",
            _("Give the approval's document number."),
            field="document_number",
        )
    annual_list = AnnualList.objects.select_for_update(of=("self",)).get(pk=annual_list.pk)
    _move(annual_list, "approve", approved_by)
    annual_list.approved_on = approved_on
    annual_list.document_number = document_number
    annual_list.approving_meeting_zh = approving_meeting_zh
    annual_list.approving_meeting_en = approving_meeting_en
    annual_list.issuing_authority_zh = issuing_authority_zh.strip()
    annual_list.addressees_zh = addressees_zh.strip()
    save_validated(annual_list, actor=approved_by, reason=system_text("annual_list.approved"))
    record_event(
        actor=approved_by,
        action="annual_list.approved",
        target=annual_list,
        details={"document_number": document_number, "approved_on": approved_on.isoformat()},
    )
    return annual_list


def mark_annual_list_published(
    *, annual_list: AnnualList, published_on: datetime.date, published_by: User | SystemActor
) -> AnnualList:
    """Set an approved edition published and supersede its predecessor.

    For ``grants.services.publish_annual_list`` only, which creates the grants in the same
    transaction: the caller holds the transaction and the lock.
    """
    _move(annual_list, "publish", published_by)
    predecessor = annual_list.predecessor
    if predecessor is not None:
        predecessor = AnnualList.objects.select_for_update(of=("self",)).get(pk=predecessor.pk)
        if predecessor.status != AnnualList.Status.PUBLISHED:
            raise DomainError(
                "wrong_predecessor",
                _("%(predecessor)s is not the published edition; publish from the current one.")
                % {"predecessor": predecessor.key},
            )
    _check_published_after_approval(annual_list, published_on)
    annual_list.published_on = published_on
    save_validated(annual_list, actor=published_by, reason=system_text("annual_list.published"))
    if predecessor is not None:
        _move(predecessor, "supersede", published_by)
        predecessor.superseded_on = published_on
        save_validated(
            predecessor,
            actor=published_by,
            reason=system_text("annual_list.superseded_by", key=annual_list.key),
        )
        record_event(actor=published_by, action="annual_list.superseded", target=predecessor)
    record_event(
        actor=published_by,
        action="annual_list.published",
        target=annual_list,
        details={"published_on": published_on.isoformat()},
    )
    return annual_list
