"""Named reads of the catalogue. ``access_*`` reads check the user's scope."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, Min, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.errors import NotAllowed
from devolve.core.history import last_changed
from devolve.core.search import SearchIndex, SearchQuery, as_hits, matching, relevance
from devolve.matters.diff import EditionDiff, EntrySnapshot, diff_editions
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
    MatterType,
)
from devolve.matters.permissions import can_change_matter

# The editions the public side shows: in force, or superseded by a later one.
PUBLIC_EDITION_STATUSES = (AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED)

MATTER_SEARCH = SearchIndex("matters_matter", ("name_zh", "name_en", "code", "key", "legal_basis"))
DEPARTMENT_SEARCH = SearchIndex("matters_department", ("name_zh", "name_en", "code"))
ANNUAL_LIST_SEARCH = SearchIndex(
    "matters_annuallist",
    ("title_zh", "title_en", "document_number", "approving_meeting_zh", "approving_meeting_en"),
)
SEARCH_INDEXES = (MATTER_SEARCH, DEPARTMENT_SEARCH, ANNUAL_LIST_SEARCH)


def search_matters(*, query: SearchQuery) -> QuerySet[Any]:
    """Catalogue matters whose name, code, key or legal basis holds every term (all public)."""
    matters = matching(Matter.objects.all(), index=MATTER_SEARCH, query=query)
    score = relevance(query, titles=("name_zh", "name_en", "code"))
    return as_hits(matters, kind="matter", score=score, title="name_zh")


def search_departments(*, query: SearchQuery) -> QuerySet[Any]:
    departments = matching(Department.objects.all(), index=DEPARTMENT_SEARCH, query=query)
    score = relevance(query, titles=("name_zh", "name_en", "code"))
    return as_hits(departments, kind="department", score=score, title="name_zh")


def search_annual_lists(*, query: SearchQuery, user: User | AnonymousUser) -> QuerySet[Any]:
    """Editions by title, document number or approving meeting: published and superseded ones
    for everyone, drafts too for programme staff (``list_annual_lists_visible_to``)."""
    editions: QuerySet[AnnualList] = AnnualList.objects.all()
    if not (isinstance(user, User) and user.is_active and user.role):
        editions = AnnualList.objects.published()
    editions = matching(editions, index=ANNUAL_LIST_SEARCH, query=query)
    score = relevance(query, titles=("title_zh", "title_en", "document_number"))
    return as_hits(editions, kind="edition", score=score, title="title_zh")


def list_departments() -> QuerySet[Department]:
    return Department.objects.annotate(matter_count=Count("matters")).order_by("code")


def get_department(*, code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def list_matter_types() -> QuerySet[MatterType]:
    return MatterType.objects.order_by("sort_order")


def list_authorization_modes() -> QuerySet[AuthorizationMode]:
    return AuthorizationMode.objects.order_by("sort_order")


def list_matters() -> QuerySet[Matter]:
    return Matter.objects.select_related("matter_type", "competent_department", "parent").order_by(
        "competent_department__code", "code", "pk"
    )


def get_matter(*, key: str) -> Matter | None:
    """The matter with this public key (``Matter.key``); None for an unknown one."""
    return list_matters().filter(key=key).first()


def list_sub_items(*, matter: Matter) -> QuerySet[Matter]:
    """The matter's sub-items (子项), by code."""
    return matter.sub_items.order_by("code", "pk")


def list_matter_entries(*, matter: Matter) -> QuerySet[ListEntry]:
    """The matter's entries in published and superseded editions, oldest edition first: where
    it was listed, how, and how each edition changed it."""
    return (
        ListEntry.objects.filter(
            matter=matter,
            annual_list__status__in=[AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED],
        )
        .select_related(
            "annual_list",
            "annual_list__batch",
            "mode",
            "granting_department",
            "supervising_department",
        )
        .prefetch_related("receiving_areas")
        .order_by("annual_list__year", "annual_list__batch__number", "annual_list__edition")
    )


def list_matters_changeable_by(*, user: User) -> QuerySet[Matter]:
    """The matters ``user`` may change: all for the office, its own for a department, else none."""
    matters = list_matters()
    if user.is_active and user.role == User.Role.OFFICE:
        return matters
    if user.is_active and user.role == User.Role.DEPARTMENT:
        return matters.filter(competent_department_id=user.department_id)
    return matters.none()


def access_matter_for_change(*, user: User, matter_id: int) -> Matter:
    matter = list_matters().filter(pk=matter_id).first()
    if matter is None:
        raise Http404(_("No such matter."))
    if not can_change_matter(user, matter):
        raise NotAllowed(_("You may change only the matters of your own department."))
    return matter


def get_matter_by_name(*, department: Department, name_zh: str) -> Matter | None:
    return Matter.objects.filter(competent_department=department, name_zh=name_zh).first()


def get_matter_type(*, code: str) -> MatterType:
    return MatterType.objects.get(code=code)


def list_annual_lists() -> QuerySet[AnnualList]:
    return (
        AnnualList.objects.select_related("batch", "predecessor")
        .annotate(
            entry_count=Count("entries", filter=~Q(entries__change=ListEntry.Change.WITHDRAWN))
        )
        .order_by("-year", "batch__number", "-edition")
    )


