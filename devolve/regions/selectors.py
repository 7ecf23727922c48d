"""Named reads of divisions, zones, batches and pilot areas."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from devolve.core.history import last_changed
from devolve.core.search import SearchIndex, SearchQuery, as_hits, matching, relevance
from devolve.regions.models import Batch, BatchMembership, Division, Zone

ZONE_SEARCH = SearchIndex(
    "regions_zone",
    ("name_zh", "name_en", "slug", "management_committee_zh", "management_committee_en"),
)
SEARCH_INDEXES = (ZONE_SEARCH,)


def search_zones(*, query: SearchQuery) -> QuerySet[Any]:
    """Zones (pilot areas and others) by name, key or management committee; all public."""
    zones = matching(Zone.objects.all(), index=ZONE_SEARCH, query=query)
    score = relevance(query, titles=("name_zh", "name_en", "slug"))
    return as_hits(zones, kind="area", score=score, title="name_zh")


def today() -> datetime.date:
    return timezone.localdate()


def get_division(*, code: str) -> Division | None:
    return Division.objects.filter(code=code).first()


def list_prefectures() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.PREFECTURE).order_by("code")


def list_zones(*, prefecture: Division | None = None) -> QuerySet[Zone]:
    zones = Zone.objects.select_related("prefecture")
    if prefecture is not None:
        zones = zones.filter(prefecture=prefecture)
    return zones.order_by("prefecture__code", "slug")


def get_zone(*, slug: str) -> Zone | None:
    return Zone.objects.select_related("prefecture").filter(slug=slug).first()


def list_batches(*, numbers: Iterable[int] | None = None) -> QuerySet[Batch]:
    batches = Batch.objects.all()
    if numbers is not None:
        batches = batches.filter(number__in=list(numbers))
    return batches.order_by("number")


def get_batch(*, number: int) -> Batch | None:
    return Batch.objects.filter(number=number).first()


def list_pilot_areas(*, on: datetime.date) -> QuerySet[Zone]:
    """Zones that are pilot areas on ``on``, each annotated with the membership active that day.

    ``zone.current_memberships`` holds the active membership (a list of one, since memberships of a
    zone never overlap).
    """
    active = BatchMembership.objects.active_on(on).select_related("batch")
    return (
        Zone.objects.pilot_areas_on(on)
        .select_related("prefecture")
        .prefetch_related(Prefetch("memberships", queryset=active, to_attr="current_memberships"))
        .order_by("prefecture__code", "slug")
    )


def list_pilot_area_slugs(*, on: datetime.date, prefecture: Division) -> set[str]:
    """The keys of ``prefecture``'s pilot areas on ``on``, in one query."""
    zones = Zone.objects.pilot_areas_on(on).filter(prefecture=prefecture)
    return set(zones.values_list("slug", flat=True))


def list_memberships(
    *, batch: Batch | None = None, zone: Zone | None = None
) -> QuerySet[BatchMembership]:
    memberships = BatchMembership.objects.select_related("zone", "zone__prefecture", "batch")
    if batch is not None:
        memberships = memberships.filter(batch=batch)
    if zone is not None:
        memberships = memberships.filter(zone=zone)
    return memberships.order_by("batch__number", "zone__prefecture__code", "zone__slug")


def count_prefectures(*, batch: Batch) -> int:
    """How many prefectures a batch's pilot areas lie in."""
    return BatchMembership.objects.filter(batch=batch).values("zone__prefecture").distinct().count()


@dataclass(frozen=True)
class ProgrammeShape:
    """The programme's shape on a date, computed from memberships and zones.

    Counts are of pilot areas active on ``on``; ``new_areas_included`` compares pilot new areas
    with every new area in the registry.
    """

    on: datetime.date
    batches: int
    pilot_areas: int
    prefectures_covered: int
    prefectures_total: int
    areas_per_prefecture: dict[str, int]
    prefecture_names: dict[str, tuple[str, str]]
    areas_per_batch: dict[int, int]
    by_level: dict[str, int]
    by_kind: dict[str, int]
    new_areas_included: int
    new_areas_total: int
    illustrative_records: int = field(default=0)

    @property
    def new_areas_share(self) -> float | None:
        return self.new_areas_included / self.new_areas_total if self.new_areas_total else None


def active_membership_of(zone: Zone) -> BatchMembership:
    """The membership that ``list_pilot_areas`` attached to ``zone`` (active on its date)."""
    memberships: list[BatchMembership] = zone.current_memberships  # type: ignore[attr-defined]
    return memberships[0]


def get_programme_shape(*, on: datetime.date) -> ProgrammeShape:
    pilot_areas = list(list_pilot_areas(on=on))
    memberships = [active_membership_of(zone) for zone in pilot_areas]
    per_prefecture = Counter(zone.prefecture.code for zone in pilot_areas)
    names = {
        zone.prefecture.code: (zone.prefecture.name_zh, zone.prefecture.name_en)
        for zone in pilot_areas
    }
    per_batch = Counter(membership.batch.number for membership in memberships)
    illustrative_zones = [zone for zone in pilot_areas if zone.is_illustrative]
    illustrative_memberships = [
        membership
        for membership in memberships
        if membership.is_illustrative or membership.batch.is_illustrative
    ]
    return ProgrammeShape(
        on=on,
        batches=len(per_batch),
        pilot_areas=len(pilot_areas),
        prefectures_covered=len(per_prefecture),
        prefectures_total=list_prefectures().count(),
        areas_per_prefecture=dict(
            sorted(per_prefecture.items(), key=lambda item: (-item[1], item[0]))
        ),
        prefecture_names=names,
        areas_per_batch=dict(sorted(per_batch.items())),
        by_level=dict(sorted(Counter(zone.level or "unconfirmed" for zone in pilot_areas).items())),
        by_kind=dict(sorted(Counter(zone.kind for zone in pilot_areas).items())),
        new_areas_included=len([zone for zone in pilot_areas if zone.kind == Zone.Kind.NEW_AREA]),
        new_areas_total=Zone.objects.filter(kind=Zone.Kind.NEW_AREA).count(),
        illustrative_records=len(illustrative_zones) + len(illustrative_memberships),
    )


def zones_last_changed() -> datetime.datetime | None:
    """When a zone last changed (its latest history row)."""
    return last_changed(Zone)
