"""One language per page: find system text written in the other language.

A Chinese page may hold no run of two or more English words, and an English page no Chinese
character, outside elements marked with the HTML ``lang`` attribute of the other language. Names
and text users typed are exempt only where the template marks them (``<span lang="zh-Hans">``):
the mark is what a screen reader needs too, and the one honest way to tell them from system text.

Acronyms and codes (API, CSV, GDP, ``batch-1``, ``2025-01-10``), units and single Latin words are
not sentences and pass on a Chinese page.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import html as lxml_html

# Text a reader never sees as prose: skipped with everything inside.
HIDDEN = {"script", "style", "template", "noscript", "svg", "math", "code", "pre", "kbd", "samp"}
# Latin words that stand on a Chinese page as they are: units and the names of file formats.
ALLOWED_WORDS = {
    "km",
    "kg",
    "ha",
    "mu",
    "yuan",
    "xlsx",
    "csv",
    "json",
    "pdf",
    "docx",
    "html",
    "api",
    "id",
    "no",
    "e",
}
# A token is a word if it is letters only (an apostrophe inside allowed): codes, slugs, dates,
# e-mail addresses and paths hold digits or punctuation and are not words.
TOKEN = re.compile(r"[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff,;:!?()\[\]\"“”‘’。，、；：（）]+")
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")


@dataclass(frozen=True)
class Stray:
    """Text in the wrong language, and the element it stands in."""

    text: str
    element: str

    def __str__(self) -> str:
        return f"{self.text!r} in <{self.element}>"


def language_of(code: str) -> str:
    """``zh`` or ``en`` for a ``lang`` attribute value (``zh-Hans``, ``zh-hans``, ``en-GB`` …)."""
    return code.strip().lower().split("-")[0]


def _is_word(token: str) -> bool:
    if not WORD.fullmatch(token):
        return False
    if len(token) > 1 and token.isupper():
        return False  # an acronym: GDP, CSV, OK
    return token.lower() not in ALLOWED_WORDS


def english_runs(text: str) -> Iterator[str]:
    """Runs of two or more English words separated by spaces only."""
    run: list[str] = []
    previous_end = 0
    for match in TOKEN.finditer(text):
        token = match.group().strip(".'’")
        gap = text[previous_end : match.start()]
        joined = run and gap.strip() == "" and _is_word(token)
        if joined:
            run.append(token)
        else:
            if len(run) >= 2:
                yield " ".join(run)
            run = [token] if _is_word(token) else []
        previous_end = match.end()
        if match.group().endswith((".", "!", "?")) and len(run) >= 2:
            yield " ".join(run)
            run = []
    if len(run) >= 2:
        yield " ".join(run)


def chinese_runs(text: str) -> Iterator[str]:
    """Runs of Chinese characters and full-width punctuation."""
    for match in CJK.finditer(text):
        if match.group().strip("\u3000"):
            yield match.group()


def _texts(element: lxml_html.HtmlElement, language: str) -> Iterator[tuple[str, str]]:
    """(text, tag) for every piece of visible text in ``element`` written in ``language`` by
    the page, skipping elements marked as another language."""
    tag = element.tag if isinstance(element.tag, str) else ""
    marked = element.get("lang")
    if tag in HIDDEN or element.get("hidden") is not None:
        return
    if marked is not None and language_of(marked) != language:
        return
    if tag == "input" and element.get("type") in {"submit", "button"} and element.get("value"):
        yield element.get("value", ""), tag
    for attribute in ("placeholder", "aria-label", "title", "alt"):
        if element.get(attribute):
            yield element.get(attribute, ""), f"{tag} {attribute}"
    if element.text and tag:
        yield element.text, tag
    for child in element:
        yield from _texts(child, language)
        if child.tail:
            yield child.tail, tag


def stray_text(page: str | bytes, *, language: str | None = None) -> list[Stray]:
    """Every piece of system text in ``page`` (HTML) not in the page's language (its ``<html
    lang>``, or ``language``)."""
    document = lxml_html.document_fromstring(page)
    language = language_of(language or document.get("lang") or "zh")
    body = document.find("body")
    found: list[Stray] = []
    for text, tag in _texts(body if body is not None else document, language):
        runs = chinese_runs(text) if language == "en" else english_runs(text)
        found.extend(Stray(run, tag) for run in runs)
    return found
