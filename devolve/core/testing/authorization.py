"""The authorization matrix: one request per persona, each with the status it must get.

    assert_authorization_matrix(
        client, personas, "get", url,
        allowed={"office", "auditor"}, allowed_status=200,
    )

Anonymous visitors are sent to sign in for pages (302) and refused for the API (401/403); every
other persona outside ``allowed`` gets 403.
"""

from collections.abc import Mapping
from typing import Any

from django.test import Client

from devolve.core.testing.personas import PERSONAS


def assert_authorization_matrix(
    client: Client,
    users: Mapping[str, Any],
    method: str,
    url: str,
    *,
    allowed: set[str],
    allowed_status: int = 200,
    anonymous_status: int = 302,
    data: Mapping[str, Any] | None = None,
    content_type: str | None = None,
) -> None:
    unknown = allowed - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    outcomes: dict[str, int] = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(users[persona])
        kwargs: dict[str, Any] = {}
        if data is not None:
            kwargs["data"] = data
        if content_type is not None:
            kwargs["content_type"] = content_type
        outcomes[persona] = getattr(client, method)(url, **kwargs).status_code
    expected = {
        persona: allowed_status
        if persona in allowed
        else (anonymous_status if persona == "anonymous" else 403)
        for persona in PERSONAS
    }
    assert outcomes == expected
