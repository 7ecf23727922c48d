"""What the audit events' action codes read as on pages.

Services record events with stable codes ("list_entry.updated"), which the database, the API and
exports keep. Each app names its codes in words (its ``actions.py``) and registers them when it
is ready; pages show ``action_label(code)``, in the reader's language.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

_LABELS: dict[str, str | Promise] = {}


def label_actions(labels: Mapping[str, str | Promise]) -> None:
    """Register the words for some action codes; a code may be named only once."""
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
