"""Choosing between a record's Chinese and English text for the active language, and marking
text that stands in the other language.

A page speaks one language (issue 14). Text the system did not write — what users typed, a name
with no translation, an official document number — may be in the other one, and then carries its
``lang`` so readers, screen readers and the language crawl know it for what it is
(``mark_language``; ADR 0046).
"""

import re
from collections.abc import Iterable

from django.utils.functional import Promise, lazy
from django.utils.html import conditional_escape, format_html, format_html_join, strip_tags
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language, pgettext

# Han characters and the CJK punctuation that only Chinese text uses.
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# The ``lang`` value each language's text is marked with.
LANG_ATTRIBUTES = {"zh": "zh-Hans", "en": "en"}


def is_english_page() -> bool:
    return (get_language() or "zh-hans").lower().startswith("en")


def in_current_language(*, zh: str, en: str) -> str:
    """The English text on English pages, the Chinese otherwise; the other one if it is empty."""
    if is_english_page():
        return en or zh
    return zh or en


def language_of_text(text: str) -> str | None:
    """``zh`` for text holding any Chinese, ``en`` for text holding Latin words and no Chinese,
    ``None`` for text with neither (numbers, dates, codes of one letter); tags do not count."""
    words = strip_tags(text)
    if CHINESE.search(words):
        return "zh"
    if LATIN_WORD.search(words):
        return "en"
    return None


def mark_language(text: object) -> SafeString:
    """``text``, escaped, inside ``<span lang="…">`` when it is written in the language the page
    is not: the one way pages show text the system did not write (what users typed, names,
    document numbers). Text already safe (HTML built by the system) is kept as it is."""
    escaped = conditional_escape(text if isinstance(text, SafeData) else str(text or ""))
    language = language_of_text(str(text or ""))
    page = "en" if is_english_page() else "zh"
    if language is None or language == page:
        return escaped
    return format_html('<span lang="{}">{}</span>', LANG_ATTRIBUTES[language], escaped)


def lang_attribute(text: object) -> str:
    """The ``lang`` a form field holding ``text`` needs, or ``""`` when its text is in the
    page's language: for values inside ``<textarea>`` and ``<input>``, which cannot hold a span."""
    language = language_of_text(str(text or ""))
    page = "en" if is_english_page() else "zh"
    if language is None or language == page:
        return ""
    return LANG_ATTRIBUTES[language]


def join_names(names: Iterable[object]) -> SafeString:
    """Names joined with the page language's separator (``、`` in Chinese, ``, `` in English),
    each marked when it is in the other language."""
    # Translators: "、" in Chinese.
    separator = pgettext("between the names of a list", ", ")
    return format_html_join(separator, "{}", ((mark_language(name),) for name in names))


def _marked_hint(words: "str | Promise", /, **parts: object) -> SafeString:
    return format_html(
        str(words),
        **{name: part() if callable(part) else mark_language(part) for name, part in parts.items()},
    )


# ``marked_hint(_("e.g. {number}"), number="川改办〔2024〕3号")``: a translated label or hint
# (``{name}`` placeholders) with official Chinese terms and examples put in, each marked with its
# ``lang`` on an English page; a callable part gives its own HTML. Lazy, like ``gettext_lazy``.
marked_hint = lazy(_marked_hint, SafeString)


def headings_with_glosses(headings: Iterable[tuple[str, str]]) -> SafeString:
    """The Chinese headings of an official workbook, as a hint shows them: joined with ``、`` on
    a Chinese page; each marked and glossed in English on an English page (``序号 (No.)``)."""
    if not is_english_page():
        return format_html_join("、", "{}", ((chinese,) for chinese, _english in headings))
    return format_html_join(
        ", ", "{} ({})", ((mark_language(chinese), english) for chinese, english in headings)
    )


def marked_message(words: str, /, **params: object) -> SafeString:
    """A translated message with ``%(name)s`` placeholders, its parameters (numbers, names that
    users typed) put in and marked: ``marked_message(_("Agreement %(number)s signed"),
    number=agreement.number)``."""
    marked = {name: mark_language(value) for name, value in params.items()}
    return mark_safe(conditional_escape(words) % marked)  # noqa: S308 — both parts are escaped
