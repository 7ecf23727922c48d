"""Helpers for management commands that call services: typed arguments, domain errors as exit 1."""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError

from devolve.core.errors import DomainError


def iso_date(value: str) -> datetime.date:
    """argparse type for YYYY-MM-DD dates with a message a person can act on."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"expected a date as YYYY-MM-DD, not {value!r}") from error


@contextmanager
def domain_errors_as_command_errors() -> Iterator[None]:
    """Report a refused change as ``[code] message`` and exit with status 1."""
    try:
        yield
    except DomainError as error:
        raise CommandError(f"[{error.code}] {error.message}") from error


def run_service(service: Callable[..., Any], **arguments: Any) -> Any:
    with domain_errors_as_command_errors():
        return service(**arguments)
