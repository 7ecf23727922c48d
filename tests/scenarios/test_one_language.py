"""One language per page: every public page and every staff page, in Chinese (``/``) and in English
(``/en/``), holds no system text in the other language (issue 14).

The crawl starts from each home page and from every staff route (addressed, as in the authorization
matrix, by the newest record the persona may see: ``site_crawl.staff_urls``), follows the links it
finds in the same language, and opens at most ``PER_ROUTE`` pages of each route (a download counts
against its route's limit, as a page does: the rest of a route's downloads are not built), for the
anonymous visitor and one login of each staff role. A page is rendered once a session, for this
crawl and the invented-labels crawl (``tests.scenarios.site_crawl``). Names and user-typed text
pass only where the template marks them with their ``lang`` (``devolve.core.testing.languages``).
The real-browser walk is in ``tests/browser/test_one_language.py``.
"""

from collections import Counter, deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation
from lxml import html as lxml_html

from devolve.accounts.models import User
from devolve.core.testing.languages import stray_text
from devolve.demo.testing import full_demo
from tests.scenarios.site_crawl import fetch, staff_urls

# On the worker that runs the invented-labels crawl, so that the pages both open are rendered once
# (``site_crawl``; ``devolve.core.testing.scheduling``).
pytestmark = pytest.mark.xdist_group("site_crawl")

# One login of each staff role on the demo.
STAFF = {"office": "office", "department": "justice", "prefecture": "chengdu", "area": "tianfu"}
PREFIXES = {"zh": "", "en": "/en"}
LANGUAGE_CODES = {"zh": "zh-hans", "en": "en"}
PER_ROUTE = 1
NOT_PAGES = ("/static/", "/media/", "/api/", "/admin/", "/i18n/", "/accounts/logout/")


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        full_demo()
        yield
        transaction.set_rollback(True)


def _route(path: str, language: str) -> str | None:
    try:
        with translation.override(LANGUAGE_CODES[language]):
            match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _in_language(path: str, language: str) -> bool:
    english = path == "/en" or path.startswith("/en/")
    return english == (language == "en") and not any(
        path.removeprefix("/en").startswith(part) for part in NOT_PAGES
    )


def crawl(
    client: Client, starts: list[str], language: str, *, persona: str, within: str = ""
) -> tuple[dict[str, list[str]], int]:
    """Stray text by page URL, and how many pages were read, for every page under ``within``
    reached from ``starts`` by ``client``, signed in as ``persona``. A page the invented-labels
    crawl rendered already is not rendered again (``tests.scenarios.site_crawl``)."""
    queue = deque(starts)
    seen: set[str] = set()
    opened: Counter[str] = Counter()
    found: dict[str, list[str]] = {}
    read = 0
    while queue:
        url = queue.popleft()
        route = _route(urlsplit(url).path, language)
        if url in seen or route is None or opened[route] >= PER_ROUTE:
            continue
        seen.add(url)
        answer = fetch(client, url, persona=persona, language=LANGUAGE_CODES[language])
        if answer.status_code == 200:  # a download counts against its route, as a page does
            opened[route] += 1
        if not answer.is_page:
            continue
        read += 1
        content = answer.content
        strays = [str(stray) for stray in stray_text(content, language=language)]
        if strays:
            found[url] = strays
        for href in lxml_html.document_fromstring(content).xpath("//a/@href"):
            link = urldefrag(href).url
            parts = urlsplit(link)
            if (
                not parts.scheme
                and parts.path.startswith("/")
                and _in_language(parts.path, language)
                and parts.path.startswith(within)
            ):
                queue.append(parts.path)
    return found, read


@pytest.mark.parametrize("language", PREFIXES)
@pytest.mark.parametrize("persona", ["anonymous", *STAFF])
def test_every_page_speaks_one_language(
    client: Client, seeded_demo: None, db: None, persona: str, language: str
) -> None:
    prefix = PREFIXES[language]
    starts, within, login = [f"{prefix}/"], "", "anonymous"
    if persona != "anonymous":  # the public pages are the anonymous visitor's walk
        login = STAFF[persona]
        user = User.objects.get(username=login)
        client.force_login(user)
        starts, within = (
            [f"{prefix}/staff/", *staff_urls(user, LANGUAGE_CODES[language])],
            f"{prefix}/staff/",
        )
    found, read = crawl(client, starts, language, persona=login, within=within)
    report = "\n".join(f"{url}: {'; '.join(strays)}" for url, strays in sorted(found.items()))
    assert read > 10  # the crawl reached the pages, not just its first one
    assert not found, f"Text in the other language:\n{report}"


@pytest.mark.parametrize(
    ("page", "strays"),
    [
        (
            '<html lang="zh-hans"><body><p>试点地区 Sign in to continue</p></body></html>',
            ["Sign in to continue"],
        ),
        ('<html lang="zh-hans"><body><p lang="en">Sign in to continue</p></body></html>', []),
        (
            '<html lang="zh-hans"><body><p>下载 CSV、JSON 或 XLSX，GDP 12.7 % km</p></body></html>',
            [],
        ),
        (
            '<html lang="zh-hans"><body><p>batch-1 2025-01-10 office@example.org</p></body></html>',
            [],
        ),
        (
            '<html lang="zh-hans"><body><input placeholder="Search matters"></body></html>',
            ["Search matters"],
        ),
        ('<html lang="en"><body><p>Reason: 材料不全</p></body></html>', ["材料不全"]),
        (
            '<html lang="en"><p>Reason: <span lang="zh-Hans">材料不全</span></p></html>',
            [],
        ),
        ('<html lang="en"><body><script>var a = "中文";</script></body></html>', []),
    ],
)
def test_the_checker_finds_text_in_the_other_language(page: str, strays: list[str]) -> None:
    assert [stray.text for stray in stray_text(page)] == strays


def test_the_crawl_catches_a_sentence_planted_on_a_real_page(
    client: Client, seeded_demo: None, db: None
) -> None:
    page = client.get("/").content.decode()
    planted = page.replace("</main>", "<p>Nothing to report this cycle.</p></main>", 1)
    assert "Nothing to report this cycle" in planted
    assert [stray.text for stray in stray_text(page)] == []
    assert [stray.text for stray in stray_text(planted)] == ["Nothing to report this cycle"]
