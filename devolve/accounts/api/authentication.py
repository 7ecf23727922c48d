"""``Authorization: Token <secret>``: the caller is the token's user while the token is neither
expired nor revoked, the user is active and signs in without a second factor (ADR 0037). First
among DRF's authentication classes, so its ``Token`` challenge is the ``WWW-Authenticate`` of a
401."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from devolve.accounts import selectors, services
from devolve.accounts.models import ApiToken, User

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].decode(errors="replace").lower() != KEYWORD.lower():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Token <secret>”."))
        try:
            secret = words[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from error
        now = timezone.now()
        token = selectors.get_usable_api_token(secret=secret, at=now)
        if token is None:
            # One answer for unknown, expired, revoked and refused: nothing to probe with.
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        services.note_api_token_use(token=token, at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The token in the OpenAPI schema: the same ``tokenAuth`` scheme DRF's token had."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=KEYWORD
        )
