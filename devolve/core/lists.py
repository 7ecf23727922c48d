"""The one list mechanism: a FilterSet, a django-tables2 table, server-side sorting and paging, the
filters in the URL, and the filtered rows as CSV or .xlsx.

Every staff and public list renders through ``render_list``. The FilterSet is the one the API
uses for the same rows, so a page and the API filter identically. Nothing is cut silently: the
page says how many rows the filters select, pages through them, and downloads all of them.

Bad input never changes what is shown without saying so: an unknown sort key, a page number that
is not a number or lies past the end, a page size not offered, a filter value of the wrong type
or an unknown export format each give a message, and the list falls back to what it would show
without that parameter (the other filters still apply).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import django_filters
import django_tables2 as tables
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template import Context
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from devolve.core.htmx import render_page_or_partial
from devolve.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    CellValue,
    Sheet,
    csv_bytes,
    download_response,
    xlsx_bytes,
)

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
SORT_PARAMETER = "sort"
PAGE_PARAMETER = "page"
PAGE_SIZE_PARAMETER = "per_page"
EXPORT_PARAMETER = "export"
EXPORT_FORMATS = ("csv", "xlsx")
# An edit link from a list row carries the list's query string here, so saving the edit returns
# the reader to the same page, sort and filters, at the edited row.
BACK_PARAMETER = "back"


@dataclass
class ListState:
    """What a list shows: its table (sorted and paged), its filters and the messages about input
    it could not use. Templates read it as ``table.list_state``."""

    table: tables.Table
    filterset: django_filters.FilterSet | None
    problems: list[str] = field(default_factory=list)
    page_sizes: Sequence[int] = PAGE_SIZES
    export_formats: Sequence[str] = EXPORT_FORMATS
    export_name: str = ""

    @property
    def count(self) -> int:
        return int(self.table.paginator.count)

    @property
    def count_is_estimate(self) -> bool:
        """The count is the database's estimate, not exact (a long change log: ADR 0035)."""
        return bool(getattr(self.table.data.data, "is_estimate", False))

    @property
    def export_field(self) -> str:
        """The parameter that asks for this list's download (``changes-export`` for a table
        with the prefix ``changes-``), so each list of a page downloads by itself."""
        return f"{self.table.prefix}{EXPORT_PARAMETER}"


def _sort(request: HttpRequest, table: tables.Table, problems: list[str]) -> None:
    asked = request.GET.get(table.prefixed_order_by_field, "").strip()
    if not asked:
        return
    table.order_by = asked
    wanted = [key.strip() for key in asked.split(",") if key.strip()]
    if len(table.order_by) != len(wanted):
        unknown = [key for key in wanted if key not in {str(alias) for alias in table.order_by}]
        problems.append(
            _("The list cannot be sorted by “%(keys)s”; that sort key was ignored.")
            % {"keys": ", ".join(unknown)}
        )


def _page_size(request: HttpRequest, table: tables.Table, problems: list[str]) -> int:
    raw = request.GET.get(table.prefixed_per_page_field, "").strip()
    if not raw:
        return DEFAULT_PAGE_SIZE
    if raw.isdigit() and int(raw) in PAGE_SIZES:
        return int(raw)
    problems.append(
        _("“%(value)s” is not one of the page sizes offered (%(sizes)s); showing %(default)s rows.")
        % {
            "value": raw,
            "sizes": ", ".join(str(size) for size in PAGE_SIZES),
            "default": DEFAULT_PAGE_SIZE,
        }
    )
    return DEFAULT_PAGE_SIZE


def _paginate(request: HttpRequest, table: tables.Table, problems: list[str]) -> None:
    per_page = _page_size(request, table, problems)
    raw = request.GET.get(table.prefixed_page_field, "").strip()
    page = 1
    if raw:
        if raw.isdigit() and int(raw) >= 1:
            page = int(raw)
        else:
            problems.append(
                _("“%(value)s” is not a page number; showing the first page.") % {"value": raw}
            )
    paginator = Paginator(table.rows, per_page)
    # Set the paginator on the table directly (what ``Table.paginate`` does) before anything
    # counts the rows: django-tables2 counts a paginated table with one COUNT, an unpaginated
    # one by reading every row (with its prefetches), and then only once.
    table.paginator = paginator
    if page > paginator.num_pages:
        problems.append(
            _("There is no page %(page)s; showing the last page, %(last)s.")
            % {"page": page, "last": paginator.num_pages}
        )
        page = paginator.num_pages
    table.page = paginator.page(page)


