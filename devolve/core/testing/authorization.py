"""The authorization matrix: one request per persona, each with the status it must get.

    assert_authorization_matrix(
        client, personas, "get", url,
        allowed={"office", "auditor"}, allowed_status=200,
    )

Anonymous visitors are sent to sign in for pages (302) and asked to authenticate by the API
(401, ``anonymous_status``); a persona in ``not_found`` may not see the record, so it does not
exist for it (404); every other persona outside ``allowed`` gets 403. With ``each_alone`` every
request is rolled back after it is answered, so a write that may happen once (an offer, a
decision) is tried by each allowed persona on the same data. With ``tracked`` (models, as
``database_state`` takes them) every refused request must leave their tables as they were
(not with ``each_alone``, which rolls every request back).
"""

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from django.db import models, transaction
from django.test import Client

from devolve.core.testing.database import database_state
from devolve.core.testing.personas import PERSONAS


def assert_authorization_matrix(
    client: Client,
    users: Mapping[str, Any],
    method: str,
    url: str,
    *,
    allowed: AbstractSet[str],
    allowed_status: int = 200,
    anonymous_status: int = 302,
    not_found: set[str] | None = None,
    data: Mapping[str, Any] | None = None,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    each_alone: bool = False,
    tracked: Sequence[type[models.Model]] = (),
) -> None:
    hidden = not_found or set()
    unknown = (allowed | hidden) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    assert not (tracked and each_alone), "a request rolled back leaves every table as it was"
    outcomes: dict[str, int] = {}
    written: list[str] = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(users[persona])
        kwargs: dict[str, Any] = {}
        if data is not None:
            kwargs["data"] = data
        if content_type is not None:
            kwargs["content_type"] = content_type
        if headers is not None:
            kwargs["headers"] = headers
        before = database_state(*tracked) if tracked and persona not in allowed else None
        if each_alone:
            with transaction.atomic():
                outcomes[persona] = getattr(client, method)(url, **kwargs).status_code
                transaction.set_rollback(True)
        else:
            outcomes[persona] = getattr(client, method)(url, **kwargs).status_code
        if before is not None and database_state(*tracked) != before:
            written.append(persona)
    expected = {
        persona: allowed_status
        if persona in allowed
        else anonymous_status
        if persona == "anonymous"
        else 404
        if persona in hidden
        else 403
        for persona in PERSONAS
    }
    assert outcomes == expected, f"{method.upper()} {url}: got {outcomes}, expected {expected}"
    assert not written, f"{method.upper()} {url}: refused to {written}, yet it wrote"
