"""Bounded fuzzing of the API against its published schema (``schema.yml``): for every operation,
schemathesis generates a few requests (valid and invalid ones, the same on every run) and sends
them to the application in-process, as the office and as a department user (``justice``), each
with an API token issued by ``accounts.services.issue_api_token``. A response fails the test
when it is a server error (5xx) or when it does not conform to what the schema says of its status
code (body, headers, content type).

The demo is seeded once for the module (the authorization matrix's dataset); every generated
request runs in a transaction rolled back after it, so no write leaks into the next example.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import werkzeug.test
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from devolve.accounts.models import User
from devolve.accounts.services import issue_api_token
from devolve.core.actors import SYSTEM
from tests.scenarios.test_authorization_matrix import _seeded_once

__all__ = ["_seeded_once"]  # a fixture, imported for pytest to find

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.yml"
PERSONAS = ["office", "justice"]
# Few examples per operation, the same ones on every run: a bounded, reproducible check that
# fits in CI, not an open-ended search (issue 12).
EXAMPLES_PER_OPERATION = 3

schema = schemathesis.openapi.from_path(
    SCHEMA_FILE,
    config=schemathesis.config.SchemathesisConfig.from_dict(
        {
            # Generated cases only: the explicit examples and the coverage phase's boundary
            # cases would multiply the number of requests well beyond the bound.
            "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
            "generation": {"deterministic": True},
        }
    ),
)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


@pytest.fixture(scope="module")
def wsgi_app(_seeded_once: None) -> Iterator[WSGIHandler]:
    """Django's WSGI application, without closing the database connection at the start and end of
    each request (as the test client does): the requests run inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def tokens(_seeded_once: None, django_db_blocker: Any) -> dict[str, str]:
    """An API token's secret for each persona, issued once inside the module's seeded data."""
    with django_db_blocker.unblock():
        return {
            persona: issue_api_token(
                user=User.objects.get(username=persona), name="API fuzz", issued_by=SYSTEM
            )[1]
            for persona in PERSONAS
        }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(
    case: schemathesis.Case[Any], persona: str, tokens: dict[str, str], wsgi_app: WSGIHandler
) -> None:
    with transaction.atomic():
        response = case.call(app=wsgi_app, headers={"Authorization": f"Token {tokens[persona]}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
def test_a_key_with_a_nul_character_is_unknown_not_a_server_error(
    tokens: dict[str, str], wsgi_app: WSGIHandler
) -> None:
    """Found by the fuzz on PostgreSQL, which cannot compare text holding NUL: the related key
    is refused like any unknown one (``devolve.core.api.fields.SlugRelatedField``)."""
    response = werkzeug.test.Client(wsgi_app).post(
        "/api/v1/matters/",
        json={
            "code": "X-1",
            "name_zh": "事项",
            "kind": "support",
            "competent_department": "a\x00b",
        },
        headers={"Authorization": f"Token {tokens['office']}"},
    )
    assert response.status_code == 400
    assert "competent_department" in response.json["detail"]


# Path keys of every kind (codes, slugs, numbers, edition keys) with a NUL character in them.
# PostgreSQL cannot compare text holding NUL: a key that reached a query was a 500.
NUL_PATHS = [
    "/api/v1/departments/justice%00/",
    "/api/v1/matter-types/%00/",
    "/api/v1/authorization-modes/delegate%00/",
    "/api/v1/divisions/510000%00/",
    "/api/v1/zones/%00/",
    "/api/v1/indicators/gdp%00/",
    "/api/v1/batches/1%00/",
    "/api/v1/matters/1%00/",
    "/api/v1/annual-lists/2024%00/batch-1/",
    "/api/v1/annual-lists/2024/batch-1%00/entries/",
    "/api/v1/selection-rounds/%00/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_path_key_with_a_nul_character_is_not_found(
    path: str, tokens: dict[str, str], wsgi_app: WSGIHandler
) -> None:
    response = werkzeug.test.Client(wsgi_app).get(
        path, headers={"Authorization": f"Token {tokens['office']}"}
    )
    assert response.status_code == 404
    assert response.json["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/prefectures/5101%00/", "/en/prefectures/5101%00/"])
def test_a_page_key_with_a_nul_character_is_not_found(path: str, wsgi_app: WSGIHandler) -> None:
    response = werkzeug.test.Client(wsgi_app).get(path)
    assert response.status_code == 404
