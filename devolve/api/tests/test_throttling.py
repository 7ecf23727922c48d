"""The API throttles anonymous callers per address and signed-in users per account."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.api.throttling import counts

pytestmark = pytest.mark.django_db

RATES = {"anon": "3/minute", "user": "5/minute"}


@pytest.fixture(autouse=True)
def _low_rates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # DRF reads the rates once, when the throttle classes are defined; the test settings turn
    # them off for the rest of the suite.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", RATES)
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", RATES)
    counts.clear()
    yield
    counts.clear()


def _statuses(client: Client, count: int, *, address: str = "203.0.113.7") -> list[int]:
    return [client.get("/api/v1/", REMOTE_ADDR=address).status_code for _ in range(count)]


def test_an_anonymous_caller_is_refused_past_the_rate_with_a_retry_after(client: Client) -> None:
    assert _statuses(client, 3) == [200, 200, 200]

    refused = client.get("/api/v1/", REMOTE_ADDR="203.0.113.7")

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_a_callers_count_outlives_a_minute_of_many_other_callers(client: Client) -> None:
    """More callers in a minute than the default cache holds (300 entries, shared with derived
    figures) do not push a caller's count out and let it past its rate."""
    _statuses(client, 3)
    for number in range(400):
        client.get("/api/v1/", REMOTE_ADDR=f"10.0.{number // 250}.{number % 250}")

    assert _statuses(client, 1) == [429]


def test_another_address_has_its_own_allowance(client: Client) -> None:
    _statuses(client, 4)

    assert _statuses(client, 1, address="198.51.100.20") == [200]


def test_a_signed_in_user_has_the_user_rate_whatever_the_address(
    client: Client, office_user: User
) -> None:
    client.force_login(office_user)

    statuses = [
        client.get("/api/v1/", REMOTE_ADDR=f"203.0.113.{number}").status_code for number in range(6)
    ]

    assert statuses == [200, 200, 200, 200, 200, 429]


def test_users_are_throttled_separately(client: Client, office_user: User) -> None:
    client.force_login(office_user)
    _statuses(client, 6)
    client.force_login(UserFactory(username="second-office", role=User.Role.OFFICE))

    assert _statuses(client, 1) == [200]


def test_an_anonymous_caller_is_counted_at_the_anonymous_rate_alone(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user rate counts signed-in users only: an anonymous caller is not refused at it."""
    rates = {"anon": "4/minute", "user": "2/minute"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)

    assert _statuses(client, 5) == [200, 200, 200, 200, 429]


def test_a_stored_page_answered_before_drf_is_throttled_and_counted_once(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An anonymous page answered from its stored bytes before DRF's dispatch
    (``core.api.stored_pages``) runs the throttles there: each request is counted once, and the
    one past the rate gets DRF's refusal, without being counted again."""
    dispatched: list[str] = []
    initial = APIView.initial

    def counted(view: APIView, request: Any, *args: Any, **kwargs: Any) -> None:
        dispatched.append(request.path)
        initial(view, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "initial", counted)
    answered = [
        client.get("/api/v1/grants/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)
    ]
    counted_requests = len(counts.get("throttle_anon_203.0.113.7", []))
    dispatched_before = list(dispatched)

    refused = client.get("/api/v1/grants/", REMOTE_ADDR="203.0.113.7")

    assert answered == [200, 200, 200]
    assert dispatched_before == ["/api/v1/grants/"]  # read and stored; then answered before
    assert counted_requests == 3
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert len(dispatched) == 2  # DRF answers the refusal
    assert len(counts.get("throttle_anon_203.0.113.7", [])) == 3
