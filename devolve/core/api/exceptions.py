"""API errors as ``{"code": ..., "detail": ...}``, from ``DomainError`` where one was raised."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from devolve.core.errors import DomainError


def domain_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(
            {
                "code": "invalid",
                "detail": exc.message_dict if hasattr(exc, "error_dict") else exc.messages,
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        code = codes if isinstance(codes, str) else "invalid"
        response.data = {"code": code, "detail": response.data.get("detail", response.data)}
    return response
