"""API tokens: only a hash is stored and the secret shown once; a token works until it expires or
is revoked, records when it was last used, and never for an account with a second factor."""

import datetime
import hashlib
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from devolve.accounts import services
from devolve.accounts.models import ApiToken, User
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PROTECTED = "/api/v1/demand-items/"
NOW = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)


def _get(client: Client, secret: str) -> int:
    return client.get(PROTECTED, HTTP_AUTHORIZATION=f"Token {secret}").status_code


@time_machine.travel(NOW, tick=False)
def test_only_the_hash_and_a_prefix_are_stored(office_user: User) -> None:
    token, secret = services.issue_api_token(
        user=office_user, name="nightly export", days=30, issued_by=SYSTEM
    )

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in [str(value) for value in stored.values()]
    assert stored["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert (stored["prefix"], stored["expires_at"]) == (
        secret[:8],
        NOW + datetime.timedelta(days=30),
    )
    event = AuditEvent.objects.get(action="user.api_token_issued")
    assert (event.actor, event.target_id, event.details["token"]) == (
        None,
        str(office_user.pk),
        f"{secret[:8]}…",
    )


def test_a_secret_is_256_bits_of_hex_so_its_prefix_never_reads_as_an_option(
    office_user: User,
) -> None:
    # URL-safe base64 secrets began with "-" one time in 64, and `revoke_api_token -Ab3…` then
    # failed as an unknown option.
    for number in range(20):
        _token, secret = services.issue_api_token(
            user=office_user, name=f"script {number}", issued_by=SYSTEM
        )
        assert len(secret) == 64
        assert set(secret) <= set("0123456789abcdef")


def test_a_token_authenticates_and_records_its_last_use(
    client: Client, department_user: User
) -> None:
    token, secret = services.issue_api_token(
        user=department_user, name="script", issued_by=department_user
    )

    with time_machine.travel(NOW, tick=False):
        assert _get(client, secret) == 200
    with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):
        assert _get(client, secret) == 200

    token.refresh_from_db()
    assert token.last_used_at == NOW  # written at most once a minute


def test_an_expired_token_is_refused(client: Client, department_user: User) -> None:
    with time_machine.travel(NOW, tick=False):
        _token, secret = services.issue_api_token(
            user=department_user, name="script", days=1, issued_by=SYSTEM
        )

    with time_machine.travel(NOW + datetime.timedelta(days=1, seconds=1), tick=False):
        response = client.get(PROTECTED, HTTP_AUTHORIZATION=f"Token {secret}")

    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_is_refused(client: Client, department_user: User) -> None:
    token, secret = services.issue_api_token(user=department_user, name="script", issued_by=SYSTEM)

    services.revoke_api_token(token=token, revoked_by=department_user, reason="Laptop lost")

    assert _get(client, secret) == 401
    event = AuditEvent.objects.get(action="user.api_token_revoked")
    assert (event.actor, event.reason) == (department_user, "Laptop lost")


@pytest.mark.parametrize("header", ["Token not-a-token", "Token", "Token a b"])
def test_an_unknown_or_malformed_token_is_refused(
    client: Client, department_user: User, header: str
) -> None:
    assert client.get(PROTECTED, HTTP_AUTHORIZATION=header).status_code == 401


def test_an_inactive_accounts_token_is_refused(client: Client, department_user: User) -> None:
    _token, secret = services.issue_api_token(user=department_user, name="script", issued_by=SYSTEM)
    User.objects.filter(pk=department_user.pk).update(is_active=False)

    assert _get(client, secret) == 401


def test_an_account_with_a_second_factor_holds_no_token(client: Client, office_user: User) -> None:
    _token, secret = services.issue_api_token(user=office_user, name="script", issued_by=SYSTEM)
    # A device confirmed outside the service (as by an operator's shell) still stops the token.
    TOTPDevice.objects.create(user=office_user, name="authenticator", confirmed=True)

    assert _get(client, secret) == 401
    with pytest.raises(DomainError) as refused:
        services.issue_api_token(user=office_user, name="another", issued_by=SYSTEM)
    assert refused.value.code == "second_factor_account"


def test_setting_up_a_second_factor_revokes_the_accounts_tokens(
    office_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _secret = services.issue_api_token(user=office_user, name="script", issued_by=SYSTEM)
    services.start_second_factor(user=office_user)
    monkeypatch.setattr(TOTPDevice, "verify_token", lambda self, code: code == "123456")

    services.confirm_second_factor(user=office_user, token="123456")

    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="user.api_token_revoked")
    assert event.actor == office_user


def test_a_user_issues_tokens_only_for_itself(office_user: User, department_user: User) -> None:
    with pytest.raises(NotAllowed):
        services.issue_api_token(user=department_user, name="script", issued_by=office_user)

    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, services.API_TOKEN_MAX_DAYS + 1])
def test_a_lifetime_out_of_bounds_is_refused(department_user: User, days: int) -> None:
    with pytest.raises(DomainError) as refused:
        services.issue_api_token(user=department_user, name="script", days=days, issued_by=SYSTEM)

    assert (refused.value.code, refused.value.field) == ("invalid", "days")


def test_only_the_office_or_the_tokens_user_revokes(
    department_user: User, other_department_user: User
) -> None:
    token, _secret = services.issue_api_token(user=department_user, name="script", issued_by=SYSTEM)

    with pytest.raises(NotAllowed):
        services.revoke_api_token(token=token, revoked_by=other_department_user, reason="x")

    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_commands_issue_once_and_revoke(client: Client, department_user: User) -> None:
    out = StringIO()
    call_command(
        "issue_api_token", department_user.username, "--name=export", stdout=out, stderr=StringIO()
    )
    secret = out.getvalue().strip()
    assert _get(client, secret) == 200

    call_command("revoke_api_token", secret[:8], "--reason", "Rotated", stdout=StringIO())

    assert _get(client, secret) == 401
    with pytest.raises(CommandError, match="unknown_token"):
        call_command("revoke_api_token", "nothing", "--reason", "x", stdout=StringIO())


def test_the_command_revokes_every_token_of_an_account(department_user: User) -> None:
    for name in ("one", "two"):
        services.issue_api_token(user=department_user, name=name, issued_by=SYSTEM)

    call_command(
        "revoke_api_token", f"--user={department_user.username}", "--reason=Left", stdout=StringIO()
    )

    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0


def test_the_office_revokes_in_the_admin(
    client: Client, office_user: User, department_user: User
) -> None:
    token, secret = services.issue_api_token(user=department_user, name="script", issued_by=SYSTEM)
    client.force_login(office_user)

    page = client.get(reverse("admin:accounts_apitoken_changelist"))
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert timezone.now() - token.revoked_at < datetime.timedelta(minutes=1)


def test_an_auditor_sees_tokens_but_cannot_revoke(
    client: Client, auditor: User, department_user: User
) -> None:
    token, _secret = services.issue_api_token(user=department_user, name="script", issued_by=SYSTEM)
    client.force_login(auditor)

    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is None
