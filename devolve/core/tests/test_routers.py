"""Anonymous reads go to the read replica when one is configured; everything else to the
primary."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from devolve.core import routers
from devolve.core.routers import (
    REPLICA,
    AnonymousReadsFromReplicaMiddleware,
    ReplicaRouter,
    reads_from_replica,
)

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routers, "has_replica", lambda: True)


def test_reads_go_to_the_replica_only_inside_an_anonymous_read(with_replica: None) -> None:
    assert router.db_for_read(object) is None
    with reads_from_replica():
        assert router.db_for_read(object) == REPLICA
        assert router.db_for_write(object) == "default"
    assert router.db_for_read(object) is None
    assert router.allow_migrate(REPLICA, "grants") is False
    assert router.allow_migrate("default", "grants") is True


def test_without_a_replica_every_read_goes_to_the_primary() -> None:
    with reads_from_replica():
        assert router.db_for_read(object) is None


def _routed(request: HttpRequest) -> str | None:
    """The database a read inside the request would use."""
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(object))
        return HttpResponse()

    AnonymousReadsFromReplicaMiddleware(view)(request)
    return seen[0]


class _SignedIn:
    is_authenticated = True


@pytest.mark.parametrize(
    ("method", "headers", "user", "expected"),
    [
        ("get", {}, AnonymousUser(), REPLICA),
        ("head", {}, AnonymousUser(), REPLICA),
        ("get", {}, _SignedIn(), None),
        ("post", {}, AnonymousUser(), None),
        ("get", {"Authorization": "Token abc"}, AnonymousUser(), None),
    ],
)
def test_only_anonymous_reads_use_the_replica(
    with_replica: None,
    rf: RequestFactory,
    method: str,
    headers: dict[str, str],
    user: Any,
    expected: str | None,
) -> None:
    request = getattr(rf, method)("/", headers=headers)
    request.user = user

    assert _routed(request) == expected
