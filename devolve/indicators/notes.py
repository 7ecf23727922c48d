"""The estimators' diagnostic notes, as a page shows them: in the reader's language.

A run stores each note with its English ``message``, its ``sentence`` code and ``params``
(``indicators.analytics.panel.note_to_json``); the words are named in this app's ``actions.py``
and read with ``core.actions``, like every sentence the system stores (ADR 0041).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from devolve.core.actions import labelled_actions, render_text, stored_form
from devolve.indicators.actions import NOTE

# Notes whose words leave out the reason, which only the English message holds (an input error
# of the panel, worded by the analytics).
WITH_DETAIL = frozenset({"estimation_failed", "bjs_failed"})


def read_note(note: Mapping[str, Any]) -> dict[str, Any]:
    """``note`` with ``text``, its words in the active language, and ``detail``: the English
    message where the words leave something out. A note stored before notes carried their
    parameters has no words: its English message is all of it (``text`` empty)."""
    sentence = note.get("sentence")
    params = note.get("params")
    message = str(note.get("message", ""))
    code = f"{NOTE}{sentence}"
    if not isinstance(params, dict) or code not in labelled_actions():
        return {**note, "text": "", "detail": message}
    return {
        **note,
        "text": render_text(stored_form(code, params)),
        "detail": message if sentence in WITH_DETAIL else "",
    }


def read_notes(notes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [read_note(note) for note in notes]