def _filter_problems(filterset: django_filters.FilterSet | None) -> list[str]:
    if filterset is None or not filterset.is_bound or filterset.is_valid():
        return []
    return [
        _("%(filter)s: %(error)s This filter was not applied.")
        % {"filter": filterset.form.fields[name].label if name in filterset.form.fields else name,
           "error": " ".join(str(message) for message in messages)}
        for name, messages in filterset.errors.items()
    ]  # fmt: skip


def configure_list(
    request: HttpRequest,
    table: tables.Table,
    *,
    filterset: django_filters.FilterSet | None = None,
    export_name: str = "",
) -> ListState:
    """Sort and page ``table`` from the request, and attach the list's state to it.

    With ``export_name`` the list offers its rows as downloads, which the view answers with
    ``requested_download``; without it the list offers none."""
    problems = _filter_problems(filterset)
    _sort(request, table, problems)
    _paginate(request, table, problems)
    state = ListState(
        table=table,
        filterset=filterset,
        problems=problems,
        export_formats=EXPORT_FORMATS if export_name else (),
        export_name=export_name,
    )
    table.list_state = state
    return state


def requested_download(request: HttpRequest, *states: ListState) -> HttpResponse | None:
    """The download one of a page's lists is asked for (``?<prefix>export=csv``), or None.

    A format that is not offered is named among the list's problems, and the page is shown."""
    for state in states:
        asked = request.GET.get(state.export_field, "").strip()
        if not asked or not state.export_formats:
            continue
        if asked in state.export_formats:
            return export_response(state.table, export_format=asked, name=state.export_name)
        state.problems.append(
            _("“%(value)s” is not a download format (use %(formats)s).")
            % {"value": asked, "formats": ", ".join(EXPORT_FORMATS)}
        )
    return None


def _export_values(table: tables.Table) -> Iterator[list[CellValue]]:
    """The table's header and every row (not only the page), as text without markup."""
    for row in table.as_values():
        yield [strip_tags(value).strip() if isinstance(value, str) else value for value in row]


def export_response(table: tables.Table, *, export_format: str, name: str) -> HttpResponse:
    """All rows of the (filtered, sorted) table as a CSV or .xlsx download through the kit."""
    values = _export_values(table)
    stem = slugify(name) or "list"
    if export_format == "csv":
        return download_response(
            csv_bytes(values), filename=f"{stem}.csv", content_type=CSV_CONTENT_TYPE
        )
    header = next(values)
    content = xlsx_bytes([Sheet(name=name, header=[header], rows=values, freeze_header=True)])
    return download_response(content, filename=f"{stem}.xlsx", content_type=XLSX_CONTENT_TYPE)


def return_address(path: str, *, back: str, anchor: str) -> str:
    """The list at ``path`` as the reader left it: its page, sort, page size and filters from
    ``back`` (the query string the edit link carried; never a download), at the row ``anchor``.

    Only a query string is taken from the request; the path is the caller's, so the address
    cannot lead off the site.
    """
    query = QueryDict(back, mutable=True)
    query.pop(EXPORT_PARAMETER, None)
    query.pop(BACK_PARAMETER, None)
    encoded = query.urlencode()
    return f"{path}{'?' if encoded else ''}{encoded}#{anchor}"


def section_of_row(table: tables.Table, record: object) -> str:
    """The heading of the section ``record`` falls under, when ``table`` groups its rows into
    sections (it defines ``section_of(record)``) and is shown in its own order; "" otherwise.
    Sorted by a column, rows of different sections mix, so no heading is shown."""
    section_of = getattr(table, "section_of", None)
    if section_of is None or table.order_by:
        return ""
    return str(section_of(record))


