"""What publishing an approved edition will do to the grants, worked out before it happens.

The preview (staff page and API) and ``services.publish_annual_list`` follow the same plan, so
what the office confirms is what publishing writes. The plan's fingerprint changes whenever the
outcome would (a grant recalled meanwhile, an area joining the batch): publishing with the
fingerprint of an older preview is refused as stale.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db.models import F

from devolve.grants.models import Grant
from devolve.matters.models import AnnualList, ListEntry
from devolve.regions.models import BatchMembership, Zone

_READ_BATCH_SIZE = 500


def batch_members_on(annual_list: AnnualList, *, on: datetime.date) -> list[Zone]:
    """Every pilot area of the edition's batch on ``on``."""
    members = BatchMembership.objects.active_on(on).filter(batch_id=annual_list.batch_id)
    return list(Zone.objects.filter(memberships__in=members).order_by("prefecture__code", "slug"))


def receiving_zones(entry: ListEntry, *, on: datetime.date) -> list[Zone]:
    """The pilot areas an entry reaches: its named areas, or every area of the batch on ``on``."""
    if not entry.all_areas:
        return list(entry.receiving_areas.order_by("prefecture__code", "slug"))
    return batch_members_on(entry.annual_list, on=on)


def pair_key(entry: ListEntry, zone: Zone) -> str:
    """The stable name of one matter in one area, e.g. ``k7m2qx9d@dazhou-high-tech-zone``: what
    a reason for a re-grant, or leaving it out, is given for."""
    return f"{entry.matter.key}@{zone.slug}"


@dataclass(frozen=True)
class PlannedGrant:
    """One grant publishing creates: new, or continuing ``previous_grant`` of the predecessor."""

    entry: ListEntry
    zone: Zone
    previous_grant: Grant | None = None

    @property
    def key(self) -> str:
        return pair_key(self.entry, self.zone)


@dataclass(frozen=True)
class Regrant:
    """A new grant of a power whose last grant to the same area was recalled: publishing it
    needs a reason, or it is left out."""

    entry: ListEntry
    zone: Zone
    recalled: Grant

    @property
    def key(self) -> str:
        return pair_key(self.entry, self.zone)


@dataclass(frozen=True)
class PublicationPlan:
    annual_list: AnnualList
    published_on: datetime.date
    created: tuple[PlannedGrant, ...]
    continued: tuple[PlannedGrant, ...]
    ended: tuple[Grant, ...]  # the predecessor's live grants no longer listed: recalled
    joining: tuple[Zone, ...]  # areas that hold a grant after publishing and none before
    leaving: tuple[Zone, ...]  # areas that held a grant before and hold none after
    regrants: tuple[Regrant, ...]

    @property
    def fingerprint(self) -> str:
        """SHA-256 of everything publishing would change; equal plans, equal fingerprints."""
        outcome = {
            "edition": self.annual_list.pk,
            "status": self.annual_list.status,
            "published_on": self.published_on.isoformat(),
            "created": sorted(planned.key for planned in self.created),
            "continued": sorted(
                [planned.key, planned.previous_grant.pk if planned.previous_grant else None]
                for planned in self.continued
            ),
            "ended": sorted(grant.pk for grant in self.ended),
            "regrants": sorted([regrant.key, regrant.recalled.pk] for regrant in self.regrants),
        }
        canonical = json.dumps(outcome, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _last_grants(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Grant]:
    """The latest grant of each (matter, zone) pair in any edition."""
    if not pairs:
        return {}
    matters = {matter for matter, _ in pairs}
    zones = {zone for _, zone in pairs}
    grants = (
        Grant.objects.filter(entry__matter_id__in=matters, zone_id__in=zones)
        .select_related("entry__annual_list", "entry__matter", "zone")
        .order_by("-entry__annual_list__year", "-entry__annual_list__edition", "-pk")
    )
    last: dict[tuple[int, int], Grant] = {}
    for grant in grants:
        last.setdefault((grant.entry.matter_id, grant.zone_id), grant)
    return last


def _with_names(pks: list[int]) -> tuple[Grant, ...]:
    """The grants ``pks`` whole, with their entry's matter and their zone, in the grants' order."""
    grants: list[Grant] = []
    for start in range(0, len(pks), _READ_BATCH_SIZE):
        grants.extend(
            Grant.objects.filter(pk__in=pks[start : start + _READ_BATCH_SIZE]).select_related(
                "entry__matter", "zone__prefecture"
            )
        )
    return tuple(sorted(grants, key=_grant_order))


def _grant_order(grant: Grant) -> tuple[int, int, str, str]:
    return (
        grant.entry.annual_list_id,
        grant.entry.sequence,
        grant.zone.prefecture.code,
        grant.zone.slug,
    )


def plan_publication(annual_list: AnnualList, *, published_on: datetime.date) -> PublicationPlan:
    """What publishing ``annual_list`` on ``published_on`` creates, continues and ends."""
    carried: dict[tuple[int, int], Grant] = {}
    if annual_list.predecessor_id is not None:
        # A national edition has tens of thousands of grants: read each as its key, area and
        # status with its matter's id, not as a grant with its entry, matter and zone.
        previous = (
            Grant.objects.active()
            .filter(entry__annual_list_id=annual_list.predecessor_id)
            .annotate(matter_of_entry=F("entry__matter_id"))
            .only("pk", "entry_id", "zone_id", "status")
            .order_by()
        )
        carried = {(grant.matter_of_entry, grant.zone_id): grant for grant in previous}  # type: ignore[attr-defined]
    before = {zone_id for _, zone_id in carried}
    batch_zones = batch_members_on(annual_list, on=published_on)
    entries = (
        annual_list.entries.exclude(change=ListEntry.Change.WITHDRAWN)
        .select_related("mode", "matter", "annual_list")
        .prefetch_related("receiving_areas")
        .order_by("sequence")
    )
    created: list[PlannedGrant] = []
    continued: list[PlannedGrant] = []
    after: dict[int, Zone] = {}
    for entry in entries:
        zones = batch_zones if entry.all_areas else list(entry.receiving_areas.all())
        for zone in zones:
            after[zone.pk] = zone
            previous_grant = carried.pop((entry.matter_id, zone.pk), None)
            planned = PlannedGrant(entry, zone, previous_grant)
            (continued if previous_grant is not None else created).append(planned)
    last = _last_grants([(planned.entry.matter_id, planned.zone.pk) for planned in created])
    regrants = tuple(
        Regrant(planned.entry, planned.zone, recalled)
        for planned in created
        if (recalled := last.get((planned.entry.matter_id, planned.zone.pk))) is not None
        and recalled.status == Grant.Status.RECALLED
    )
    ended = _with_names([grant.pk for grant in carried.values()])
    left = {grant.zone_id: grant.zone for grant in ended if grant.zone_id not in after}
    return PublicationPlan(
        annual_list=annual_list,
        published_on=published_on,
        created=tuple(created),
        continued=tuple(continued),
        ended=ended,
        joining=tuple(zone for pk, zone in after.items() if pk not in before),
        leaving=tuple(left.values()),
        regrants=regrants,
    )
