"""Reads of anonymous requests from a read replica, when one is configured.

The public portal and the anonymous API only read published data, and a replica a moment
behind the primary shows what the primary showed a moment ago. Everything else reads the
primary: signed-in users (so a user reads what they have just written), any request that may
write (not GET or HEAD), and anything outside a request (services, commands, tasks). Writes and
migrations always go to the primary. Without a ``replica`` database in ``DATABASES``
(``DATABASE_REPLICA_URL``) the router sends everything to the primary.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Within this block, reads go to the replica (when one is configured)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading_from_replica.get() and has_replica():
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary's schema


class AnonymousReadsFromReplicaMiddleware:
    """After authentication: a GET or HEAD with no signed-in user and no Authorization header
    (API tokens are read later, by the API view) reads from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous_read = (
            request.method in {"GET", "HEAD"}
            and "Authorization" not in request.headers
            and not request.user.is_authenticated
        )
        if not anonymous_read:
            return self.get_response(request)
        with reads_from_replica():
            return self.get_response(request)
