"""An anonymous caller of a protected endpoint is asked to authenticate (401 with
``WWW-Authenticate``); a signed-in user the endpoint refuses gets 403."""

import pytest
from django.test import Client

from devolve.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/demand-items/"),  # signed-in users only
        ("get", "/api/v1/selection-rounds/"),  # a named permission (api_requires)
        ("post", "/api/v1/demand-windows/"),  # public reads, signed-in writes
        # a public-read view that asks for the acting user itself
        ("get", "/api/v1/annual-lists/2025/batch-1/publication-preview/"),
    ],
)
def test_an_anonymous_caller_is_asked_to_authenticate(
    client: Client, method: str, path: str
) -> None:
    response = getattr(client, method)(path, {}, content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_signed_in_user_refused_by_the_endpoint_gets_403(
    client: Client, department_user: User
) -> None:
    client.force_login(department_user)

    response = client.get("/api/v1/selection-rounds/")

    assert response.status_code == 403
    assert "WWW-Authenticate" not in response
