"""API errors come out as ``{"code", "detail"}``: a DomainError keeps its code and status."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy
from rest_framework import exceptions

from devolve.core.api.exceptions import domain_exception_handler
from devolve.core.errors import DomainError, NotAllowed


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_a_domain_error_becomes_400_with_its_code_detail_and_field() -> None:
    error = DomainError("dates_out_of_order", "A zone must leave after it joined.", field="left_on")
    response = domain_exception_handler(error, {})
    assert response is not None
    assert (response.status_code, response.data) == (
        400,
        {
            "code": "dates_out_of_order",
            "detail": "A zone must leave after it joined.",
            "field": "left_on",
        },
    )


def test_a_domain_error_without_field_has_no_field_key() -> None:
    response = domain_exception_handler(DomainError("already_left", "Already left."), {})
    assert response is not None
    assert (response.status_code, response.data) == (
        400,
        {"code": "already_left", "detail": "Already left."},
    )


def test_a_lazy_message_is_rendered_as_text() -> None:
    response = domain_exception_handler(DomainError("invalid", gettext_lazy("Enter a value.")), {})
    assert response is not None
    assert response.data == {"code": "invalid", "detail": "Enter a value."}
    assert type(response.data["detail"]) is str


def test_not_allowed_becomes_403() -> None:
    response = domain_exception_handler(NotAllowed("Only the reform office may do this."), {})
    assert response is not None
    assert (response.status_code, response.data) == (
        403,
        {"code": "not_allowed", "detail": "Only the reform office may do this."},
    )


def test_a_django_validation_error_with_fields_becomes_400_invalid() -> None:
    error = DjangoValidationError({"slug": ["Taken."], "name_zh": ["Required."]})
    response = domain_exception_handler(error, {})
    assert response is not None
    assert (response.status_code, response.data) == (
        400,
        {"code": "invalid", "detail": {"slug": ["Taken."], "name_zh": ["Required."]}},
    )


def test_a_django_validation_error_without_fields_becomes_400_invalid() -> None:
    response = domain_exception_handler(DjangoValidationError(["First.", "Second."]), {})
    assert response is not None
    assert (response.status_code, response.data) == (
        400,
        {"code": "invalid", "detail": ["First.", "Second."]},
    )


def test_a_serializer_validation_error_becomes_invalid_with_field_messages() -> None:
    error = exceptions.ValidationError({"joined_on": ["Enter a date."]})
    response = domain_exception_handler(error, {})
    assert response is not None
    assert (response.status_code, response.data) == (
        400,
        {"code": "invalid", "detail": {"joined_on": ["Enter a date."]}},
    )


def test_a_validation_error_raised_with_a_bare_message_is_wrapped_too() -> None:
    """``raise ValidationError("...")`` in a view gives DRF a list, not a dict."""
    response = domain_exception_handler(exceptions.ValidationError("Dates out of order."), {})
    assert response is not None
    assert (response.status_code, response.data) == (
        400,
        {"code": "invalid", "detail": ["Dates out of order."]},
    )


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.MethodNotAllowed("DELETE"), 405, "method_not_allowed"),
        (Http404(), 404, "not_found"),
        (PermissionDenied(), 403, "permission_denied"),
    ],
    ids=[
        "drf-not-authenticated",
        "drf-permission-denied",
        "drf-not-found",
        "drf-method-not-allowed",
        "django-http404",
        "django-permission-denied",
    ],
)
def test_framework_errors_keep_their_status_and_get_a_stable_code(
    error: Exception, status: int, code: str
) -> None:
    response = domain_exception_handler(error, {})
    assert response is not None
    assert (response.status_code, response.data["code"], sorted(response.data)) == (
        status,
        code,
        ["code", "detail"],
    )


def test_an_unexpected_error_is_left_to_the_server() -> None:
    assert domain_exception_handler(ValueError("boom"), {}) is None
