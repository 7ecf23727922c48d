"""Table attributes that give django-tables2 tables the design system's look, the box per row of a
bulk action's list (``choose_column``, ``tick_chosen``), and the kernel's own table: the change
log."""

import datetime
import weakref
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
import django_tables2.utils
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData

from devolve.core.actions import marked_text, render_text
from devolve.core.changelog import Change, ChangeLog
from devolve.core.dates import iso_date, written_date
from devolve.core.i18n import mark_language
from devolve.core.models import AuditEvent

GOVUK_TABLE_ATTRS = {
    "class": "govuk-table",
    "thead": {"class": "govuk-table__head"},
    "tbody": {"class": "govuk-table__body"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
}


# The one vocabulary for what the demo made up: "illustrative" for a value it invented, "simulated"
# for a figure a model generated (示意 / 模拟). No page uses another word for either.
ILLUSTRATIVE = _("illustrative")
SIMULATED = _("simulated")


def invented_tag(invented: bool, label: str | Promise | None = None) -> str:
    """The yellow tag after a value the demo invented ("illustrative", the default) or generated
    (``SIMULATED``); nothing after a real one."""
    if not invented:
        return ""
    return format_html(
        ' <strong class="govuk-tag govuk-tag--yellow">{}</strong>', label or ILLUSTRATIVE
    )


_Signature = tuple[tuple[str, ...], str | None]
_SIGNATURES: dict[bool, weakref.WeakKeyDictionary[Callable[..., Any], _Signature]] = {
    True: weakref.WeakKeyDictionary(),
    False: weakref.WeakKeyDictionary(),
}
_INSPECT_SIGNATURE = django_tables2.utils.signature


def _remembered_signature(function: Callable[..., Any]) -> _Signature:
    """django-tables2's ``signature`` (argument names, ``**kwargs`` name), worked out once per
    function: it inspects the renderer of every cell and row attribute on every call, a tenth
    of a list page's time. A bound method is remembered by its function (its signature leaves
    out ``self`` whatever the instance), apart from the unbound function."""
    underlying = getattr(function, "__func__", function)
    remembered = _SIGNATURES[underlying is not function]
    try:
        return remembered[underlying]
    except KeyError:
        result: _Signature = _INSPECT_SIGNATURE(function)
        remembered[underlying] = result
        return result
    except TypeError:  # not weakly referenceable: inspect it each time, as django-tables2 does
        return _INSPECT_SIGNATURE(function)  # type: ignore[no-any-return]


def remember_cell_signatures() -> None:
    """Make django-tables2 inspect each cell renderer's signature once (ADR 0045); called from
    ``CoreConfig.ready``."""
    django_tables2.utils.signature = _remembered_signature


class ChangeLogData(TableListData):
    """The change log as table data, read a page at a time: django-tables2 turns any data that is
    not a queryset into a list, which would read and describe the whole log on every request."""

    def __init__(self, data: ChangeLog) -> None:
        super().__init__(data)

    def order_by(self, aliases: Any) -> None:
        """The log has one order, newest first: a sort key asked for (``?sort=``) is ignored, and
        ``core.lists`` names it as unknown (it would call ``list.sort`` on the log)."""


class ChangeTable(tables.Table):
    """The change log (``core.changelog.ChangeLog``), newest first."""

    def __init__(self, data: ChangeLog, *args: Any, **kwargs: Any) -> None:
        super().__init__(ChangeLogData(data), *args, **kwargs)

    # A plain column formatted here: django-tables2's date columns compile their template for
    # every cell.
    changed_at = tables.Column(verbose_name=_("When"))
    actor = tables.Column(verbose_name=_("Who"))
    action = tables.Column(verbose_name=_("Action"), accessor="action_label")
    record = tables.Column(verbose_name=_("Record"), empty_values=())
    fields = tables.Column(verbose_name=_("Changes"), empty_values=())
    reason = tables.Column(verbose_name=_("Reason"), empty_values=())

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {
            "class": "govuk-table__row",
            "data-source": lambda record: record.source,
            "data-action": lambda record: record.action,
        }
        orderable = False
        empty_text = _("No changes match.")

    def render_changed_at(self, value: datetime.datetime) -> str:
        """The minute of the change in the site's time zone, as the reader's language writes it."""
        return written_date(value)

    def value_changed_at(self, value: datetime.datetime) -> str:
        return iso_date(value)

    def render_record(self, record: Change) -> str:
        query = urlencode({"object_type": record.object_type, "object_id": record.object_id})
        return format_html(
            '{}: <a class="govuk-link" href="?{}">{}</a>{}',
            record.object_type_label,
            query,
            mark_language(record.object_label),
            invented_tag(record.is_invented),
        )

    def value_record(self, record: Change) -> str:
        return (
            f"{record.object_type_label}: {record.object_label} "
            f"({record.object_type} {record.object_id})"
        )

    def render_fields(self, record: Change) -> str:
        if not record.fields:
            return "—"
        return format_html(
            '<ul class="govuk-list govuk-body-s">{}</ul>',
            format_html_join(
                "",
                "<li><strong>{}</strong>: {} → {}</li>",
                (
                    (item.field, mark_language(item.old), mark_language(item.new))
                    for item in record.fields
                ),
            ),
        )

    def value_fields(self, record: Change) -> str:
        return "; ".join(f"{item.field}: {item.old} → {item.new}" for item in record.fields)

    def render_reason(self, record: Change) -> str:
        return mark_language(record.reason) or "—"


def choose_column(name: str) -> tables.CheckBoxColumn:
    """A box per row for a bulk action: ticked, the form posts the row's id as ``name``. The
    column is called ``choose`` in the table; it is left out of downloads."""
    return tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"class": "govuk-visually-hidden", "disabled": True},
            "input": {"name": name, "class": "app-choose"},
        },
        exclude_from_export=True,
    )


