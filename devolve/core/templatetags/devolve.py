"""Template helpers available in every template (registered as a builtin)."""

from django import template
from django.urls import translate_url

from devolve.core.i18n import in_current_language

register = template.Library()


@register.filter
def localized(instance: object, field: str) -> str:
    """``{{ zone|localized:"name" }}``: ``name_en`` in English pages, ``name_zh`` otherwise.

    Falls back to the other language when the preferred one is empty, so a missing translation
    shows the original rather than nothing.
    """
    return in_current_language(
        zh=str(getattr(instance, f"{field}_zh", "") or ""),
        en=str(getattr(instance, f"{field}_en", "") or ""),
    )


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
    """
    return translate_url(context["request"].get_full_path(), language_code)
