"""Creating and changing users, their second factor and their API tokens. Scope objects come in
as model instances from their own apps."""

import datetime
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from devolve.accounts.models import ApiToken, User
from devolve.accounts.permissions import is_office
from devolve.accounts.selectors import has_second_factor
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system
from devolve.core.errors import DomainError, NotAllowed, domain_error_from_validation
from devolve.core.events import record_event
from devolve.core.history import mark_change


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    password: str | None,
    created_by: User | SystemActor,
    email: str = "",
    first_name: str = "",
    department: models.Model | None = None,
    prefecture: models.Model | None = None,
    zone: models.Model | None = None,
    is_staff: bool = False,
) -> User:
    """Create a user with a role and scope.

    Only the reform office (or the system, ``created_by=SYSTEM``) creates users. Raises
    ``NotAllowed`` for anyone else, and ``DomainError`` when the input does not fit:
    ``scope_mismatch`` (role and scope), ``duplicate`` (username), ``weak_password`` (the
    password validators refuse it), ``invalid`` (anything else, such as a prefecture scope that
    is not a prefecture).
    """
    if not is_system(created_by) and not is_office(created_by):
        raise NotAllowed(_("Only the reform office may create users."))
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        department=department,  # type: ignore[misc]
        prefecture=prefecture,
        zone=zone,
        is_staff=is_staff,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as error:
        raise domain_error_from_validation(error) from error
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError(
                "weak_password", " ".join(error.messages), field="password"
            ) from error
    mark_change(user, actor=created_by, reason=system_text("user.created"))
    user.save()
    record_event(actor=created_by, action="user.created", target=user, details={"role": role})
    return user


@transaction.atomic
def set_password(*, user: User, password: str, reason: str) -> User:
    """Give ``user`` a new password, by their own change or a reset link (``reason`` says which).

    Django's password validators decide (``weak_password``). Changing the password also ends the
    user's other sessions, which carry a hash of the old one. Records ``user.password_changed``.
    """
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError("weak_password", " ".join(error.messages), field="password") from error
    user.set_password(password)
    mark_change(user, actor=user, reason=reason)
    user.save(update_fields=["password"])
    record_event(actor=user, action="user.password_changed", target=user, reason=reason)
    return user


@transaction.atomic
def start_second_factor(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for ``user`` to scan; it counts only once confirmed. A new
    start replaces an earlier unconfirmed one (a code never scanned)."""
    if not user.may_use_second_factor:
        raise NotAllowed(_("Your role does not use a second factor."))
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError("already_set_up", _("Two-step verification is already set up."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_second_factor(*, user: User, token: str) -> TOTPDevice:
    """Confirm the authenticator ``user`` scanned with a code it shows; from then on signing in
    needs a code. Records ``user.second_factor_set_up``."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise DomainError("not_started", _("Start setting up two-step verification first."))
    if not device.verify_token(token.strip()):
        raise DomainError("wrong_code", _("That code is wrong or has expired."), field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(actor=user, action="user.second_factor_set_up", target=user)
    for api_token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        revoke_api_token(
            token=api_token,
            revoked_by=user,
            reason=system_text("user.second_factor_now_required"),
        )
    return device


@transaction.atomic
def remove_second_factor(*, user: User, removed_by: User | SystemActor, reason: str) -> None:
    """Remove ``user``'s authenticators: by the user (the caller checked a current code), or by
    an operator for a lost phone (``removed_by=SYSTEM``, with the reason). Records
    ``user.second_factor_removed``."""
    TOTPDevice.objects.filter(user=user).delete()
    record_event(actor=removed_by, action="user.second_factor_removed", target=user, reason=reason)


def verify_second_factor(*, user: User, token: str) -> Any:
    """The confirmed authenticator of ``user`` that accepts ``token``, or None. A device accepts
    each code once and, after wrong codes, waits longer and longer (django-otp's throttling)."""
    return match_token(user, token.strip())


# A token's lifetime unless the issuer names one, and the longest allowed: long enough for a
# quarterly script, short enough that a forgotten token dies on its own (ADR 0037).
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365


@transaction.atomic
def issue_api_token(
    *, user: User, name: str, days: int = API_TOKEN_DEFAULT_DAYS, issued_by: User | SystemActor
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret, which is not stored and cannot be shown again.
    Issued by an operator (``issued_by=SYSTEM``, ``devolve issue_api_token``) or by the user for
    itself. Refused for an inactive account and for one that signs in with a second factor: a
    token would be a way in without the code (ADR 0037). Records ``user.api_token_issued``.

    Codes: ``not_allowed``, ``inactive_account``, ``second_factor_account``, ``invalid``."""
    if not is_system(issued_by) and issued_by.pk != user.pk:
        raise NotAllowed(_("A user issues tokens only for itself."))
    if not user.is_active:
        raise DomainError("inactive_account", _("The account is inactive."))
    if has_second_factor(user=user):
        raise DomainError(
            "second_factor_account",
            _("The account signs in with two-step verification, so it cannot hold API tokens."),
        )
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise DomainError(
            "invalid",
            _("A token lasts from 1 to %(days)s days.") % {"days": API_TOKEN_MAX_DAYS},
            field="days",
        )
    if not name.strip():
        raise DomainError("invalid", _("Say what the token is for."), field="name")
    # Hex, not URL-safe base64: a secret (or its prefix on the command line) never starts with
    # '-', and a double click selects all of it.
    secret = secrets.token_hex(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[:8],
        key_hash=ApiToken.hash_of(secret),
        expires_at=now + datetime.timedelta(days=days),
    )
    try:
        token.full_clean(exclude=["key_hash", "created_at"])
    except ValidationError as error:
        raise domain_error_from_validation(error) from error
    token.save()
    record_event(
        actor=issued_by,
        action="user.api_token_issued",
        target=user,
        details={
            "token": token.label,
            "name": token.name,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, revoked_by: User | SystemActor, reason: str) -> ApiToken:
    """Stop ``token`` working from now on (revoking a revoked token changes nothing). By an
    operator (``None``), the office, or the token's user. Records ``user.api_token_revoked``."""
    if not is_system(revoked_by) and revoked_by.pk != token.user_id and not is_office(revoked_by):
        raise NotAllowed(_("Only the office or the token's user revokes it."))
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor=revoked_by,
        action="user.api_token_revoked",
        target=token.user,
        reason=reason,
        details={"token": token.label, "name": token.name},
    )
    return token


# How stale a token's last-used time may be: writing it on every request would make each API
# read a write.
API_TOKEN_USE_RESOLUTION = datetime.timedelta(minutes=1)


def note_api_token_use(*, token: ApiToken, at: datetime.datetime) -> None:
    """Record that ``token`` was used at ``at`` (at most once a minute)."""
    if token.last_used_at is not None and at - token.last_used_at < API_TOKEN_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    token.last_used_at = at
