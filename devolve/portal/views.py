"""Public pages. Read-only; every figure comes from selectors, nothing is computed in templates."""

import datetime
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from devolve.core.htmx import render_page_or_partial
from devolve.core.i18n import in_current_language
from devolve.core.lists import (
    PAGE_PARAMETER,
    PAGE_SIZE_PARAMETER,
    SORT_PARAMETER,
    configure_list,
    render_list,
)
from devolve.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Sheet,
    csv_bytes,
    download_response,
    xlsx_bytes,
)
from devolve.core.templatetags.devolve import localized
from devolve.grants.filters import TakeUpFilter
from devolve.grants.selectors import TakeUpMatrix, get_take_up_matrix, get_take_up_selection
from devolve.grants.tables import TakeUpMatrixTable, TakeUpTable, status_summary
from devolve.matters.filters import ListEntryFilter, MatterFilter
from devolve.matters.models import AnnualList
from devolve.matters.readable import value_labels
from devolve.matters.selectors import (
    PUBLIC_EDITION_STATUSES,
    count_entries,
    count_entries_by_edition,
    get_annual_list,
    get_annual_list_by_key,
    get_edition_diff,
    get_public_successor,
    list_authorization_modes,
    list_entries_by_section,
    list_matters,
    list_public_annual_lists,
)
from devolve.matters.tables import (
    AnnualListRow,
    AnnualListTable,
    EditionDifferenceTable,
    ListEntryTable,
    MatterTable,
)
from devolve.portal.diff_export import (
    KIND_LABELS,
    KINDS,
    ShownDifference,
    by_kind,
    diff_workbook,
    present_diff,
)
from devolve.regions import selectors
from devolve.regions.filters import PilotAreaFilter
from devolve.regions.models import Zone
from devolve.regions.tables import BatchMembershipTable, PilotAreaTable, PrefectureZoneTable


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


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    on, date_error = _date_from_query(request)
    shape = selectors.get_programme_shape(on=on)
    batches = {
        batch.number: batch for batch in selectors.list_batches(numbers=shape.areas_per_batch)
    }
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
            (batches.get(number), count) for number, count in shape.areas_per_batch.items()
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


@require_safe
def pilot_area_list(request: HttpRequest) -> HttpResponse:
    on, date_error = _date_from_query(request)
    filterset = PilotAreaFilter(request.GET, queryset=selectors.list_pilot_areas(on=on))
    return render_list(
        request,
        table=PilotAreaTable(filterset.qs),
        filterset=filterset,
        template="portal/pilot_area_list.html",
        partial="pilot-areas-table",
        export_name=_("Pilot areas"),
        context={"on": on, "date_error": date_error},
    )


@require_safe
def batch_detail(request: HttpRequest, number: int) -> HttpResponse:
    batch = selectors.get_batch(number=number)
    if batch is None:
        raise Http404(_("No such batch."))
    return render_list(
        request,
        table=BatchMembershipTable(selectors.list_memberships(batch=batch), exclude=("batch",)),
        template="portal/batch_detail.html",
        partial="batch-members",
        export_name=str(batch),
        context={"batch": batch, "prefecture_count": selectors.count_prefectures(batch=batch)},
    )


@require_safe
def prefecture_detail(request: HttpRequest, code: str) -> HttpResponse:
    prefecture = selectors.get_division(code=code)
    if prefecture is None or prefecture.level != prefecture.Level.PREFECTURE:
        raise Http404(_("No prefecture with this code."))
    today = timezone.localdate()
    pilot_slugs = selectors.list_pilot_area_slugs(on=today, prefecture=prefecture)
    zones = selectors.list_zones(prefecture=prefecture)
    return render_list(
        request,
        table=PrefectureZoneTable(zones, pilot_slugs=pilot_slugs),
        template="portal/prefecture_detail.html",
        partial="prefecture-zones",
        export_name=localized(prefecture, "name"),
        context={"prefecture": prefecture, "pilot_slugs": pilot_slugs, "today": today},
    )


