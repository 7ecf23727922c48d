"""Public pages. Read-only; every figure comes from selectors, nothing is computed in templates."""

import csv
import datetime
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from devolve.core.forms import DesignSystemForm
from devolve.core.htmx import render_page_or_partial
from devolve.core.i18n import in_current_language
from devolve.core.spreadsheets import XLSX_CONTENT_TYPE
from devolve.core.templatetags.devolve import localized
from devolve.grants.models import Grant
from devolve.grants.selectors import TakeUpMatrix, get_take_up_matrix
from devolve.grants.tables import TakeUpMatrixTable, status_summary
from devolve.matters.filters import MatterFilter
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.matters.selectors import (
    count_entries,
    get_annual_list,
    get_annual_list_by_key,
    get_edition_diff,
    list_annual_lists,
    list_authorization_modes,
    list_departments,
    list_entries,
    list_matters,
)
from devolve.matters.tables import AnnualListRow, AnnualListTable, ListEntryTable, MatterTable
from devolve.portal.diff_export import (
    KIND_LABELS,
    KINDS,
    ShownDifference,
    ValueLabels,
    diff_workbook,
    present_diff,
    workbook_bytes,
)
from devolve.regions import selectors
from devolve.regions.filters import PilotAreaFilter
from devolve.regions.models import Zone
from devolve.regions.tables import PilotAreaTable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


# Annual lists: editions, their entries, the diff between two editions and the take-up matrix.
# Only published editions (and those a later edition superseded) are public.
PUBLIC_STATUSES = (AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED)


def _is_public(annual_list: AnnualList) -> bool:
    return annual_list.status in PUBLIC_STATUSES


def _public_edition(*, year: int, batch: int, edition: int) -> AnnualList:
    annual_list = get_annual_list(year=year, batch_number=batch, edition=edition)
    if annual_list is None or not _is_public(annual_list):
        raise Http404(_("No published edition with this key."))
    return annual_list


def _public_editions() -> list[AnnualList]:
    return list(list_annual_lists().filter(status__in=PUBLIC_STATUSES))


