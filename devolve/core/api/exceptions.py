"""API errors as ``{"code": ..., "detail": ...}``, from ``DomainError`` where one was raised.

A refusal of a caller that did not authenticate is 401 with the ``WWW-Authenticate`` challenge of
the first authentication class, wherever it was raised (a permission class, or ``acting_user``
inside the view); a signed-in caller refused gets 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from devolve.core.errors import DomainError, domain_error_from_validation


def _anonymous(context: dict[str, Any]) -> bool:
    request = context.get("request")
    return isinstance(request, Request) and not request.user.is_authenticated


def domain_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    refused = (DjangoPermissionDenied, exceptions.PermissionDenied)
    if isinstance(exc, refused) and _anonymous(context):
        exc = exceptions.NotAuthenticated()
        view = context.get("view")
        challenge = view.get_authenticate_header(context["request"]) if view is not None else None
        if challenge:
            exc.auth_header = challenge  # type: ignore[attr-defined]
        else:
            exc.status_code = 403
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        body.update(exc.details())
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(
            {
                "code": domain_error_from_validation(exc).code,
                "detail": exc.message_dict if hasattr(exc, "error_dict") else exc.messages,
            },
            status=400,
        )
    # Convert Django's own exceptions first, so their DRF codes (not_found, permission_denied)
    # are the ones reported.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    if isinstance(response.data, dict) and "detail" in response.data and len(response.data) == 1:
        code = codes if isinstance(codes, str) else "invalid"
        response.data = {"code": code, "detail": response.data["detail"]}
    else:
        # Serializer errors: field → messages; keep them whole under "detail".
        response.data = {"code": "invalid", "detail": response.data}
    return response
