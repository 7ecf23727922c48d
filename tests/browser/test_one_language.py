"""One language per page, read as a reader sees it: Chromium opens each home page, for the
anonymous visitor and one login of each staff role, follows every link in the same language one
step out, and reads each page's ``innerText`` with the elements marked as the other language
hidden. No run of English words on a Chinese page, no Chinese on an English page (issue 14).

The exhaustive walk over every route is ``tests/scenarios/test_one_language.py``.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from devolve.accounts.models import User
from devolve.core.testing.languages import chinese_runs, english_runs
from devolve.demo.testing import full_demo
from tests.browser.conftest import demo_server
from tests.scenarios.test_one_language import PREFIXES, STAFF, _in_language

pytestmark = pytest.mark.browser

# The page's own text, without what is marked as another language: such elements are hidden
# first, so innerText (which skips what is not rendered) leaves them out.
READ_PAGE = """(language) => {
  for (const element of document.body.querySelectorAll("[lang]")) {
    if (!element.lang.toLowerCase().startsWith(language)) element.style.display = "none";
  }
  return document.body.innerText;
}"""
LINKS = """() => [...document.querySelectorAll("a[href]")].map((a) => new URL(a.href).pathname)"""
MAX_PAGES = 25
DOWNLOADS = (".csv", ".xlsx", ".docx", ".pdf", ".json", ".zip")


@pytest.fixture(scope="module")
def sichuan_server(django_db_blocker: Any, migrated_data: str) -> Iterator[LiveServer]:
    """The whole demo with its logins, restored once for the module: the readers only read it
    (a login's session is all they write)."""
    with demo_server(django_db_blocker, migrated_data, full_demo) as server:
        yield server


def _read(page: Page, language: str) -> list[str]:
    """The runs of the other language, line by line as the page renders them: a run does not
    continue from one rendered line (a block, an option of a list) to the next."""
    runs = chinese_runs if language == "en" else english_runs
    return [run for line in page.evaluate(READ_PAGE, language).splitlines() for run in runs(line)]


@pytest.mark.parametrize("language", PREFIXES)
@pytest.mark.parametrize("persona", ["anonymous", *STAFF])
def test_a_reader_sees_one_language(
    page: Page, sichuan_server: LiveServer, persona: str, language: str
) -> None:
    prefix = PREFIXES[language]
    home = f"{prefix}/"
    if persona != "anonymous":
        client = Client()
        client.force_login(User.objects.get(username=STAFF[persona]))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": sichuan_server.url}]
        )
        home = f"{prefix}/staff/"
    page.goto(f"{sichuan_server.url}{home}")
    found = {home: _read(page, language)}
    links = [
        path
        for path in dict.fromkeys(page.evaluate(LINKS))
        if _in_language(path, language) and not path.endswith(DOWNLOADS)
    ]
    for path in links[:MAX_PAGES]:
        if path in found:  # the staff home links to itself
            continue
        response = page.goto(f"{sichuan_server.url}{path}")
        content_type = response.headers.get("content-type", "") if response else ""
        if response is None or not response.ok or "text/html" not in content_type:
            continue
        found[urlsplit(page.url).path] = _read(page, language)
    mixed = {path: runs for path, runs in found.items() if runs}
    assert mixed == {}
