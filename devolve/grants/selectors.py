"""Named reads of grants: the take-up matrix, what a department owes, what an area holds."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.accounts.permissions import is_auditor, is_office
from devolve.core.runs import UNDER_WAY
from devolve.core.search import SearchIndex, SearchQuery, as_hits, matching, relevance
from devolve.grants import rules
from devolve.grants.models import (
    ACTIVE_STATUSES,
    ActivationRun,
    EntrustmentAgreement,
    Grant,
    Publication,
)
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.matters.selectors import PUBLIC_EDITION_STATUSES
from devolve.regions.models import Zone

AGREEMENT_SEARCH = SearchIndex(
    "grants_entrustmentagreement", ("number", "entrusted_body", "document")
)
SUPERVISION_SEARCH = SearchIndex("grants_grant", ("supervision_document",))
SEARCH_INDEXES = (AGREEMENT_SEARCH, SUPERVISION_SEARCH)


def _grants_seen_by(user: User | None) -> QuerySet[Grant]:
    return list_public_grants() if user is None else list_grants_visible_to(user=user)


def search_agreements(*, query: SearchQuery, user: User | None) -> QuerySet[Any]:
    """Entrustment agreements (行政委托书) by number, entrusted body or document: those of
    published grants for the public (``user`` None), of the grants in scope for staff."""
    # EXISTS per matching agreement, not ``grant__in``: SQLite would build the list of every
    # grant in sight (300,000 at national scale) before looking at a single agreement.
    seen = _grants_seen_by(user).order_by().filter(pk=OuterRef("grant_id"))
    agreements = matching(EntrustmentAgreement.objects.all(), index=AGREEMENT_SEARCH, query=query)
    agreements = agreements.filter(Exists(seen))
    score = relevance(query, titles=("number", "document"))
    return as_hits(agreements, kind="agreement", score=score, title="number")


def search_supervision_filings(*, query: SearchQuery, user: User | None) -> QuerySet[Any]:
    """Grants whose supervision measures were filed under a document that matches."""
    grants = _grants_seen_by(user).exclude(supervision_document="")
    grants = matching(grants, index=SUPERVISION_SEARCH, query=query)
    score = relevance(query, titles=("supervision_document",))
    return as_hits(grants, kind="filing", score=score, title="supervision_document")


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


@dataclass(frozen=True)
class GrantLink:
    """A grant as an edition's staff page links it: its id, its area's names and its status."""

    grant_id: int
    zone_id: int
    zone_name_zh: str
    zone_name_en: str
    status: str


def list_grant_links(*, entry_ids: Iterable[int]) -> dict[int, list[GrantLink]]:
    """Entry id → its grants as an edition's staff page links them, in the grants' order
    (by the area's prefecture and slug). One query of plain columns for a page of entries,
    however many areas a batch has: no grant or zone is built as a model object."""
    links: dict[int, list[GrantLink]] = {}
    rows = (
        Grant.objects.filter(entry_id__in=list(entry_ids))
        .order_by("entry_id", "zone__prefecture__code", "zone__slug")
        .values_list("entry_id", "id", "zone_id", "zone__name_zh", "zone__name_en", "status")
    )
    for entry_id, grant_id, zone_id, name_zh, name_en, status in rows:
        links.setdefault(entry_id, []).append(
            GrantLink(grant_id, zone_id, name_zh, name_en, status)
        )
    return links


def get_grant(*, pk: int) -> Grant | None:
    return list_grants().filter(pk=pk).first()


def list_public_grants(
    *, zone: Zone | None = None, matter: Matter | None = None, in_force_only: bool = False
) -> QuerySet[Grant]:
    """Grants of published and superseded editions: all that public pages, open data and the
    anonymous API show. Grants of drafts never exist (publishing creates them), but the filter
    says so explicitly. ``in_force_only`` keeps the editions in force (not superseded)."""
    grants = list_grants().filter(entry__annual_list__status__in=PUBLIC_EDITION_STATUSES)
    if zone is not None:
        grants = grants.filter(zone=zone)
    if matter is not None:
        grants = grants.filter(entry__matter=matter)
    if in_force_only:
        grants = grants.filter(entry__annual_list__status=AnnualList.Status.PUBLISHED)
    return grants


def list_recalled_public_grants() -> QuerySet[Grant]:
    """Public grants that were recalled, most recently ended first (the publication feed)."""
    return list_public_grants().filter(status=Grant.Status.RECALLED).order_by("-ended_on")


def grants_last_changed() -> datetime.datetime | None:
    """When a grant or an edition last changed (their latest history rows)."""
    moments = [
        model.history.aggregate(latest=Max("history_date"))["latest"]
        for model in (Grant, AnnualList)
    ]
    return max((moment for moment in moments if moment is not None), default=None)


def list_current_grants(
    *, zone: Zone | None = None, matter: Matter | None = None
) -> QuerySet[Grant]:
    """Grants of the editions in force (published and not yet superseded), every status
    included, as the take-up matrix shows them: a recalled grant stays in its edition."""
    grants = list_grants().filter(entry__annual_list__status=AnnualList.Status.PUBLISHED)
    if zone is not None:
        grants = grants.filter(zone=zone)
    if matter is not None:
        grants = grants.filter(entry__matter=matter)
    return grants.order_by(
        "entry__annual_list__batch__number",
        "entry__matter__kind",
        "entry__sequence",
        "zone__prefecture__code",
        "zone__slug",
    )


def with_first_effective_on(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    """Annotate ``first_effective_on``: the earliest day any published grant of the same matter
    to the same area took effect (the area has held the matter since then, with any breaks the
    changes list shows)."""
    earliest = (
        Grant.objects.filter(
            zone=OuterRef("zone"),
            entry__matter=OuterRef("entry__matter"),
            entry__annual_list__status__in=PUBLIC_EDITION_STATUSES,
            effective_on__isnull=False,
        )
        .values("zone")
        .annotate(first=Min("effective_on"))
        .values("first")
    )
    return grants.annotate(first_effective_on=Subquery(earliest))


class HoldingChange(TextChoices):
    """Why an area no longer holds a grant as it was (derived, never stored)."""

    RECALLED = "recalled", _("Recalled")
    WITHDRAWN = "withdrawn", _("Withdrawn from the list")
    ADJUSTED = "adjusted", _("Adjusted in the next edition")
    NARROWED = "narrowed", _("No longer granted to this area")
    UNLISTED = "unlisted", _("Not in the next edition")


def list_grant_changes(
    *, zone: Zone | None = None, matter: Matter | None = None
) -> QuerySet[Grant]:
    """Published grants the area no longer holds as they were, each annotated with
    ``change_kind`` (a ``HoldingChange``), and for changes made by a later edition the
    ``successor_change`` and ``successor_reason`` of the matter's entry there, with that
    edition's ``successor_year``, ``successor_batch`` and ``successor_edition``. One query;
    grants carried on unchanged are left out. Latest first."""
    successor_entries = ListEntry.objects.filter(
        annual_list__predecessor=OuterRef("entry__annual_list"),
        annual_list__status__in=PUBLIC_EDITION_STATUSES,
        matter=OuterRef("entry__matter"),
    )
    grants = list_public_grants().filter(
        status__in=[Grant.Status.RECALLED, Grant.Status.SUPERSEDED]
    )
    if zone is not None:
        grants = grants.filter(zone=zone)
    if matter is not None:
        grants = grants.filter(entry__matter=matter)
    adjusted = [ListEntry.Change.MODIFIED, ListEntry.Change.SPLIT, ListEntry.Change.MERGED]
    return (
        grants.annotate(
            successor_change=Subquery(successor_entries.values("change")[:1]),
            successor_reason=Subquery(successor_entries.values("change_reason")[:1]),
            successor_year=Subquery(successor_entries.values("annual_list__year")[:1]),
            successor_batch=Subquery(successor_entries.values("annual_list__batch__number")[:1]),
            successor_edition=Subquery(successor_entries.values("annual_list__edition")[:1]),
        )
        .annotate(
            change_kind=Case(
                When(status=Grant.Status.RECALLED, then=Value(HoldingChange.RECALLED.value)),
                When(
                    successor_change=ListEntry.Change.WITHDRAWN,
                    then=Value(HoldingChange.WITHDRAWN.value),
                ),
                When(successor_change__in=adjusted, then=Value(HoldingChange.ADJUSTED.value)),
                When(successor_change__isnull=True, then=Value(HoldingChange.UNLISTED.value)),
                When(next_grant__isnull=True, then=Value(HoldingChange.NARROWED.value)),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .exclude(change_kind="")
        .order_by("-ended_on", "entry__sequence", "zone__slug")
    )


@dataclass(frozen=True)
class EditionHolding:
    """How many grants of one edition an area (or a matter's areas) holds, by kind."""

    annual_list_id: int
    powers: int
    support: int
    active: int

    @property
    def total(self) -> int:
        return self.powers + self.support


def count_grants_by_edition(
    *, zone: Zone | None = None, matter: Matter | None = None
) -> dict[int, EditionHolding]:
    """Published grants per edition id, counted in one grouped query."""
    grants = list_public_grants()
    if zone is not None:
        grants = grants.filter(zone=zone)
    if matter is not None:
        grants = grants.filter(entry__matter=matter)
    rows = (
        grants.order_by()
        .values("entry__annual_list_id")
        .annotate(
            powers=Count("pk", filter=Q(entry__matter__kind=Matter.Kind.POWER)),
            support=Count("pk", filter=Q(entry__matter__kind=Matter.Kind.SUPPORT)),
            active=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        )
    )
    return {
        row["entry__annual_list_id"]: EditionHolding(
            annual_list_id=row["entry__annual_list_id"],
            powers=row["powers"],
            support=row["support"],
            active=row["active"],
        )
        for row in rows
    }


@dataclass(frozen=True)
class GrantMilestone:
    """On ``day``, ``count`` grants reached ``kind`` (effective, handed_over, supervision_filed,
    recalled)."""

    day: datetime.date
    kind: str
    count: int


def list_grant_milestones(
    *, zone: Zone | None = None, matter: Matter | None = None
) -> list[GrantMilestone]:
    """The days published grants took effect, were handed over, had supervision measures filed
    or were recalled, counted per day: four grouped queries whatever the number of grants."""
    grants = list_public_grants().order_by()
    if zone is not None:
        grants = grants.filter(zone=zone)
    if matter is not None:
        grants = grants.filter(entry__matter=matter)
    fields = {
        "effective": ("effective_on", Q()),
        "handed_over": ("handed_over_on", Q()),
        "supervision_filed": ("supervision_filed_on", Q()),
        "recalled": ("ended_on", Q(status=Grant.Status.RECALLED)),
    }
    milestones: list[GrantMilestone] = []
    for kind, (field_name, condition) in fields.items():
        rows = (
            grants.filter(condition, **{f"{field_name}__isnull": False})
            .values(field_name)
            .annotate(count=Count("pk"))
            .values_list(field_name, "count")
        )
        milestones.extend(GrantMilestone(day=day, kind=kind, count=count) for day, count in rows)
    return sorted(milestones, key=lambda milestone: (milestone.day, milestone.kind))


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


def _take_up_rows(
    *,
    annual_list: AnnualList,
    department_code: str | None,
    zone_slug: str | None,
    status: str | None,
    kind: str | None,
) -> tuple[QuerySet[Grant], QuerySet[ListEntry]]:
    """The grants the filters select, and the live entries that have one of them (every live
    entry of the selected departments and kinds when no area or status is asked for)."""
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
    if status or zone_slug:
        entries = entries.filter(pk__in=grants.order_by().values("entry_id"))
    return grants, entries


def _matrix(
    annual_list: AnnualList, entries: list[ListEntry], zones: list[Zone], grants: list[Grant]
) -> TakeUpMatrix:
    cells = {(grant.entry_id, grant.zone_id): grant for grant in grants}
    return TakeUpMatrix(annual_list=annual_list, entries=entries, zones=zones, cells=cells)


# What a cell of the take-up matrix shows: a grant's status and dates, nothing it relates to. A
# matrix reads thousands of grants; building each with its entry, matter and zone (``list_grants``)
# cost ten times the query.
CELL_FIELDS = (
    "entry_id",
    "zone_id",
    "status",
    "effective_on",
    "handover_due_on",
    "handover_due_is_provisional",
    "handed_over_on",
    "supervision_filed_on",
    "ended_on",
)


def _cells(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    return grants.select_related(None).only(*CELL_FIELDS)


class GrantCell(NamedTuple):
    """A cell of the grid as a page shows it: a grant's status and dates, read as plain values
    (a page has thousands; a model object each cost a fifth of the page)."""

    status: str
    effective_on: datetime.date | None
    handover_due_on: datetime.date | None
    handover_due_is_provisional: bool
    handed_over_on: datetime.date | None
    supervision_filed_on: datetime.date | None
    ended_on: datetime.date | None

    def get_status_display(self) -> str:
        return str(Grant.Status(self.status).label)


def _matrix_zones(grants: QuerySet[Grant]) -> list[Zone]:
    """The areas the grants reach, by prefecture: one query, however many grants."""
    return list(
        Zone.objects.filter(pk__in=grants.order_by().values("zone_id"))
        .select_related("prefecture")
        .order_by("prefecture__code", "slug")
    )


def area_status_rows(grants: QuerySet[Grant]) -> QuerySet[Grant, tuple[int, str, int]]:
    """The grants counted by area and status, as (zone id, status, grants) rows: a grouped query
    that reads nothing but the index on grants by entry, area and status
    (``grant_entry_zone_status``; ``COUNT(*)``, as the id is not in it), so an edition's count
    grows with its grants, not with the programme's."""
    return (
        grants.select_related(None)
        .order_by()
        .values_list("zone_id", "status")
        .annotate(count=Count("*"))
        .values_list("zone_id", "status", "count")
    )


def count_by_area_and_status(grants: QuerySet[Grant]) -> dict[tuple[int, str], int]:
    """(zone id, status) → grants, from ``area_status_rows``: one query."""
    return {(zone_id, status): count for zone_id, status, count in area_status_rows(grants)}


def get_take_up_matrix(
    *,
    annual_list: AnnualList,
    department_code: str | None = None,
    zone_slug: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> TakeUpMatrix:
    """The whole matrix, for downloads: three queries whatever the size, the grants (their
    status and dates only), the areas they reach and the live entries."""
    grants, entries = _take_up_rows(
        annual_list=annual_list,
        department_code=department_code,
        zone_slug=zone_slug,
        status=status,
        kind=kind,
    )
    return _matrix(annual_list, list(entries), _matrix_zones(grants), list(_cells(grants)))


@dataclass(frozen=True)
class TakeUpSelection:
    """What the take-up grid's filters select, for a list that pages the entries: the live
    entries (a queryset to page and sort), the areas the selected grants reach (the columns),
    the grants counted by status, and the selected grants' cells (status and dates only) to
    read for the entries of one page (``cells_of``)."""

    entries: QuerySet[ListEntry]
    zones: list[Zone]
    status_counts: dict[str, int]
    grants: QuerySet[Grant]

    def cells_of(self, entries: list[ListEntry]) -> dict[tuple[int, int], GrantCell]:
        """The cells of ``entries`` (entry id, zone id → the grant's status and dates): one
        query, whatever the page."""
        if not entries:
            return {}
        rows = self.grants.filter(entry__in=[entry.pk for entry in entries]).values_list(
            *CELL_FIELDS
        )
        return {(entry_id, zone_id): GrantCell(*cell) for entry_id, zone_id, *cell in rows}


class MatrixGrant(NamedTuple):
    """A cell of the API's take-up matrix: the grant's id, status and dates, as plain values."""

    pk: int
    status: str
    effective_on: datetime.date | None
    handover_due_on: datetime.date | None


def matrix_grants_of(
    selection: "TakeUpSelection", entries: list[ListEntry]
) -> dict[tuple[int, int], MatrixGrant]:
    """The API's cells of ``entries`` (entry id, zone id → the grant): one query, whatever the
    page."""
    if not entries:
        return {}
    rows = selection.grants.filter(entry__in=[entry.pk for entry in entries]).values_list(
        "entry_id", "zone_id", "pk", "status", "effective_on", "handover_due_on"
    )
    return {
        (entry_id, zone_id): MatrixGrant(pk, status, effective_on, handover_due_on)
        for entry_id, zone_id, pk, status, effective_on, handover_due_on in rows
    }


def get_take_up_selection(
    visible: QuerySet[Grant] | None = None,
    /,
    *,
    annual_list: AnnualList,
    department_code: str | None = None,
    zone_slug: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> TakeUpSelection:
    """The grid's selection in two queries: the selected grants counted by area and status
    (``count_by_area_and_status``, which gives both the columns and the counts), then those
    areas; its entries and a page's cells are read when a list pages them.

    With ``visible`` (a reader's scope, ``list_grants_visible_to``), only its grants are shown
    and counted, their areas are the columns, and an entry whose selected grants are all hidden
    is left out (an entry without any grant, as in an unpublished edition, stays), as
    ``get_take_up_matrix`` cut down to the scope."""
    grants, entries = _take_up_rows(
        annual_list=annual_list,
        department_code=department_code,
        zone_slug=zone_slug,
        status=status,
        kind=kind,
    )
    if visible is not None and visible.query.where:  # a scope narrower than every grant
        shown = grants & visible  # the scope's conditions added to the selection's
        entries = entries.exclude(
            Q(pk__in=grants.order_by().values("entry_id"))
            & ~Q(pk__in=shown.order_by().values("entry_id"))
        )
        grants = shown
    counted = count_by_area_and_status(grants)
    status_counts: dict[str, int] = {}
    for (_zone_id, grant_status), count in counted.items():
        status_counts[grant_status] = status_counts.get(grant_status, 0) + count
    zone_ids = {zone_id for zone_id, _status in counted}
    zones = (
        list(
            Zone.objects.filter(pk__in=zone_ids)
            .select_related("prefecture")
            .order_by("prefecture__code", "slug")
        )
        if zone_ids
        else []
    )
    return TakeUpSelection(
        entries=entries,
        zones=zones,
        status_counts=status_counts,
        grants=_cells(grants).order_by(),
    )


def list_overdue_handovers(*, on: datetime.date) -> QuerySet[Grant]:
    return (
        list_grants()
        .filter(status=Grant.Status.EFFECTIVE, handover_due_on__lt=on)
        .order_by("handover_due_on")
    )


def is_handover_overdue(*, grant: Grant, on: datetime.date) -> bool:
    return list_overdue_handovers(on=on).filter(pk=grant.pk).exists()


def list_held_grants_visible_to(*, user: User) -> QuerySet[Grant]:
    """The grants ``user``'s scope holds or gives, by status, then handover due date."""
    return list_grants_visible_to(user=user).order_by("status", "handover_due_on", "pk")


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


def list_agreements() -> QuerySet[EntrustmentAgreement]:
    return EntrustmentAgreement.objects.select_related(
        "grant",
        "grant__entry__annual_list__batch",
        "grant__entry__matter",
        "grant__zone",
        "entrusting_department",
    )


def list_agreements_expiring(
    *, on: datetime.date, grants: QuerySet[Grant] | None = None
) -> list[EntrustmentAgreement]:
    """Agreements in their renewal warning period, not renewed by ``on``, whose grant (or the
    grant of a later edition that continues it) is still active; of ``grants`` only, when given.
    One query."""
    agreements = EntrustmentAgreement.objects.select_related(
        "grant",
        "grant__entry__annual_list",
        "grant__zone",
        "grant__next_grant__next_grant",
        "entrusting_department",
    ).filter(
        Q(renewed_by__isnull=True) | Q(renewed_by__signed_on__gt=on),
        ends_on__gte=on,
        grant__status__in=[
            *ACTIVE_STATUSES,
            Grant.Status.SUPERSEDED,
        ],
    )
    if grants is not None:
        agreements = agreements.filter(grant__in=grants.values("pk"))
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


@dataclass(frozen=True)
class HandoverTimeliness:
    """Handovers of an edition's grants due in a period: done by the due day, done late, and
    still owed after it (as of ``on``)."""

    due: int
    on_time: int
    late: int
    overdue: int

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None


def get_handover_timeliness(
    *, annual_list: AnnualList, starts_on: datetime.date, ends_on: datetime.date, on: datetime.date
) -> HandoverTimeliness:
    """One aggregate query over the edition's grants whose handover fell due in the period."""
    due = Grant.objects.filter(
        entry__annual_list=annual_list,
        handover_due_on__gte=starts_on,
        handover_due_on__lte=min(ends_on, on),
    ).exclude(
        # A grant recalled, or carried into a later edition, before its handover owes none.
        status__in=[Grant.Status.RECALLED, Grant.Status.SUPERSEDED],
        handed_over_on__isnull=True,
    )
    totals = due.aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(handed_over_on__lte=F("handover_due_on"))),
        late=Count("pk", filter=Q(handed_over_on__gt=F("handover_due_on"), handed_over_on__lte=on)),
        overdue=Count("pk", filter=Q(handed_over_on__isnull=True) | Q(handed_over_on__gt=on)),
    )
    return HandoverTimeliness(**totals)


@dataclass(frozen=True)
class GrantWork:
    """What waits on one user's grants, counted in SQL: the grants in force it holds or gives,
    grants awaiting their entrustment
    agreement, handovers to record (and how many are overdue, and the earliest due date),
    supervision measures not yet filed, and agreements ending within their edition's warning
    period."""

    held: int = 0
    awaiting_agreement: int = 0
    handovers_due: int = 0
    handovers_overdue: int = 0
    next_handover_due_on: datetime.date | None = None
    supervision_missing: int = 0
    agreements_ending: int = 0
    next_agreement_end_on: datetime.date | None = None


def count_grant_work(*, user: User, on: datetime.date) -> GrantWork:
    """Two queries whatever the number of grants: one aggregate over the user's grants, one over
    the agreements of those grants."""
    grants = list_grants_visible_to(user=user).order_by()
    in_force = Q(status__in=[Grant.Status.EFFECTIVE, Grant.Status.HANDED_OVER])
    # A grant takes effect before its handover; one without a handover due date owes none.
    to_hand_over = Q(status=Grant.Status.EFFECTIVE, handover_due_on__isnull=False)
    counts = grants.aggregate(
        held=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        awaiting_agreement=Count("pk", filter=Q(status=Grant.Status.AWAITING_AGREEMENT)),
        handovers_due=Count("pk", filter=to_hand_over),
        handovers_overdue=Count("pk", filter=to_hand_over & Q(handover_due_on__lt=on)),
        next_handover_due_on=Min("handover_due_on", filter=to_hand_over),
        supervision_missing=Count("pk", filter=in_force & Q(supervision_filed_on__isnull=True)),
    )
    ending = list_agreements_expiring(on=on, grants=grants)
    return GrantWork(
        **counts,
        agreements_ending=len(ending),
        next_agreement_end_on=min((agreement.ends_on for agreement in ending), default=None),
    )


def with_handover_overdue(grants: QuerySet[Grant], *, on: datetime.date) -> QuerySet[Grant]:
    """Each grant annotated ``is_handover_overdue``: in force, not handed over, and past its
    handover due date on ``on`` (the rule of ``list_overdue_handovers``)."""
    return grants.annotate(
        is_handover_overdue=ExpressionWrapper(
            Q(status=Grant.Status.EFFECTIVE, handover_due_on__lt=on), output_field=BooleanField()
        )
    )


# What is owed, and grants by pilot area -----------------------------------------------------


def list_grants_awaiting_agreement(*, grants: QuerySet[Grant]) -> QuerySet[Grant]:
    """Entrusted grants of ``grants`` whose agreement is not signed yet."""
    return grants.filter(status=Grant.Status.AWAITING_AGREEMENT).order_by(
        "entry__annual_list__year", "zone__slug", "pk"
    )


def list_handovers_to_make(*, grants: QuerySet[Grant], on: datetime.date) -> QuerySet[Grant]:
    """Grants of ``grants`` in effect and not yet handed over, earliest due first, each annotated
    ``is_handover_overdue`` on ``on``."""
    outstanding = grants.filter(status=Grant.Status.EFFECTIVE, handover_due_on__isnull=False)
    return with_handover_overdue(outstanding, on=on).order_by("handover_due_on", "pk")


@dataclass(frozen=True)
class AreaGrantCounts:
    """One pilot area's grants by status, and its handovers overdue."""

    zone: Zone
    counts: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def count_grants_by_edition_and_status(
    *, editions: Iterable[AnnualList]
) -> dict[int, dict[str, int]]:
    """For each edition's pk, its grants counted by status as they stand now."""
    rows = (
        list_grants()
        .filter(entry__annual_list__in=editions)
        .order_by()
        .values("entry__annual_list_id", "status")
        .annotate(count=Count("pk"))
    )
    by_edition: dict[int, dict[str, int]] = {}
    for row in rows:
        by_edition.setdefault(row["entry__annual_list_id"], {})[row["status"]] = row["count"]
    return by_edition


def count_grants_by_area(*, grants: QuerySet[Grant], on: datetime.date) -> list[AreaGrantCounts]:
    """Per pilot area holding any of ``grants``: its grants by status (every status present as a
    key) and its overdue handovers, in the registry's order. Three queries."""
    counts: dict[int, dict[str, int]] = {}
    for zone_id, status, number in (
        grants.order_by().values_list("zone_id", "status").annotate(number=Count("pk"))
    ):
        counts.setdefault(zone_id, dict.fromkeys(Grant.Status.values, 0))[status] = number
    overdue = dict(
        list_overdue_handovers(on=on)
        .filter(pk__in=grants.values("pk"))
        .order_by()
        .values_list("zone_id")
        .annotate(number=Count("pk"))
    )
    zones = Zone.objects.select_related("prefecture").filter(pk__in=counts)
    return [
        AreaGrantCounts(zone=zone, counts=counts[zone.pk], overdue=overdue.get(zone.pk, 0))
        for zone in zones.order_by("prefecture__code", "slug")
    ]


def latest_publication(*, annual_list: AnnualList) -> Publication | None:
    """The edition's latest publication request, with who asked: what its page shows while it
    runs and after."""
    return (
        Publication.objects.filter(annual_list=annual_list)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def publication_under_way(*, annual_list: AnnualList) -> Publication | None:
    """The edition's publication queued or running, if any (one at most)."""
    return (
        Publication.objects.filter(UNDER_WAY, annual_list=annual_list)
        .select_related("annual_list__batch", "requested_by")
        .first()
    )


def activation_under_way() -> ActivationRun | None:
    """The activation run queued or running, if any (one at most)."""
    return ActivationRun.objects.filter(UNDER_WAY).select_related("requested_by").first()


def list_activation_runs_visible_to(*, user: User) -> QuerySet[ActivationRun]:
    """Activation runs a user may follow: the reform office's business, read by the office and
    by auditors, as publications are; nobody else."""
    if not (is_office(user) or is_auditor(user)):
        return ActivationRun.objects.none()
    return ActivationRun.objects.select_related("requested_by").order_by("-created_at", "-pk")


def list_publications_visible_to(*, user: User) -> QuerySet[Publication]:
    """Publication requests a user may follow: the reform office's business, read by the office
    and by auditors (who read every change); nobody else."""
    if not (is_office(user) or is_auditor(user)):
        return Publication.objects.none()
    return Publication.objects.select_related("annual_list__batch", "requested_by").order_by(
        "-created_at", "-pk"
    )