@require_safe
def matter_list(request: HttpRequest) -> HttpResponse:
    filterset = MatterFilter(request.GET, queryset=list_matters())
    return render_list(
        request,
        table=MatterTable(filterset.qs),
        filterset=filterset,
        template="portal/matter_list.html",
        partial="matters-table",
        export_name=_("Matters"),
    )


# Annual lists: editions, their entries, the diff between two editions and the take-up matrix.
# Only published editions (and those a later edition superseded) are public.


def _is_public(annual_list: AnnualList) -> bool:
    return annual_list.status in PUBLIC_EDITION_STATUSES


def _public_edition(*, year: int, batch: int, edition: int) -> AnnualList:
    annual_list = get_annual_list(year=year, batch_number=batch, edition=edition)
    if annual_list is None or not _is_public(annual_list):
        raise Http404(_("No published edition with this key."))
    return annual_list


def _public_editions() -> list[AnnualList]:
    return list(list_public_annual_lists())


def _download(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    return download_response(content, filename=filename, content_type=content_type)


def _file_stem(annual_list: AnnualList) -> str:
    return annual_list.key.replace("/", "-")


@require_safe
def annual_list_list(request: HttpRequest) -> HttpResponse:
    editions = _public_editions()
    counts = count_entries_by_edition(annual_lists=editions)
    rows = [AnnualListRow(edition=edition, counts=counts[edition.pk]) for edition in editions]
    return render_list(
        request,
        table=AnnualListTable(rows),
        template="portal/annual_list_list.html",
        partial="annual-lists-table",
        export_name=_("Annual lists"),
    )


@require_safe
def annual_list_detail(request: HttpRequest, year: int, batch: int, edition: int) -> HttpResponse:
    annual_list = _public_edition(year=year, batch=batch, edition=edition)
    filterset = ListEntryFilter(
        request.GET, queryset=list_entries_by_section(annual_list=annual_list)
    )
    counts = count_entries(annual_list=annual_list)
    modes = {mode.code: localized(mode, "name") for mode in list_authorization_modes()}
    context = {
        "annual_list": annual_list,
        "successor": get_public_successor(annual_list=annual_list),
        "predecessor": annual_list.predecessor,
        "counts": counts,
        "by_mode": [(modes.get(code, code), count) for code, count in counts.by_mode.items()],
        "total": counts.entries + counts.withdrawn,
    }
    return render_list(
        request,
        table=ListEntryTable(filterset.qs),
        filterset=filterset,
        template="portal/annual_list_detail.html",
        partial="entries-table",
        export_name=annual_list.key.replace("/", "-"),
        context=context,
    )


def _compared_with(request: HttpRequest, annual_list: AnnualList) -> AnnualList | None:
    """The edition ``?against=<key>`` names, else the predecessor; 404 for an unknown key."""
    key = request.GET.get("against", "").strip()
    if not key:
        predecessor = annual_list.predecessor
        return predecessor if predecessor is not None and _is_public(predecessor) else None
    against = get_annual_list_by_key(key=key)
    if against is None or not _is_public(against):
        raise Http404(_("No published edition with this key."))
    return against


def _shown_diff(old: AnnualList, new: AnnualList) -> tuple[dict[str, int], list[ShownDifference]]:
    diff = get_edition_diff(old=old, new=new)
    return diff.counts, present_diff(diff, value_labels())


@require_safe
def annual_list_diff(request: HttpRequest, year: int, batch: int, edition: int) -> HttpResponse:
    annual_list = _public_edition(year=year, batch=batch, edition=edition)
    against = _compared_with(request, annual_list)
    counts, differences = _shown_diff(against, annual_list) if against else ({}, [])
    table = EditionDifferenceTable(by_kind(differences), prefix="changes-")
    configure_list(request, table)
    context = {
        "annual_list": annual_list,
        "against": against,
        "editions": [item for item in _public_editions() if item.pk != annual_list.pk],
        "counts": [(kind, KIND_LABELS[kind], counts[kind]) for kind in KINDS if counts],
        "table": table,
        # The download compares the same editions; the list's page and sort are not its concern.
        "query": urlencode({"against": request.GET["against"]}) if "against" in request.GET else "",
    }
    return render(request, "portal/annual_list_diff.html", context)


@require_safe
def annual_list_diff_xlsx(
    request: HttpRequest, year: int, batch: int, edition: int
) -> HttpResponse:
    annual_list = _public_edition(year=year, batch=batch, edition=edition)
    against = _compared_with(request, annual_list)
    if against is None:
        raise Http404(_("This edition has no predecessor; choose an edition to compare with."))
    counts, differences = _shown_diff(against, annual_list)
    content = diff_workbook(
        edition=annual_list.key, against=against.key, counts=counts, differences=differences
    )
    filename = f"{_file_stem(annual_list)}-against-{_file_stem(against)}.xlsx"
    return _download(content, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _take_up_filter(
    request: HttpRequest, *, year: int, batch: int, edition: int
) -> tuple[AnnualList, TakeUpFilter, dict[str, str | None]]:
    """The edition, its take-up filters (the API's) and the filters of the grid they validly
    select."""
    annual_list = _public_edition(year=year, batch=batch, edition=edition)
    filterset = TakeUpFilter(request.GET, annual_list=annual_list)
    return annual_list, filterset, filterset.selection()


def _take_up(
    request: HttpRequest, *, year: int, batch: int, edition: int
) -> tuple[AnnualList, TakeUpFilter, TakeUpMatrix]:
    """The edition, its filters and the whole matrix their valid values select (downloads)."""
    annual_list, filterset, filters = _take_up_filter(
        request, year=year, batch=batch, edition=edition
    )
    return annual_list, filterset, get_take_up_matrix(annual_list=annual_list, **filters)


def _without_list_state(request: HttpRequest) -> str:
    """The query string of the filters alone: a download holds every page, in the grid's
    order."""
    query = request.GET.copy()
    for name in (PAGE_PARAMETER, PAGE_SIZE_PARAMETER, SORT_PARAMETER):
        query.pop(name, None)
    return query.urlencode()


@require_safe
def annual_list_take_up(request: HttpRequest, year: int, batch: int, edition: int) -> HttpResponse:
    """The take-up grid through the list mechanism: the selected entries paged and sorted on the
    server, by every area a selected grant reaches, with the counts of the whole selection."""
    if "area" in request.GET and "zone" not in request.GET:
        # The grid's pilot-area filter was called ``area`` before it became the API's ``zone``:
        # an address kept from then still selects its area.
        query = request.GET.copy()
        query.setlist("zone", query.pop("area"))
        return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")
    annual_list, filterset, filters = _take_up_filter(
        request, year=year, batch=batch, edition=edition
    )
    selection = get_take_up_selection(annual_list=annual_list, **filters)
    table = TakeUpTable(selection)
    configure_list(request, table, filterset=filterset)
    context = {
        "annual_list": annual_list,
        "successor": get_public_successor(annual_list=annual_list),
        "filter": filterset,
        "table": table,
        "zones": selection.zones,
        "summary": status_summary(selection.status_counts),
        "query": request.GET.urlencode(),
        "download_query": _without_list_state(request),
    }
    return render_page_or_partial(
        request, "portal/take_up_matrix.html", context, partial="take-up-matrix"
    )


@require_safe
def annual_list_take_up_csv(
    request: HttpRequest, year: int, batch: int, edition: int
) -> HttpResponse:
    annual_list, _form, matrix = _take_up(request, year=year, batch=batch, edition=edition)
    content = csv_bytes(TakeUpMatrixTable(matrix).as_values())
    filename = f"take-up-{_file_stem(annual_list)}.csv"
    return _download(content, filename=filename, content_type=CSV_CONTENT_TYPE)


@require_safe
def annual_list_take_up_xlsx(
    request: HttpRequest, year: int, batch: int, edition: int
) -> HttpResponse:
    annual_list, _form, matrix = _take_up(request, year=year, batch=batch, edition=edition)
    rows = list(TakeUpMatrixTable(matrix).as_values())
    content = xlsx_bytes([Sheet(name=_("Take-up"), header=rows[:1], rows=rows[1:])])
    return _download(
        content, filename=f"take-up-{_file_stem(annual_list)}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