def _download(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _file_stem(annual_list: AnnualList) -> str:
    return annual_list.key.replace("/", "-")


class FilterForm(DesignSystemForm):
    """A GET filter form whose valid fields filter and whose invalid ones are shown, not applied."""

    def selection(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def _offer(
    form: forms.Form, name: str, everything: str, options: Iterable[tuple[str, "StrOrPromise"]]
) -> None:
    """Give the choice field ``name`` its options, after one that means "no filter"."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 — every filter field is a ChoiceField
    field.choices = [("", everything), *options]


class EntryFilterForm(FilterForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Granting department"), required=False)
    change = forms.ChoiceField(label=gettext_lazy("Change"), required=False)

    def __init__(
        self,
        data: QueryDict | None,
        *,
        modes: list[tuple[str, str]],
        departments: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        _offer(self, "kind", _("All kinds"), Matter.Kind.choices)
        _offer(self, "mode", _("All modes"), modes)
        _offer(self, "department", _("All departments"), departments)
        _offer(self, "change", _("All changes"), ListEntry.Change.choices)


def _entry_facts(entry: ListEntry) -> dict[str, str]:
    """What the entries filter compares, by the filter's field names."""
    return {
        "kind": entry.matter.kind,
        "mode": entry.mode.code,
        "department": entry.granting_department.code,
        "change": entry.change,
    }


@require_GET
def annual_list_list(request: HttpRequest) -> HttpResponse:
    rows = [
        AnnualListRow(edition=edition, counts=count_entries(annual_list=edition))
        for edition in _public_editions()
    ]
    context = {"table": AnnualListTable(rows), "count": len(rows)}
    return render(request, "portal/annual_list_list.html", context)


@require_GET
def annual_list_detail(request: HttpRequest, year: int, batch: int, edition: int) -> HttpResponse:
    annual_list = _public_edition(year=year, batch=batch, edition=edition)
    entries = list(list_entries(annual_list=annual_list))
    modes = {mode.code: localized(mode, "name") for mode in list_authorization_modes()}
    departments = {entry.granting_department.code: entry.granting_department for entry in entries}
    form = EntryFilterForm(
        request.GET or None,
        modes=list(modes.items()),
        departments=[(code, localized(departments[code], "name")) for code in sorted(departments)],
    )
    wanted = form.selection()
    shown = [entry for entry in entries if wanted.items() <= _entry_facts(entry).items()]
    counts = count_entries(annual_list=annual_list)
    context = {
        "annual_list": annual_list,
        "predecessor": annual_list.predecessor,
        "counts": counts,
        "by_mode": [(modes.get(code, code), count) for code, count in counts.by_mode.items()],
        "filter": form,
        "table": ListEntryTable(shown),
        "shown": len(shown),
        "total": len(entries),
    }
    return render_page_or_partial(
        request, "portal/annual_list_detail.html", context, partial="entries-table"
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
    labels = ValueLabels(
        modes={mode.code: localized(mode, "name") for mode in list_authorization_modes()},
        departments={item.code: localized(item, "name") for item in list_departments()},
        zones={zone.slug: localized(zone, "name") for zone in selectors.list_zones()},
    )
    return diff.counts, present_diff(diff, labels)


@require_GET
def annual_list_diff(request: HttpRequest, year: int, batch: int, edition: int) -> HttpResponse:
    annual_list = _public_edition(year=year, batch=batch, edition=edition)
    against = _compared_with(request, annual_list)
    counts, differences = _shown_diff(against, annual_list) if against else ({}, [])
    context = {
        "annual_list": annual_list,
        "against": against,
        "editions": [item for item in _public_editions() if item.pk != annual_list.pk],
        "counts": [(kind, KIND_LABELS[kind], counts[kind]) for kind in KINDS if counts],
        "sections": [
            (kind, KIND_LABELS[kind], [item for item in differences if item.kind == kind])
            for kind in KINDS
        ],
        "query": request.GET.urlencode(),
    }
    return render(request, "portal/annual_list_diff.html", context)


@require_GET
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


class TakeUpFilterForm(FilterForm):
    department = forms.ChoiceField(label=gettext_lazy("Granting department"), required=False)
    area = forms.ChoiceField(label=gettext_lazy("Pilot area"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)

    def __init__(
        self,
        data: QueryDict | None,
        *,
        departments: list[tuple[str, str]],
        areas: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        _offer(self, "department", _("All departments"), departments)
        _offer(self, "area", _("All pilot areas"), areas)
        _offer(self, "status", _("All statuses"), Grant.Status.choices)
        _offer(self, "kind", _("All kinds"), Matter.Kind.choices)


def _take_up(
    request: HttpRequest, *, year: int, batch: int, edition: int
) -> tuple[AnnualList, TakeUpFilterForm, TakeUpMatrix]:
    """The edition, the filter form and the matrix its valid filters select."""
    annual_list = _public_edition(year=year, batch=batch, edition=edition)
    members = selectors.list_memberships(batch=annual_list.batch)
    areas = {member.zone.slug: localized(member.zone, "name") for member in members}
    form = TakeUpFilterForm(
        request.GET or None,
        departments=[(item.code, localized(item, "name")) for item in list_departments()],
        areas=list(areas.items()),
    )
    wanted = form.selection()
    matrix = get_take_up_matrix(
        annual_list=annual_list,
        department_code=wanted.get("department"),
        zone_slug=wanted.get("area"),
        status=wanted.get("status"),
        kind=wanted.get("kind"),
    )
    return annual_list, form, matrix


@require_GET
def annual_list_take_up(request: HttpRequest, year: int, batch: int, edition: int) -> HttpResponse:
    annual_list, form, matrix = _take_up(request, year=year, batch=batch, edition=edition)
    context = {
        "annual_list": annual_list,
        "filter": form,
        "matrix": matrix,
        "table": TakeUpMatrixTable(matrix),
        "summary": status_summary(matrix),
        "query": request.GET.urlencode(),
    }
    return render_page_or_partial(
        request, "portal/take_up_matrix.html", context, partial="take-up-matrix"
    )


@require_GET
def annual_list_take_up_csv(
    request: HttpRequest, year: int, batch: int, edition: int
) -> HttpResponse:
    annual_list, _form, matrix = _take_up(request, year=year, batch=batch, edition=edition)
    text = io.StringIO()
    text.write("\ufeff")  # a byte-order mark, so spreadsheet programs read the Chinese as UTF-8
    csv.writer(text).writerows(TakeUpMatrixTable(matrix).as_values())
    filename = f"take-up-{_file_stem(annual_list)}.csv"
    return _download(text.getvalue(), filename=filename, content_type="text/csv; charset=utf-8")


@require_GET
def annual_list_take_up_xlsx(
    request: HttpRequest, year: int, batch: int, edition: int
) -> HttpResponse:
    annual_list, _form, matrix = _take_up(request, year=year, batch=batch, edition=edition)
    rows = TakeUpMatrixTable(matrix).as_values()
    content = workbook_bytes([(_("Take-up"), rows)])
    return _download(
        content, filename=f"take-up-{_file_stem(annual_list)}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
