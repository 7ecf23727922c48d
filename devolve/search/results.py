"""One search over every kind of record: ranked and paginated in SQL, then each hit on the page
read back through its owning app's selectors (one query per kind) and dressed for display."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.core.access import allows
from devolve.core.dates import written_date
from devolve.core.i18n import in_current_language
from devolve.core.search import HitPage, SearchQuery, rank_and_page
from devolve.grants import selectors as grants
from devolve.grants.models import Grant
from devolve.matters import selectors as matters
from devolve.matters.models import AnnualList
from devolve.regions import selectors as regions

PER_PAGE = 20

# The types a search can be narrowed to, in the order the filter offers them.
KINDS: dict[str, Promise] = {
    "matter": _("Matters"),
    "area": _("Pilot areas and zones"),
    "edition": _("Editions"),
    "department": _("Departments"),
    "document": _("Documents"),
}
# Which kinds of hit each type covers: documents are entrustment agreements and the documents
# supervision measures were filed under.
HIT_KINDS: dict[str, tuple[str, ...]] = {
    "matter": ("matter",),
    "area": ("area",),
    "edition": ("edition",),
    "department": ("department",),
    "document": ("agreement", "filing"),
}


@dataclass(frozen=True)
class SearchResult:
    kind: str  # a key of KINDS
    kind_label: str
    title: str
    detail: str
    public_url: str  # "" when the record has no public page (a draft edition)
    staff_url: str
    key: str  # the record's public key, for tests and links that last


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    results: list[SearchResult]
    page: HitPage
    counts: dict[str, int]  # hits per type (KINDS), whatever types were asked for


def _hits(query: SearchQuery, user: User | None) -> dict[str, QuerySet[Any]]:
    reader: User | AnonymousUser = user if user is not None else AnonymousUser()
    return {
        "matter": matters.search_matters(query=query),
        "area": regions.search_zones(query=query),
        "edition": matters.search_annual_lists(query=query, user=reader),
        "department": matters.search_departments(query=query),
        "agreement": grants.search_agreements(query=query, user=user),
        "filing": grants.search_supervision_filings(query=query, user=user),
    }


def search(
    query: SearchQuery, *, kinds: Collection[str] = (), user: User | None = None, page: int = 1
) -> SearchResults:
    """Hits of ``kinds`` (every kind when empty) that ``user`` may see: published data only when
    ``user`` is None (the public site), the user's scope otherwise."""
    every = _hits(query, user)
    wanted = {kind for kind in kinds if kind in HIT_KINDS} or set(HIT_KINDS)
    shown = {
        hit_kind: every[hit_kind]
        for kind in KINDS
        if kind in wanted
        for hit_kind in HIT_KINDS[kind]
    }
    hit_page = rank_and_page(shown, page=page, per_page=PER_PAGE)
    counts = (
        _counts(hit_page.by_kind)
        if len(wanted) == len(HIT_KINDS)
        else _counts(rank_and_page(every, page=1, per_page=1).by_kind)
    )
    return SearchResults(query=query, results=_dress(hit_page, user), page=hit_page, counts=counts)


def _counts(by_hit_kind: dict[str, int]) -> dict[str, int]:
    return {
        kind: sum(by_hit_kind.get(hit_kind, 0) for hit_kind in hit_kinds)
        for kind, hit_kinds in HIT_KINDS.items()
    }


def _dress(page: HitPage, user: User | None) -> list[SearchResult]:
    """The page's hits in rank order, each read back in one query per kind."""
    wanted: dict[str, list[int]] = {}
    for hit in page.hits:
        wanted.setdefault(hit.kind, []).append(hit.pk)
    dressed: dict[tuple[str, int], SearchResult] = {}
    for hit_kind, ids in wanted.items():
        dressed |= {(hit_kind, pk): result for pk, result in DRESSERS[hit_kind](ids, user)}
    return [dressed[(hit.kind, hit.pk)] for hit in page.hits if (hit.kind, hit.pk) in dressed]


def _name(record: Any, field: str = "name") -> str:
    return in_current_language(
        zh=str(getattr(record, f"{field}_zh", "") or ""),
        en=str(getattr(record, f"{field}_en", "") or ""),
    )


