"""Helpers for management commands that call services: typed arguments, domain errors as exit 1,
and one node at a time for the commands cron starts on every node."""

import datetime
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError
from django.db import connection

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


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def one_node_at_a_time(name: str) -> Iterator[bool]:
    """Whether this process may run the job ``name`` now: on PostgreSQL, a session advisory lock
    held for the job's duration, so when cron starts a daily command on every app node at once
    only one runs and the others report that and stop; always yes on SQLite (one node). The
    daily commands are also safe to run again, for a node whose cron fires after the lock is
    released."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        row = cursor.fetchone()
    held = bool(row and row[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