def get_annual_list(*, year: int, batch_number: int, edition: int = 1) -> AnnualList | None:
    return (
        AnnualList.objects.select_related("batch", "predecessor")
        .filter(year=year, batch__number=batch_number, edition=edition)
        .first()
    )


def list_public_annual_lists() -> QuerySet[AnnualList]:
    """Published and superseded editions, newest first: all the public side shows."""
    return list_annual_lists().filter(status__in=PUBLIC_EDITION_STATUSES)


def list_annual_lists_oldest_first(*, pks: Iterable[int]) -> QuerySet[AnnualList]:
    """The editions with these ids, oldest first (a timeline's order)."""
    return list_annual_lists().filter(pk__in=list(pks)).order_by("year", "edition")


def list_annual_lists_published_by(*, on: datetime.date) -> QuerySet[AnnualList]:
    """Every edition published on or before ``on``, superseded ones too."""
    return list_annual_lists().filter(
        status__in=[AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED],
        published_on__lte=on,
    )


def get_annual_list_by_pk(*, pk: int) -> AnnualList | None:
    return list_annual_lists().filter(pk=pk).first()


def get_public_successor(*, annual_list: AnnualList) -> AnnualList | None:
    """The published (or itself superseded) edition that superseded ``annual_list``, if any."""
    return (
        AnnualList.objects.select_related("batch")
        .filter(predecessor=annual_list)
        .published()
        .order_by("published_on", "pk")
        .first()
    )


def get_annual_list_by_key(*, key: str) -> AnnualList | None:
    """``2024/batch-1`` or ``2024/batch-1/e2``; None for a malformed or unknown key."""
    parts = key.strip("/").split("/")
    try:
        year = int(parts[0])
        batch_number = int(parts[1].removeprefix("batch-"))
        edition = int(parts[2].removeprefix("e")) if len(parts) > 2 else 1
    except (IndexError, ValueError):
        return None
    return get_annual_list(year=year, batch_number=batch_number, edition=edition)


def list_entries(*, annual_list: AnnualList, include_withdrawn: bool = True) -> QuerySet[ListEntry]:
    entries = (
        ListEntry.objects.filter(annual_list=annual_list)
        .select_related(
            "matter",
            "matter__matter_type",
            "mode",
            "granting_department",
            "supervising_department",
            "demand_item",
        )
        .prefetch_related("receiving_areas", "sub_items__matter", "sub_items__mode")
    )
    if not include_withdrawn:
        entries = entries.exclude(change=ListEntry.Change.WITHDRAWN)
    return entries.order_by("sequence")


def list_entries_by_section(*, annual_list: AnnualList) -> QuerySet[ListEntry]:
    """An edition's entries as the published list orders them: the powers (一、省级授权事项),
    then the support matters (二、省级支持事项), each in sequence order."""
    section = Case(
        When(matter__kind=Matter.Kind.POWER, then=Value(0)),
        default=Value(1),
    )
    return list_entries(annual_list=annual_list).order_by(section, "sequence")


def get_entry_of(*, annual_list: AnnualList, pk: int) -> ListEntry | None:
    """An entry of ``annual_list``; None for an entry of another edition."""
    return list_entries(annual_list=annual_list).filter(pk=pk).first()


@dataclass(frozen=True)
class EditionCounts:
    entries: int
    powers: int
    support: int
    withdrawn: int
    by_mode: dict[str, int]


def count_entries(*, annual_list: AnnualList) -> EditionCounts:
    """Live entries of an edition by kind and mode; withdrawn ones counted apart."""
    return count_entries_by_edition(annual_lists=[annual_list])[annual_list.pk]


def count_entries_by_edition(*, annual_lists: Iterable[AnnualList]) -> dict[int, EditionCounts]:
    """``count_entries`` of several editions, by edition id, in one grouped query: a page or
    report listing editions costs the same however many there are."""
    ids = [annual_list.pk for annual_list in annual_lists]
    rows_by_edition: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    rows = (
        ListEntry.objects.filter(annual_list_id__in=ids)
        .order_by()
        .values("annual_list_id", "change", "mode__code", "matter__kind")
        .annotate(count=Count("pk"))
    )
    for row in rows:
        rows_by_edition[row["annual_list_id"]].append(dict(row))
    return {pk: _edition_counts(rows) for pk, rows in rows_by_edition.items()}


def _edition_counts(rows: list[dict[str, Any]]) -> EditionCounts:
    live = [row for row in rows if row["change"] != ListEntry.Change.WITHDRAWN]
    by_mode: dict[str, int] = {}
    for row in live:
        by_mode[row["mode__code"]] = by_mode.get(row["mode__code"], 0) + row["count"]
    return EditionCounts(
        entries=sum(row["count"] for row in live),
        powers=sum(row["count"] for row in live if row["matter__kind"] == Matter.Kind.POWER),
        support=sum(row["count"] for row in live if row["matter__kind"] == Matter.Kind.SUPPORT),
        withdrawn=sum(row["count"] for row in rows if row["change"] == ListEntry.Change.WITHDRAWN),
        by_mode=dict(sorted(by_mode.items())),
    )