def _matters(ids: list[int], user: User | None) -> list[tuple[int, SearchResult]]:
    return [
        (
            matter.pk,
            SearchResult(
                kind="matter",
                kind_label=str(matter.get_kind_display()),
                title=_name(matter),
                detail=" · ".join(
                    part
                    for part in (
                        matter.code,
                        _name(matter.matter_type) if matter.matter_type else "",
                        _name(matter.competent_department),
                    )
                    if part
                ),
                public_url=matter.get_absolute_url(),
                staff_url=matter.get_absolute_url(),
                key=matter.key,
            ),
        )
        for matter in matters.list_matters().filter(pk__in=ids)
    ]


def _zones(ids: list[int], user: User | None) -> list[tuple[int, SearchResult]]:
    return [
        (
            zone.pk,
            SearchResult(
                kind="area",
                kind_label=str(zone.get_kind_display()),
                title=_name(zone),
                detail=_name(zone.prefecture),
                public_url=zone.get_absolute_url(),
                staff_url=zone.get_absolute_url(),
                key=zone.slug,
            ),
        )
        for zone in regions.list_zones().filter(pk__in=ids)
    ]


def _editions(ids: list[int], user: User | None) -> list[tuple[int, SearchResult]]:
    public = {AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED}
    # Only those who may follow an edition's workflow get its staff page; others its public one.
    workflow = user is not None and allows(user, "matters.view_list_workflow")
    return [
        (
            edition.pk,
            SearchResult(
                kind="edition",
                kind_label=str(KINDS["edition"]),
                title=str(edition),
                detail=" · ".join(
                    part
                    for part in (edition.key, edition.document_number, edition.get_status_display())
                    if part
                ),
                public_url=edition.get_absolute_url() if edition.status in public else "",
                staff_url=(
                    reverse("dashboards:annual_list_detail", kwargs={"pk": edition.pk})
                    if workflow
                    else ""
                ),
                key=edition.key,
            ),
        )
        for edition in matters.list_annual_lists().filter(pk__in=ids)
    ]


def _departments(ids: list[int], user: User | None) -> list[tuple[int, SearchResult]]:
    matter_list = reverse("portal:matter_list")
    return [
        (
            department.pk,
            SearchResult(
                kind="department",
                kind_label=str(KINDS["department"]),
                title=_name(department),
                detail=department.code,
                public_url=f"{matter_list}?department={department.code}",
                staff_url=f"{matter_list}?department={department.code}",
                key=department.code,
            ),
        )
        for department in matters.list_departments().filter(pk__in=ids)
    ]


def _agreements(ids: list[int], user: User | None) -> list[tuple[int, SearchResult]]:
    return [
        (
            agreement.pk,
            SearchResult(
                kind="document",
                kind_label=str(_("Entrustment agreement")),
                title=agreement.number,
                detail=" · ".join(
                    part
                    for part in (
                        agreement.entrusted_body,
                        _name(agreement.grant.entry.matter),
                        _name(agreement.grant.zone),
                        agreement.document,
                    )
                    if part
                ),
                public_url=_area_in_edition(agreement.grant),
                staff_url=reverse("dashboards:grant_detail", kwargs={"pk": agreement.grant_id}),
                key=agreement.number,
            ),
        )
        for agreement in grants.list_agreements().filter(pk__in=ids)
    ]


def _filings(ids: list[int], user: User | None) -> list[tuple[int, SearchResult]]:
    return [
        (
            grant.pk,
            SearchResult(
                kind="document",
                kind_label=str(_("Supervision filing")),
                title=grant.supervision_document,
                detail=" · ".join(
                    (
                        _name(grant.entry.matter),
                        _name(grant.zone),
                        written_date(grant.supervision_filed_on, empty=""),
                    )
                ).strip(" ·"),
                public_url=_area_in_edition(grant),
                staff_url=reverse("dashboards:grant_detail", kwargs={"pk": grant.pk}),
                key=grant.supervision_document,
            ),
        )
        for grant in grants.list_grants().filter(pk__in=ids)
    ]


def _area_in_edition(grant: Grant) -> str:
    """The area's page showing the grant's edition, where the document's grant is listed."""
    return f"{grant.zone.get_absolute_url()}?annual_list={grant.entry.annual_list.key}"


DRESSERS = {
    "matter": _matters,
    "area": _zones,
    "edition": _editions,
    "department": _departments,
    "agreement": _agreements,
    "filing": _filings,
}
