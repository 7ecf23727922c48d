import datetime

from django.db.models import QuerySet
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from devolve.accounts.models import ApiToken, User


def get_user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def list_users() -> QuerySet[User]:
    return User.objects.select_related("department", "prefecture", "zone").order_by(
        "role", "username"
    )


def has_second_factor(*, user: User) -> bool:
    """Whether signing in as ``user`` needs a code from a confirmed authenticator."""
    return bool(user_has_device(user, confirmed=True))


def unconfirmed_second_factor(*, user: User) -> TOTPDevice | None:
    """The authenticator ``user`` started to set up and has not yet confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def list_api_tokens() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user").order_by("-created_at")


def get_api_token_by_prefix(*, prefix: str) -> ApiToken | None:
    """The token whose secret starts with ``prefix``; None when no token or several do."""
    tokens = list(list_api_tokens().filter(prefix=prefix)[:2])
    return tokens[0] if len(tokens) == 1 else None


def get_usable_api_token(*, secret: str, at: datetime.datetime) -> ApiToken | None:
    """The token with ``secret`` if it is neither expired nor revoked at ``at`` and its user is
    active and signs in without a second factor (ADR 0037); otherwise None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_of(secret), revoked_at__isnull=True, expires_at__gt=at)
        .first()
    )
    if token is None or not token.user.is_active or has_second_factor(user=token.user):
        return None
    return token