def _fixed_cell_attributes(column: tables.columns.BoundColumn) -> str | None:
    """The ``<td>`` attributes of every cell of ``column``, or None when they are computed per
    cell (a callable among them, given the record or the value)."""
    declared = {**column._table.attrs, **column.column.attrs}
    source = declared.get("td", declared.get("cell", {}))
    if callable(source) or any(callable(value) for value in source.values()):
        return None
    return str(column.attrs["td"].as_html())


def _cell_text(column: tables.columns.BoundColumn, cell: Any, context: Context) -> str:
    """``{{ cell }}``, ``{{ cell|localize }}`` or ``{{ cell|unlocalize }}`` as the column
    asks."""
    localized = column.localize
    if localized is not None:
        cell = localize(cell) if localized else unlocalize(cell)
    return render_value_in_context(cell, context)


def render_rows(table: tables.Table, context: Context) -> SafeString:
    """The ``<tr>`` of the page's rows (or the empty text), as the design system's table
    template wrote them with a template loop: a section's heading row where a section starts
    (``section_of_row``), each row's attributes, each cell in its column's ``<td>``, then any cells
    the table adds after its columns (``cells_after_columns``).

    Written in Python: the loop resolved half a dozen template variables per cell, three
    quarters of a page of six 50-row tables (the office overview, about 1,150 cells). A
    column's cell attributes are worked out once per page unless they depend on the row."""
    columns = list(table.columns)
    fixed = {column.name: _fixed_cell_attributes(column) for column in columns}
    # A table may add cells of its own after its columns' (the take-up grid's areas), already
    # escaped: ``cells_after_columns(record)``.
    cells_after = getattr(table, "cells_after_columns", None)
    parts: list[str] = []
    shown_section = None
    for row in table.paginated_rows:
        section = section_of_row(table, row.record)
        if section and section != shown_section:
            shown_section = section
            parts.append(
                '<tr class="govuk-table__row app-table-section" data-section>'
                f'<th scope="colgroup" class="govuk-table__header" colspan="{len(columns)}">'
                f"{conditional_escape(section)}</th></tr>"
            )
        parts.append(f"<tr {row.attrs.as_html()}>")
        for column, cell in row.items():
            attributes = fixed[column.name]
            if attributes is None:
                attributes = column.attrs["td"].as_html()
            parts.append(f"<td {attributes}>{_cell_text(column, cell, context)}</td>")
        if cells_after is not None:
            parts.append(conditional_escape(cells_after(row.record)))
        parts.append("</tr>")
    if not parts and table.empty_text:
        parts.append(
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(columns)}">'
            f"{conditional_escape(table.empty_text)}</td></tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 — each value above is escaped as the template did


def render_list(
    request: HttpRequest,
    *,
    table: tables.Table,
    template: str,
    partial: str,
    filterset: django_filters.FilterSet | None = None,
    export_name: str = "",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render a list page (or, for HTMX, its ``partial``), or download its rows.

    ``?export=csv`` or ``?export=xlsx`` downloads every row the filters select, in the order the
    page shows them; ``export_name`` names the file (and the sheet). The template gets ``table``
    and ``filter``; ``{% render_table table %}`` shows the count, the sort links, the pager, the
    page-size choice, the export links and any message about input the list could not use.
    """
    export_format = request.GET.get(f"{table.prefix}{EXPORT_PARAMETER}", "").strip()
    if export_name and export_format in EXPORT_FORMATS:
        _sort(request, table, [])
        return export_response(table, export_format=export_format, name=export_name)
    state = configure_list(request, table, filterset=filterset, export_name=export_name)
    if export_format and export_name:
        state.problems.append(
            _("“%(value)s” is not a download format (use %(formats)s).")
            % {"value": export_format, "formats": ", ".join(EXPORT_FORMATS)}
        )
    page_context = {
        "table": table,
        "filter": filterset,
        "list": state,
        "count": state.count,
        **(context or {}),
    }
    return render_page_or_partial(request, template, page_context, partial=partial)
