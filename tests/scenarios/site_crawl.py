"""Pages of the demo rendered once per test session, for the crawls that check what pages show:
one language per page (``test_one_language``) and every invented value labelled
(``test_invented_labels``). Each crawl keeps its own start, scope and pages per route; a page
that one crawl opened is not rendered again when another (or the same, in the other module)
opens it for the same persona in the same language. Both start the staff crawls from every staff
route too (``staff_urls``), so that a page no link of the demo leads to is read all the same.

Every crawl reads the whole demo of ``devolve.demo.testing.full_demo`` on ``DEMO_DAY``, restored
by its module, so a page rendered under one module is the page every other would render. The
cache holds the answer, not the client: the caller's client (signed in as ``persona``) renders
a page the first time it is asked for, in a transaction rolled back after it.
"""

import dataclasses
from dataclasses import dataclass

from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from tests.scenarios.test_authorization_matrix import STAFF_ROUTES, _kwargs, _target


@dataclass(frozen=True)
class Answer:
    """What a GET of a page answered: its status, content type and body."""

    status_code: int
    content_type: str
    content: bytes

    @property
    def is_page(self) -> bool:
        """An HTML page (a download is no page: its body is not kept)."""
        return self.status_code == 200 and self.content_type.startswith("text/html")


_answers: dict[tuple[str, str, str], Answer] = {}


def fetch(client: Client, url: str, *, persona: str, language: str) -> Answer:
    """``client``'s answer to a GET of ``url``; ``persona`` (``anonymous`` or the username the
    client is signed in as) and ``language`` (the crawl's) key the answer for the session."""
    key = (persona, language, url)
    if key not in _answers:
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
        answer = Answer(response.status_code, response.get("Content-Type", ""), b"")
        if answer.is_page:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            answer = dataclasses.replace(answer, content=body)
        if response.streaming and not answer.is_page:
            _close_unread(response)
        _answers[key] = answer
    return _answers[key]


def _close_unread(response: HttpResponseBase) -> None:
    """Close a download whose body was not read (the test client closes every other answer).
    As the test client does, without ``close_old_connections``: inside the test's transaction
    it would close the database connection (autocommit is off), which PostgreSQL's next query
    then finds closed."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def staff_urls(user: User, language: str) -> list[str]:
    """Every staff route in ``language`` (a language code), about the newest record ``user`` may
    see: the one with most history to show (an edition carried forward from its predecessor, with
    what changed). A route about a record no one visible to ``user`` is left out."""
    urls = []
    for pattern in STAFF_ROUTES:
        target = _target(pattern.name or "") if pattern.pattern.converters else None
        record = None
        if target is not None:
            records = target.model._default_manager.order_by("-pk")
            if target.visible is not None:
                records = records.filter(pk__in=target.visible(user).values("pk"))
            record = records.first()
            if record is None:
                continue
        with translation.override(language):
            urls.append(reverse(f"dashboards:{pattern.name}", kwargs=_kwargs(pattern, record)))
    return urls
