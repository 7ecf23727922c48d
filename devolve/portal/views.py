"""Public pages. Read-only; every figure comes from selectors, nothing is computed in templates."""

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from devolve.core.htmx import render_page_or_partial
from devolve.core.i18n import in_current_language
from devolve.matters.filters import MatterFilter
from devolve.matters.selectors import list_matters
from devolve.matters.tables import MatterTable
from devolve.regions import selectors
from devolve.regions.filters import PilotAreaFilter
from devolve.regions.models import Zone
from devolve.regions.tables import PilotAreaTable


def _date_from_query(request: HttpRequest) -> tuple[datetime.date, str | None]:
    """The ``on`` date asked for, else today; with an error message when it was malformed."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return timezone.localdate(), None
    try:
        return datetime.date.fromisoformat(raw), None
    except ValueError:
        return timezone.localdate(), _(
            "“%(value)s” is not a date (use YYYY-MM-DD); showing today."
        ) % {"value": raw}


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    on, date_error = _date_from_query(request)
    shape = selectors.get_programme_shape(on=on)
    per_prefecture = [
        (
            code,
            in_current_language(
                zh=shape.prefecture_names[code][0], en=shape.prefecture_names[code][1]
            ),
            count,
        )
        for code, count in shape.areas_per_prefecture.items()
    ]
    chart = {
        "name": _("Pilot areas"),
        "labels": [name for _code, name, _count in per_prefecture],
        "values": [count for _code, _name, count in per_prefecture],
    }
    context = {
        "shape": shape,
        "on": on,
        "date_error": date_error,
        "per_prefecture": per_prefecture,
        "per_batch": [
            (selectors.get_batch(number=number), count)
            for number, count in shape.areas_per_batch.items()
        ],
        "by_level": [
            (dict(Zone.Level.choices).get(level, _("Not confirmed")), count)
            for level, count in shape.by_level.items()
        ],
        "by_kind": [
            (dict(Zone.Kind.choices)[kind], count) for kind, count in shape.by_kind.items()
        ],
        "chart": chart,
    }
    return render(request, "portal/overview.html", context)


@require_GET
def pilot_area_list(request: HttpRequest) -> HttpResponse:
    on, date_error = _date_from_query(request)
    filterset = PilotAreaFilter(request.GET or None, queryset=selectors.list_pilot_areas(on=on))
    zones = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else selectors.list_pilot_areas(on=on)
    )
    table = PilotAreaTable(zones)
    context = {
        "filter": filterset,
        "table": table,
        "on": on,
        "date_error": date_error,
        "count": len(zones),
    }
    return render_page_or_partial(
        request, "portal/pilot_area_list.html", context, partial="pilot-areas-table"
    )


@require_GET
def zone_detail(request: HttpRequest, slug: str) -> HttpResponse:
    zone = selectors.get_zone(slug=slug)
    if zone is None:
        raise Http404(_("No zone with this key."))
    today = timezone.localdate()
    memberships = list(selectors.list_memberships().filter(zone=zone))
    context = {
        "zone": zone,
        "memberships": memberships,
        "is_pilot_today": any(membership.is_active_on(today) for membership in memberships),
        "today": today,
    }
    return render(request, "portal/zone_detail.html", context)


@require_GET
def batch_detail(request: HttpRequest, number: int) -> HttpResponse:
    batch = selectors.get_batch(number=number)
    if batch is None:
        raise Http404(_("No such batch."))
    memberships = list(selectors.list_memberships(batch=batch))
    prefectures = {membership.zone.prefecture_id for membership in memberships}
    context = {"batch": batch, "memberships": memberships, "prefecture_count": len(prefectures)}
    return render(request, "portal/batch_detail.html", context)


@require_GET
def prefecture_detail(request: HttpRequest, code: str) -> HttpResponse:
    prefecture = selectors.get_division(code=code)
    if prefecture is None or prefecture.level != prefecture.Level.PREFECTURE:
        raise Http404(_("No prefecture with this code."))
    today = timezone.localdate()
    pilot_slugs = set(
        selectors.list_pilot_areas(on=today)
        .filter(prefecture=prefecture)
        .values_list("slug", flat=True)
    )
    zones = list(selectors.list_zones().filter(prefecture=prefecture))
    context = {"prefecture": prefecture, "zones": zones, "pilot_slugs": pilot_slugs, "today": today}
    return render(request, "portal/prefecture_detail.html", context)


@require_GET
def matter_list(request: HttpRequest) -> HttpResponse:
    filterset = MatterFilter(request.GET or None, queryset=list_matters())
    matters = filterset.qs if filterset.is_bound and filterset.is_valid() else list_matters()
    context = {"filter": filterset, "table": MatterTable(matters), "count": matters.count()}
    return render_page_or_partial(
        request, "portal/matter_list.html", context, partial="matters-table"
    )
