"""What the audit events' action codes, and the sentences the system writes, read as on pages.

Services record events with stable codes ("list_entry.updated"), which the database, the API and
exports keep. Each app names its codes in words (its ``actions.py``) and registers them when it
is ready; pages show ``action_label(code)``, in the reader's language.

A sentence the system writes for later display (a history record's reason, an audit event's
reason, why a grant ended, why an entry changed) is stored the same way: ``system_text(code,
**params)`` gives the stored form, a code with its parameters as JSON, and ``render_text`` turns
it into words in the reader's language when the page, the export or the API shows it. Text that
people typed, and rows written before codes, hold anything else and show as they are.
"""

import datetime
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, Value
from django.db.models.functions import Greatest, StrIndex, Substr
from django.db.models.lookups import In
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from devolve.core.i18n import mark_language

_LABELS: dict[str, str | Promise] = {}

# What a parameter may be: a key, a number, a name, a day (never prose in one language). A day
# is stored as ``{"date": "2025-01-10"}`` and read as the reader's language writes dates
# (ADR 0050).
type Parameter = str | int | datetime.date

# Every stored sentence starts like this (``json.dumps`` with sorted keys), so a reader can tell
# it from typed text without parsing typed text as JSON.
_STORED_PREFIX = '{"code":'
# A label's placeholder for a parameter (``%(name)s``, ``%(count)d``): no word a reader sees.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]")
# Where a stored sentence's code starts (1-based, as SQL counts): after ``{"code":"``.
_CODE_STARTS_AT = len(_STORED_PREFIX) + 2


def label_actions(labels: Mapping[str, str | Promise]) -> None:
    """Register the words for some action and text codes; a code may be named only once."""
    taken = sorted(code for code in labels if code in _LABELS and _LABELS[code] is not labels[code])
    if taken:
        raise ImproperlyConfigured(f"Action codes named twice: {', '.join(taken)}")
    _LABELS.update(labels)


def action_label(code: str) -> str:
    """The words for an action code, or the code itself when no app names it."""
    label = _LABELS.get(code)
    return code if label is None else str(label)


def labelled_actions() -> frozenset[str]:
    return frozenset(_LABELS)


def codes_reading(words: str) -> list[str]:
    """The codes whose sentence contains ``words`` (case aside) in Chinese or in English, or
    whose code does: what a stored sentence matches when a reader looks for words in it. The
    sentence is its label without its placeholders, not the names its parameters fill in."""
    wanted = words.strip().casefold()
    if not wanted:
        return []
    texts = _texts_of_catalogue(len(_LABELS))
    return sorted(code for code, text in texts.items() if wanted in text)


@functools.cache
def _texts_of_catalogue(size: int) -> dict[str, str]:
    """Each code with its label in every language and the code itself, casefolded, one string;
    keyed by the catalogue's ``size``, so worked out again only when apps named more codes."""
    languages = [code for code, _name in settings.LANGUAGES]
    texts: dict[str, list[str]] = {code: [code] for code in _LABELS}
    for language in languages:
        with translation.override(language):
            for code, label in _LABELS.items():
                texts[code].append(_PLACEHOLDER.sub(" ", str(label)))
    return {code: "\n".join(parts).casefold() for code, parts in texts.items()}


def reading(field: str, words: str) -> Q:
    """Rows whose text column ``field`` reads ``words`` as a page shows it: a stored sentence
    whose code's words contain them (``codes_reading``), or typed text that contains them, case
    aside. The stored form's JSON is never searched as text: ``params`` or ``code`` would match
    every sentence."""
    stored = Q(**{f"{field}__startswith": _STORED_PREFIX})
    # As PostgreSQL's index of typed reasons is declared (``core.history``), so that it serves.
    typed = Q(**{f"{field}__isnull": False}) & ~stored
    typed &= Q(**{f"{field}__icontains": words.strip()})
    codes = codes_reading(words)
    if not codes:
        return typed
    return (stored & Q(In(stored_code(field), codes))) | typed


def stored_code(field: str) -> Substr:
    """An SQL expression: the code of the stored sentence in the text column ``field`` (for
    typed text, whatever stands where a code would: ``reading`` checks the stored form's
    start too). History tables are indexed by it (``core.history``), so that the rows of a
    code are found without reading a table."""
    rest = Substr(field, _CODE_STARTS_AT)
    return Substr(
        field,
        _CODE_STARTS_AT,
        Greatest(StrIndex(rest, Value('"')) - 1, Value(0)),
    )


def system_text(code: str, /, **params: Parameter) -> str:
    """The stored form of a sentence the system writes: ``code`` (named by an app's
    ``actions.py``, with ``%(name)s`` placeholders for ``params``) and its parameters."""
    if code not in _LABELS:
        raise ImproperlyConfigured(f"No app names the text code {code!r}.")
    return stored_form(code, params)


def stored_form(code: str, params: Mapping[str, Parameter]) -> str:
    """The JSON a sentence is stored as, without checking its code (data migrations, which
    cannot rely on the apps' catalogues, use it directly)."""
    return json.dumps(
        {"code": code, "params": {name: _stored_value(value) for name, value in params.items()}},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


def _stored_value(value: Any) -> Any:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return {"date": value.isoformat()}
    return value


def _read_value(value: Any) -> Any:
    """A parameter as words: a stored day in the active language's date format."""
    if isinstance(value, dict) and set(value) == {"date"}:
        try:
            return formats.date_format(datetime.date.fromisoformat(value["date"]), "DATE_FORMAT")
        except (TypeError, ValueError):
            return value["date"]
    return value


@dataclass(frozen=True)
class StoredText:
    """A stored sentence read back: its code and parameters, or (``code`` empty) the text as
    typed or as written before codes."""

    code: str
    params: dict[str, Any]
    text: str


def read_text(stored: str) -> StoredText:
    """``stored`` with its words in the active language."""
    if stored.startswith(_STORED_PREFIX):
        try:
            decoded = json.loads(stored)
        except ValueError:
            decoded = None
        if (
            isinstance(decoded, dict)
            and set(decoded) == {"code", "params"}
            and decoded["code"] in _LABELS
            and isinstance(decoded["params"], dict)
        ):
            code, params = decoded["code"], decoded["params"]
            return StoredText(code, params, _words(str(_LABELS[code]), params))
    return StoredText("", {}, stored)


def _words(label: str, params: dict[str, Any]) -> str:
    if not params:
        return label
    try:
        return label % {name: _read_value(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        # A row stored before its sentence gained or lost a parameter: the sentence without them.
        return label


def render_text(stored: str | None) -> str:
    """The words of a stored sentence in the active language; typed text as it is."""
    return read_text(stored or "").text


def marked_text(stored: str | None, *, mark_parameters: bool = False) -> SafeString:
    """``render_text`` for a page: the words of a stored sentence, escaped; typed text marked
    with its ``lang`` when it is not in the page's language (``core.i18n.mark_language``).
    ``mark_parameters`` marks each text parameter that way too: for sentences that quote what a
    file holds (an import's errors), whose cells and headers are in either language."""
    text = read_text(stored or "")
    if not text.code:
        return mark_language(text.text)
    if not text.params or not mark_parameters:
        return conditional_escape(text.text)
    marked = {
        name: mark_language(value) if isinstance(value, str) else value
        for name, value in text.params.items()
    }
    label = str(conditional_escape(str(_LABELS[text.code])))
    return mark_safe(_words(label, marked))  # noqa: S308 - the label and parameters are escaped
