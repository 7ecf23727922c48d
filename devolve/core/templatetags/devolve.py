"""Template helpers available in every template (registered as a builtin)."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django import template
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_tables2 import Table

from devolve.core.actions import marked_text
from devolve.core.i18n import (
    in_current_language,
    join_names,
    mark_language,
)
from devolve.core.lists import render_rows
from devolve.core.tables import SIMULATED, invented_tag

register = template.Library()


def localized(instance: object, field: str) -> str:
    """``name_en`` of ``instance`` in English pages, ``name_zh`` otherwise (for ``field`` "name").

    Falls back to the other language when the preferred one is empty, so a missing translation
    shows the original rather than nothing.
    """
    return in_current_language(
        zh=str(getattr(instance, f"{field}_zh", "") or ""),
        en=str(getattr(instance, f"{field}_en", "") or ""),
    )


@register.filter(name="localized")
def localized_marked(instance: object, field: str) -> str:
    """``{{ zone|localized:"name" }}``: ``localized``, the original marked with its ``lang``
    when it stands in for a missing translation."""
    return mark_language(localized(instance, field))


@register.filter
def invented(is_invented: bool, kind: str = "illustrative") -> str:
    """``{{ edition.is_illustrative|invented }}``: the yellow "illustrative" tag after a value the
    demo invented, or ``|invented:"simulated"`` after one it generated; nothing after a real one
    (``core.tables.invented_tag``)."""
    return invented_tag(bool(is_invented), SIMULATED if kind == "simulated" else None)


@register.filter
def stored_text(value: str | None) -> str:
    """``{{ grant.end_reason|stored_text }}``: a sentence the system stored as a code, in the
    reader's language; typed text as it was typed, marked with its language when that is not the
    page's (devolve.core.actions, ``typed``)."""
    return marked_text(value)


@register.filter
def typed(value: object) -> str:
    """``{{ report.problems|typed }}``: text a user typed (or a name, a document number), marked
    with its ``lang`` when it is not in the page's language (``core.i18n.mark_language``)."""
    return mark_language(value)


@register.filter
def names(values: Iterable[object]) -> str:
    """``{{ areas|names }}``: names joined with the page language's separator, each marked."""
    return join_names(values)


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


@register.simple_tag(takes_context=True)
def path_in_language(context: template.Context, language_code: str) -> str:
    """The current page's address in another language.

    Must run while the page's own language is active: Django's set_language view runs outside
    the language-prefixed URLs, so it cannot translate an /en/ address back itself.

    The switch sends the reader to this address with a GET. A page answered to a POST (a refused
    bulk action, a form shown again with its errors) may sit at an address that answers only
    POST, so such a page switches to the page the form was sent from (the same-origin Referer,
    which the referrer policy ``same-origin`` always sends), or to its own address without one.
    """
    return translate_url(page_to_return_to(context["request"]), language_code)


def page_to_return_to(request: HttpRequest) -> str:
    """The address a GET can go back to: the request's own for GET and HEAD, else the page the
    request came from when that page is on this site."""
    if request.method in {"GET", "HEAD"}:
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


@register.filter
def model_label(instance: object) -> str:
    """``{{ grant|model_label }}``: ``grants.Grant``, the record type the change log filters by."""
    meta = getattr(instance, "_meta", None)
    return str(meta.label) if meta is not None else ""


@register.simple_tag(takes_context=True)
def table_rows(context: template.Context, table: Table) -> str:
    """``{% table_rows table %}``: the rows of a django-tables2 table's page
    (``core.lists.render_rows``)."""
    return render_rows(table, context)
