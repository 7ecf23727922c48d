"""Public pages of one pilot area (``zones/<slug>/``) and one matter (``matters/<key>/``): what
is held now and since when, what was held before and why it changed (with the assessment behind
the change), how it is used (accepted reports only) and a timeline.

Every read comes from the owning apps' selectors and is aggregated in SQL; the two grant tables
are sorted and paginated by the server, so a page costs the same few queries however many grants
an area or a matter has. The URLs use the zone's slug and the matter's public key, which never
change, so links outlive editions.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.forms import Select
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from devolve.assessments.selectors import list_completed_rounds, with_assessment_behind
from devolve.assessments.tables import GrantChangeTable
from devolve.core.lists import ListState, configure_list, requested_download
from devolve.grants.filters import GrantFilter
from devolve.grants.selectors import (
    EditionHolding,
    count_grants_by_edition,
    list_grant_changes,
    list_grant_milestones,
    list_public_grants,
    with_first_effective_on,
)
from devolve.grants.tables import EditionHoldingTable, HeldGrantTable
from devolve.matters.models import AnnualList, Matter
from devolve.matters.selectors import (
    get_matter,
    list_annual_lists_oldest_first,
    list_matter_entries,
    list_sub_items,
)
from devolve.matters.tables import MatterEntryTable
from devolve.regions.models import Zone
from devolve.regions.selectors import get_zone, list_memberships
from devolve.regions.tables import BatchMembershipTable
from devolve.reporting.selectors import (
    accepted_usage_by_area,
    accepted_usage_by_period,
    list_accepted_reports,
    with_accepted_usage,
)
from devolve.reporting.tables import AreaUsageTable, PeriodUsageTable


@dataclass(frozen=True)
class EditionRow:
    """One edition that reaches the area or matter, with its grant counts."""

    annual_list: AnnualList
    holding: EditionHolding

    @property
    def is_current(self) -> bool:
        return self.annual_list.status == AnnualList.Status.PUBLISHED


@dataclass(frozen=True)
class TimelineEvent:
    day: datetime.date
    text: str
    url: str = ""


def _editions(holdings: dict[int, EditionHolding]) -> list[EditionRow]:
    editions = list_annual_lists_oldest_first(pks=holdings)
    return [EditionRow(annual_list=edition, holding=holdings[edition.pk]) for edition in editions]


def _held_table(
    request: HttpRequest,
    *,
    zone: Zone | None = None,
    matter: Matter | None = None,
    editions: list[EditionRow],
    exclude: tuple[str, ...],
    export_name: str,
) -> tuple[GrantFilter, HeldGrantTable]:
    """The area's or matter's grants filtered like the API (``GrantFilter``); the editions in
    force unless an edition is asked for. Sorted and paginated by the server."""
    data = request.GET
    in_force_only = not data.get("annual_list")
    grants = list_public_grants(zone=zone, matter=matter, in_force_only=in_force_only)
    filterset = GrantFilter(data, queryset=grants)
    for name in exclude:
        filterset.form.fields.pop(name, None)
    filterset.form.fields["annual_list"].widget = Select(
        attrs={"class": "govuk-select"},
        choices=[("", _("Editions in force"))]
        + [(row.annual_list.key, str(row.annual_list)) for row in editions],
    )
    shown = with_accepted_usage(with_first_effective_on(filterset.qs))
    table = HeldGrantTable(shown, exclude=exclude)
    configure_list(request, table, filterset=filterset, export_name=export_name)
    return filterset, table


def _changes_table(
    request: HttpRequest, changes: Any, *, exclude: tuple[str, ...], export_name: str
) -> GrantChangeTable:
    table = GrantChangeTable(with_assessment_behind(changes), exclude=exclude, prefix="changes-")
    configure_list(request, table, export_name=export_name)
    return table


def _usage_table(
    request: HttpRequest, usage: Any, *, name: str, exclude: tuple[str, ...] = ()
) -> PeriodUsageTable:
    table = PeriodUsageTable(usage, exclude=exclude, prefix="usage-")
    configure_list(request, table, export_name=f"{name}-usage")
    return table


def _milestone_text(kind: str, count: int) -> str:
    texts = {
        "effective": ngettext("%(count)s grant took effect", "%(count)s grants took effect", count),
        "handed_over": ngettext(
            "%(count)s grant was handed over", "%(count)s grants were handed over", count
        ),
        "supervision_filed": ngettext(
            "supervision measures were filed for %(count)s grant",
            "supervision measures were filed for %(count)s grants",
            count,
        ),
        "recalled": ngettext(
            "%(count)s grant was recalled", "%(count)s grants were recalled", count
        ),
    }
    return texts[kind] % {"count": count}


def _edition_text(row: EditionRow, *, for_zone: bool) -> str:
    if for_zone:
        return _("%(edition)s published: %(powers)s powers, %(support)s support matters") % {
            "edition": row.annual_list,
            "powers": row.holding.powers,
            "support": row.holding.support,
        }
    return _("%(edition)s published, granting it to %(count)s pilot areas") % {
        "edition": row.annual_list,
        "count": row.holding.total,
    }


def _membership_events(zone: Zone) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for membership in list_memberships(zone=zone):
        url = membership.batch.get_absolute_url()
        events.append(
            TimelineEvent(
                membership.joined_on, _("Joined %(batch)s") % {"batch": membership.batch}, url
            )
        )
        if membership.left_on:
            text = _("Left %(batch)s") % {"batch": membership.batch}
            events.append(TimelineEvent(membership.left_on, text, url))
    return events


def _timeline(
    *, zone: Zone | None, matter: Matter | None, editions: list[EditionRow]
) -> list[TimelineEvent]:
    """Events from the registry, the editions, the grants, accepted reports and completed
    assessments, oldest first. Each source is one (grouped) query."""
    events = _membership_events(zone) if zone is not None else []
    if zone is not None:
        events += [
            TimelineEvent(
                report.accepted_on,
                _("Usage report for %(period)s accepted") % {"period": report.cycle.label},
            )
            for report in list_accepted_reports(zone=zone)
            if report.accepted_on
        ]
    events += [
        TimelineEvent(
            row.annual_list.published_on,
            _edition_text(row, for_zone=zone is not None),
            row.annual_list.get_absolute_url(),
        )
        for row in editions
        if row.annual_list.published_on
    ]
    events += [
        TimelineEvent(milestone.day, _milestone_text(milestone.kind, milestone.count))
        for milestone in list_grant_milestones(zone=zone, matter=matter)
    ]
    rounds = list_completed_rounds(annual_list_ids=[row.annual_list.pk for row in editions])
    events += [
        TimelineEvent(
            assessment_round.decided_on,
            _("Assessment decided: %(round)s") % {"round": assessment_round},
        )
        for assessment_round in rounds
        if assessment_round.decided_on
    ]
    return sorted(events, key=lambda event: event.day)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, lists: tuple[Any, ...]
) -> HttpResponse:
    """The page, or the download one of its ``lists`` (configured tables) is asked for."""
    states: list[ListState] = [table.list_state for table in lists]
    return requested_download(request, *states) or render(request, template, context)


@require_safe
def zone_detail(request: HttpRequest, slug: str) -> HttpResponse:
    zone = get_zone(slug=slug)
    if zone is None:
        raise Http404(_("No zone with this key."))
    today = timezone.localdate()
    memberships = list_memberships(zone=zone)
    membership_table = BatchMembershipTable(
        memberships, exclude=("zone", "prefecture"), prefix="memberships-"
    )
    configure_list(request, membership_table, export_name=f"{zone.slug}-batches")
    editions = _editions(count_grants_by_edition(zone=zone))
    filterset, held = _held_table(
        request,
        zone=zone,
        editions=editions,
        exclude=("zone",),
        export_name=f"{zone.slug}-grants",
    )
    changes = list_grant_changes(zone=zone)
    by_edition = EditionHoldingTable(editions, exclude=("total",), prefix="editions-")
    configure_list(request, by_edition, export_name=f"{zone.slug}-by-edition")
    context = {
        "zone": zone,
        "memberships": membership_table,
        "is_pilot_today": any(membership.is_active_on(today) for membership in memberships),
        "today": today,
        "editions": editions,
        "current": [row for row in editions if row.is_current],
        "filter": filterset,
        "held": held,
        "changes": _changes_table(
            request, changes, exclude=("zone",), export_name=f"{zone.slug}-changes"
        ),
        "usage": _usage_table(
            request, accepted_usage_by_period(zone=zone), exclude=("areas",), name=zone.slug
        ),
        "timeline": _timeline(zone=zone, matter=None, editions=editions),
    }
    context["by_edition"] = by_edition
    lists = (membership_table, held, by_edition, context["changes"], context["usage"])
    return _render(request, "portal/zone_detail.html", context, lists=lists)


@require_safe
def matter_detail(request: HttpRequest, key: str) -> HttpResponse:
    matter = get_matter(key=key)
    if matter is None:
        raise Http404(_("No matter with this key."))
    editions = _editions(count_grants_by_edition(matter=matter))
    filterset, held = _held_table(
        request,
        matter=matter,
        editions=editions,
        exclude=("matter", "kind"),
        export_name=f"{matter.key}-grants",
    )
    entries = MatterEntryTable(list_matter_entries(matter=matter), prefix="entries-")
    configure_list(request, entries, export_name=f"{matter.key}-editions")
    changes = list_grant_changes(matter=matter)
    by_edition = EditionHoldingTable(editions, exclude=("powers", "support"), prefix="editions-")
    configure_list(request, by_edition, export_name=f"{matter.key}-by-edition")
    context = {
        "matter": matter,
        "by_edition": by_edition,
        "sub_items": list(list_sub_items(matter=matter)),
        "entries": entries,
        "editions": editions,
        "current": [row for row in editions if row.is_current],
        "filter": filterset,
        "held": held,
        "changes": _changes_table(
            request, changes, exclude=("matter",), export_name=f"{matter.key}-changes"
        ),
        "usage": _usage_table(request, accepted_usage_by_period(matter=matter), name=matter.key),
        "usage_by_area": AreaUsageTable(accepted_usage_by_area(matter=matter), prefix="areas-"),
        "timeline": _timeline(zone=None, matter=matter, editions=editions),
    }
    configure_list(request, context["usage_by_area"], export_name=f"{matter.key}-usage-by-area")
    lists = (
        entries,
        held,
        by_edition,
        context["changes"],
        context["usage"],
        context["usage_by_area"],
    )
    return _render(request, "portal/matter_detail.html", context, lists=lists)


urlpatterns: list[URLPattern] = [
    path("zones/<slug:slug>/", zone_detail, name="zone_detail"),
    path("matters/<slug:key>/", matter_detail, name="matter_detail"),
]