def tick_chosen(table: tables.Table, chosen: Iterable[str]) -> None:
    """Tick again the rows of ``table``'s ``choose`` column whose ids are ``chosen`` (a refused
    bulk action shows the list as the person left it)."""
    ticked = set(chosen)
    table.columns["choose"].column.checked = lambda value, record: str(value) in ticked


class DateColumn(tables.Column):
    """A day, or a moment (its minute in the site's time zone), as the reader's language writes
    it ("10 Jan 2025", "2025年1月10日"; ADR 0050); ISO 8601 in a CSV or .xlsx download, which
    machines read. A plain column: django-tables2's own date columns compile a template for
    every cell."""

    def render(self, value: datetime.date) -> str:
        return written_date(value)

    def value(self, value: datetime.date | None = None, **kwargs: Any) -> str:
        return iso_date(value)


class AuditEventTable(tables.Table):
    """The actions recorded against one record and those that belong to it (a grant and its
    agreements), oldest first: when, who, what and the reason given."""

    occurred_at = DateColumn(verbose_name=_("When"))
    actor = tables.Column(verbose_name=_("Who"), empty_values=(), orderable=False)
    action = tables.Column(verbose_name=_("Action"), accessor="action_label")
    reason = tables.Column(verbose_name=_("Reason"), empty_values=(), orderable=False)

    class Meta:
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row", "data-action": lambda record: record.action}
        empty_text = _("Nothing recorded against this grant since it was created.")

    def render_actor(self, record: AuditEvent) -> str:
        return record.actor.get_username() if record.actor else str(_("system"))

    def render_reason(self, record: AuditEvent) -> str:
        return marked_text(record.reason) or "—"


NUMERIC = {
    "th": {"class": "govuk-table__header govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
}


def numeric(**cell: object) -> dict[str, dict[str, object]]:
    """A numeric column's attributes with more on its cells: ``data_total=`` becomes
    ``data-total`` (a value, or a callable of the record as django-tables2 takes)."""
    extra = {name.replace("_", "-"): value for name, value in cell.items()}
    return {"th": dict(NUMERIC["th"]), "td": {**NUMERIC["td"], **extra}}


def link(url: str, text: str) -> str:
    """A design-system link to ``url`` with ``text`` (escaped unless already safe)."""
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)


class RowErrorTable(tables.Table):
    """An import's errors, by row (``core.spreadsheets.importing.RowError`` as its importer
    stored them); ``exclude=("value",)`` for an importer that keeps no cell value."""

    row = tables.Column(verbose_name=_("Row"), default="—", attrs=NUMERIC)
    column = tables.Column(verbose_name=_("Column"), default="—")
    value = tables.Column(
        verbose_name=_("Cell value"),
        default="—",
        orderable=False,
        attrs={"td": {"class": "govuk-table__cell", "data-value": ""}},
    )
    message = tables.Column(verbose_name=_("Problem"), orderable=False)

    class Meta:
        attrs = {**GOVUK_TABLE_ATTRS, "id": "import-errors"}
        row_attrs = {"class": "govuk-table__row", "data-error": lambda record: record["code"]}
        empty_text = _("No error.")

    def render_column(self, record: dict[str, Any]) -> str:
        letter = record.get("letter")
        return f"{record['column']} ({letter})" if letter else str(record["column"])

    def render_value(self, value: str) -> str:
        return format_html('<code class="app-cell-value">{}</code>', value)

    def render_message(self, value: str) -> str:
        """The error in the reader's language (ADR 0041); one stored as words before codes
        shows as it was written, marked with its language."""
        return marked_text(value, mark_parameters=True)

    def value_message(self, value: str) -> str:
        return render_text(value)