def entry_values(entry: ListEntry) -> dict[str, Any]:
    """The compared fields of ``entry`` as plain values (codes, slugs), for diffs and audit."""
    return {
        "mode": entry.mode.code,
        "granting_department": entry.granting_department.code,
        "supervising_department": entry.supervising_department.code
        if entry.supervising_department
        else "",
        "all_areas": entry.all_areas,
        "receiving_areas": sorted(area.slug for area in entry.receiving_areas.all()),
        "conditions": entry.conditions,
        "notes": entry.notes,
    }


def entry_snapshots(*, annual_list: AnnualList) -> list[EntrySnapshot]:
    return [
        EntrySnapshot(
            matter_id=entry.matter_id,
            matter_code=entry.matter.code,
            matter_name_zh=entry.matter.name_zh,
            matter_name_en=entry.matter.name_en,
            sequence=entry.sequence,
            values=entry_values(entry),
            change=entry.change,
            change_reason=entry.change_reason,
            matter_key=entry.matter.key,
        )
        for entry in list_entries(annual_list=annual_list)
    ]


def get_edition_diff(*, old: AnnualList, new: AnnualList) -> EditionDiff:
    return diff_editions(entry_snapshots(annual_list=old), entry_snapshots(annual_list=new))


def list_demand_items(*, window: DemandWindow | None = None) -> QuerySet[DemandItem]:
    items = DemandItem.objects.select_related(
        "window", "window__batch", "zone", "matter", "department"
    )
    if window is not None:
        items = items.filter(window=window)
    return items.order_by("window", "department__code", "pk")


def list_demand_items_visible_to(*, user: User) -> QuerySet[DemandItem]:
    """The office sees every item; a department the items it answers; an area its own."""
    items = list_demand_items()
    if user.is_active and user.role in {User.Role.OFFICE, User.Role.AUDITOR}:
        return items
    if user.is_active and user.role == User.Role.DEPARTMENT and user.department_id is not None:
        return items.filter(department_id=user.department_id)
    if user.is_active and user.role == User.Role.PILOT_AREA and user.zone_id is not None:
        return items.filter(zone_id=user.zone_id)
    if user.is_active and user.role == User.Role.PREFECTURE and user.prefecture_id is not None:
        return items.filter(zone__prefecture_id=user.prefecture_id)
    return items.none()


def get_demand_item_visible_to(*, user: User, pk: int) -> DemandItem | None:
    return list_demand_items_visible_to(user=user).filter(pk=pk).first()


def is_annual_list_visible_to(*, user: User | AnonymousUser, annual_list: AnnualList) -> bool:
    """Published and superseded editions are public; drafts only for signed-in programme staff."""
    if annual_list.status in {AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED}:
        return True
    return isinstance(user, User) and user.is_active and bool(user.role)


def list_annual_lists_visible_to(*, user: User | AnonymousUser) -> QuerySet[AnnualList]:
    annual_lists = list_annual_lists()
    if isinstance(user, User) and user.is_active and user.role:
        return annual_lists
    return annual_lists.filter(
        status__in=[AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED]
    )


@dataclass(frozen=True)
class MatterWork:
    """What waits for one user in the lists, counted in SQL: demand items to answer (a
    department) or decide (the office), with the earliest window closing date, and editions not
    yet published (the office), by status."""

    demand_to_answer: int = 0
    demand_to_decide: int = 0
    demand_closes_on: Any = None
    editions_draft: int = 0
    editions_in_review: int = 0
    editions_approved: int = 0


def count_matter_work(*, user: User) -> MatterWork:
    """At most two queries: one aggregate over the user's demand items, one over the editions."""
    counts: dict[str, Any] = {}
    is_office = user.is_active and user.role == User.Role.OFFICE
    waiting = None
    if is_office:
        waiting = Q(status=DemandItem.Status.ANSWERED)
    elif user.is_active and user.role == User.Role.DEPARTMENT:
        waiting = Q(status=DemandItem.Status.SUBMITTED)
    if waiting is not None:
        demand = (
            list_demand_items_visible_to(user=user)
            .order_by()
            .aggregate(
                waiting=Count("pk", filter=waiting),
                closes_on=Min("window__closes_on", filter=waiting),
            )
        )
        key = "demand_to_decide" if is_office else "demand_to_answer"
        counts |= {key: demand["waiting"], "demand_closes_on": demand["closes_on"]}
    if is_office:
        counts |= AnnualList.objects.order_by().aggregate(
            editions_draft=Count("pk", filter=Q(status=AnnualList.Status.DRAFT)),
            editions_in_review=Count("pk", filter=Q(status=AnnualList.Status.IN_REVIEW)),
            editions_approved=Count("pk", filter=Q(status=AnnualList.Status.APPROVED)),
        )
    return MatterWork(**counts)


def catalogue_last_changed() -> datetime.datetime | None:
    """When a matter or an edition's entry last changed (their latest history rows)."""
    return last_changed(Matter, ListEntry)
