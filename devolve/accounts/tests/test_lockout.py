"""Failed sign-ins lock the username at the address they came from, for a while, with a reason in
the reader's language and an audit event."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from devolve.accounts.lockout import client_address
from devolve.accounts.models import User
from devolve.accounts.tests.factories import PASSWORD
from devolve.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GUESSER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"


def _sign_in(
    client: Client, username: str, password: str, *, address: str, path: str = "/en/accounts/login/"
) -> int:
    response = client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def _fail_until_locked(client: Client, username: str, *, address: str) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, username, "not the password", address=address)


def test_the_right_password_is_refused_once_the_failures_reach_the_limit(
    client: Client, office_user: User
) -> None:
    _fail_until_locked(client, office_user.username, address=GUESSER)

    response = client.post(
        "/en/accounts/login/",
        {"username": office_user.username, "password": PASSWORD},
        REMOTE_ADDR=GUESSER,
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert (
        f"Too many failed sign-ins for this account from your address. Try again in {minutes} "
        "minutes" in response.content.decode()
    )


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(
    client: Client, office_user: User
) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, office_user.username, "not the password", address=GUESSER)

    assert _sign_in(client, office_user.username, PASSWORD, address=GUESSER) == 302
    assert client.session["_auth_user_id"] == str(office_user.pk)


def test_the_lockout_is_explained_in_chinese_on_the_default_language_pages(
    client: Client, office_user: User
) -> None:
    _fail_until_locked(client, office_user.username, address=GUESSER)

    response = client.post(
        "/accounts/login/",
        {"username": office_user.username, "password": PASSWORD},
        REMOTE_ADDR=GUESSER,
    )

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_a_colleague_at_another_address_can_still_sign_in(
    client: Client, office_user: User
) -> None:
    _fail_until_locked(client, office_user.username, address=GUESSER)

    assert _sign_in(client, office_user.username, PASSWORD, address=COLLEAGUE) == 302


def test_the_lockout_ends_after_the_cool_off(client: Client, office_user: User) -> None:
    _fail_until_locked(client, office_user.username, address=GUESSER)

    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert _sign_in(client, office_user.username, PASSWORD, address=GUESSER) == 302


def test_the_admin_sign_in_page_checks_no_password_itself(
    client: Client, office_user: User
) -> None:
    response = client.post(
        "/admin/login/",
        {"username": office_user.username, "password": PASSWORD},
        REMOTE_ADDR=GUESSER,
    )

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_an_audit_event_on_the_account(client: Client, office_user: User) -> None:
    _fail_until_locked(client, office_user.username, address=GUESSER)

    event = AuditEvent.objects.get(action="user.locked_out")
    assert (event.actor, event.target_type, event.target_id, event.details) == (
        None,
        "accounts.User",
        str(office_user.pk),
        {"ip_address": GUESSER},
    )


def test_guessing_an_unknown_username_locks_without_an_audit_event(client: Client) -> None:
    _fail_until_locked(client, "nobody", address=GUESSER)

    assert _sign_in(client, "nobody", "anything", address=GUESSER) == 429
    assert AuditEvent.objects.filter(action="user.locked_out").count() == 0


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "192.0.2.9, 198.51.100.1", "198.51.100.1"),
        (2, "192.0.2.9, 198.51.100.1", "192.0.2.9"),
        (3, "192.0.2.9, 198.51.100.1", "192.0.2.9"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_address_counts_the_configured_proxies_from_the_right(
    proxies: int, forwarded: str, expected: str
) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(DEVOLVE_PROXY_COUNT=proxies):
        assert client_address(request) == expected
