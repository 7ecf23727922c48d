"""Errors that services raise. Each carries a stable code that pages and the API report."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise

from devolve.core.actions import Parameter, render_text, system_text


class DomainError(Exception):
    """A request the domain refuses. ``code`` is stable; ``message`` is for people.

    ``field`` names the input at fault when there is one, so a form can show the message beside it.
    ``text``, when the refusal was made by ``refusal``, is the message's stored form (a code and
    its parameters, ``core.actions.system_text``), for a service that keeps the refusal to show
    later in its reader's language; empty otherwise.
    """

    status_code = 400

    def __init__(
        self, code: str, message: str | Promise, *, field: str | None = None, text: str = ""
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.text = text

    def __str__(self) -> str:
        return str(self.message)

    def details(self) -> dict[str, Any]:
        """What the API reports beside the code and message; most errors have nothing more."""
        return {}


def refusal(
    text_code: str, error_code: str, /, *, field: str | None = None, **params: Parameter
) -> DomainError:
    """A ``DomainError`` coded ``error_code`` whose message is the stored sentence ``text_code``
    (named in an app's ``actions.py``) with ``params``: in the active language now, and kept
    as ``error.text`` for whoever stores the refusal (a failed document, ADR 0041)."""
    text = system_text(text_code, **params)
    return DomainError(error_code, render_text(text), field=field, text=text)


class NotAllowed(DomainError, PermissionDenied):
    """The actor's role or scope does not allow the change; pages answer 403."""

    status_code = 403

    def __init__(self, message: str | Promise) -> None:
        super().__init__("not_allowed", message)


class ValueNotAllowed(DomainError):
    """The actor may make this change, but not with the value given for ``field``: it lies
    outside the actor's scope (a department handing its matter to another department).

    It refuses what was asked, not who asked: a staff page shows it beside the field, where the
    actor may choose again, and writes nothing, where a ``NotAllowed`` answers 403 (ADR 0053).
    The API answers it as it answers ``NotAllowed`` (403, ``not_allowed``), naming the field."""

    status_code = 403

    def __init__(self, message: str | Promise, *, field: str) -> None:
        super().__init__("not_allowed", message, field=field)


# Codes Django's field and model validation use for malformed input; callers see "invalid".
_DJANGO_INPUT_CODES = frozenset(
    {"invalid", "invalid_choice", "blank", "null", "required", "max_length", "min_length",
     "max_value", "min_value", "max_digits", "max_decimal_places", "max_whole_digits",
     "invalid_date", "constraint_violated"}
)  # fmt: skip
_DUPLICATE_CODES = frozenset({"unique", "unique_together", "unique_for_date"})


def domain_error_from_validation(error: ValidationError) -> DomainError:
    """The first problem of a ``full_clean()`` failure as a ``DomainError`` with a stable code.

    Uniqueness becomes ``duplicate``; Django's input codes become ``invalid``; a code a model
    set on purpose in ``clean()`` or on a constraint (``invalid_division_code``) is kept.
    """
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
    else:
        field, errors = "__all__", error.error_list
    first = errors[0]
    message = first.messages[0] if hasattr(first, "messages") else str(first)
    code = first.code or "invalid"
    if code in _DUPLICATE_CODES:
        code = "duplicate"
    elif code in _DJANGO_INPUT_CODES:
        code = "invalid"
    return DomainError(code, message, field=None if field == "__all__" else field)
