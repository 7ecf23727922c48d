"""Errors that services raise. Each carries a stable code that pages and the API report."""

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise


class DomainError(Exception):
    """A request the domain refuses. ``code`` is stable; ``message`` is for people.

    ``field`` names the input at fault when there is one, so a form can show the message beside it.
    """

    status_code = 400

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError, PermissionDenied):
    """The actor's role or scope does not allow the change; pages answer 403."""

    status_code = 403

    def __init__(self, message: str | Promise) -> None:
        super().__init__("not_allowed", message)
