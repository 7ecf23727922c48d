"""Named reads of grants: the take-up matrix, what a department owes, what an area holds."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from devolve.accounts.models import User
from devolve.grants import rules
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters.models import AnnualList, ListEntry
from devolve.regions.models import Zone


def list_grants() -> QuerySet[Grant]:
    return Grant.objects.select_related(
        "entry",
        "entry__annual_list",
        "entry__annual_list__batch",
        "entry__matter",
        "entry__mode",
        "entry__granting_department",
        "zone",
        "zone__prefecture",
    )


def list_grants_visible_to(*, user: User) -> QuerySet[Grant]:
    """The office and auditors see all; a department the grants of its entries; a prefecture its
    areas'; a pilot area its own; anyone else none."""
    grants = list_grants()
    if not user.is_active:
        return grants.none()
    if user.role in {User.Role.OFFICE, User.Role.AUDITOR, User.Role.EVALUATOR}:
        return grants
    if user.role == User.Role.DEPARTMENT and user.department_id is not None:
        return grants.filter(entry__granting_department_id=user.department_id)
    if user.role == User.Role.PREFECTURE and user.prefecture_id is not None:
        return grants.filter(zone__prefecture_id=user.prefecture_id)
    if user.role == User.Role.PILOT_AREA and user.zone_id is not None:
        return grants.filter(zone_id=user.zone_id)
    return grants.none()


def get_grant(*, pk: int) -> Grant | None:
    return list_grants().filter(pk=pk).first()


@dataclass(frozen=True)
class TakeUpMatrix:
    """Entries (rows) by pilot areas (columns); a cell is the grant or None where the entry does not
    reach the area."""

    annual_list: AnnualList
    entries: list[ListEntry]
    zones: list[Zone]
    cells: dict[tuple[int, int], Grant]

    def row(self, entry: ListEntry) -> list[Grant | None]:
        return [self.cells.get((entry.pk, zone.pk)) for zone in self.zones]

    @property
    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for grant in self.cells.values():
            counts[grant.status] = counts.get(grant.status, 0) + 1
        return counts


def get_take_up_matrix(
    *,
    annual_list: AnnualList,
    department_code: str | None = None,
    zone_slug: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> TakeUpMatrix:
    """Two queries whatever the size: the grants, and the live entries."""
    grants = list_grants().filter(entry__annual_list=annual_list)
    entries = (
        annual_list.entries.exclude(change=ListEntry.Change.WITHDRAWN)
        .select_related("matter", "mode", "granting_department")
        .order_by("sequence")
    )
    if department_code:
        grants = grants.filter(entry__granting_department__code=department_code)
        entries = entries.filter(granting_department__code=department_code)
    if kind:
        grants = grants.filter(entry__matter__kind=kind)
        entries = entries.filter(matter__kind=kind)
    if zone_slug:
        grants = grants.filter(zone__slug=zone_slug)
    if status:
        grants = grants.filter(status=status)
    grant_list = list(grants)
    zones = sorted(
        {grant.zone for grant in grant_list}, key=lambda zone: (zone.prefecture.code, zone.slug)
    )
    cells = {(grant.entry_id, grant.zone_id): grant for grant in grant_list}
    entry_list = list(entries)
    if status or zone_slug:
        kept = {grant.entry_id for grant in grant_list}
        entry_list = [entry for entry in entry_list if entry.pk in kept]
    return TakeUpMatrix(annual_list=annual_list, entries=entry_list, zones=zones, cells=cells)


def list_overdue_handovers(*, on: datetime.date) -> QuerySet[Grant]:
    return (
        list_grants()
        .filter(status=Grant.Status.EFFECTIVE, handover_due_on__lt=on)
        .order_by("handover_due_on")
    )


def current_grant_of(grant: Grant) -> Grant:
    """The grant that carries ``grant`` on in the latest edition (itself if none does).

    Follows the reverse ``next_grant`` relation, which callers select_related to keep queries flat.
    """
    current = grant
    seen: set[int] = set()
    while current.pk not in seen:
        seen.add(current.pk)
        try:
            current = current.next_grant
        except Grant.DoesNotExist:
            break
    return current


def list_agreements_expiring(*, on: datetime.date) -> list[EntrustmentAgreement]:
    """Agreements in their renewal warning period, not yet renewed, whose grant (or the grant of a
    later edition that continues it) is still active."""
    agreements = EntrustmentAgreement.objects.select_related(
        "grant",
        "grant__entry__annual_list",
        "grant__zone",
        "grant__next_grant__next_grant",
        "entrusting_department",
    ).filter(
        renewed_by__isnull=True,
        ends_on__gte=on,
        grant__status__in=[
            *(status.value for status in rules.ACTIVE_STATUSES),
            Grant.Status.SUPERSEDED,
        ],
    )
    return [
        agreement
        for agreement in agreements.order_by("ends_on")
        if rules.renewal_warning_due(
            agreement.ends_on,
            warning_days=agreement.grant.entry.annual_list.renewal_warning_days,
            today=on,
        )
        and current_grant_of(agreement.grant).is_active
    ]
