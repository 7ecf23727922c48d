"""Real-browser fixtures: Debian's Chromium, driven by Playwright, against the live server.

Playwright's sync API runs an asyncio event loop in the test thread, which Django's async-safety
check would otherwise take for an async context.
"""

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright
from pytest_django.live_server_helper import LiveServer

from devolve.accounts.tests.factories import PASSWORD
from devolve.core.testing.database import restore_flushed_tables
from devolve.demo.testing import seeded_demo

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 15_000
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Collected in the page by an init script: Playwright's init scripts are not subject to the page's
# Content-Security-Policy, and the event reports violations the console might word differently.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


SUBMIT = "#main-content form button[type=submit]"


def click_and_wait(page: Page, selector: str, *, strict: bool = False) -> None:
    """Follow a link or submit a form, and wait for the next page to load: the first element
    ``selector`` matches, or with ``strict`` the only one (Playwright fails if there are more)."""
    locator = page.locator(selector)
    with page.expect_navigation():
        (locator if strict else locator.first).click()


def sign_in(
    page: Page,
    live_server: Any,
    username: str,
    *,
    login_path: str = "/en/accounts/login/",
    next_path: str | None = None,
    password: str = PASSWORD,
) -> None:
    """Sign in through the sign-in page (``login_path``, then ``next_path`` if given) and wait
    for the page it sends to."""
    query = f"?next={next_path}" if next_path is not None else ""
    page.goto(f"{live_server.url}{login_path}{query}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    click_and_wait(page, SUBMIT, strict=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item so the page fixture can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing. Browser tests drive Debian's Chromium: install it with "
            "scripts/install-system-packages (`make test` runs it).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageProblems:
    """Console errors, uncaught exceptions and failed responses seen by one page."""

    def __init__(self, page: Page) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_responses: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                self.failed_responses.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        page.on("requestfailed", self._on_request_failed)

    def _on_request_failed(self, request: Request) -> None:
        # A request still in flight when the page navigates away (the header's badge, loaded
        # after each page) is cancelled by the browser, not failed by the server.
        if request.failure == "net::ERR_ABORTED":
            return
        self.failed_responses.append(f"failed {request.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)


def _screenshot_name(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", node_id).strip("-") + ".png"


@pytest.fixture
def open_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts; screenshot each to test-results/ if the test fails."""
    opened: list[Page] = []

    def _open(**context_options: Any) -> Page:
        context = browser.new_context(**context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        new_page = context.new_page()
        opened.append(new_page)
        return new_page

    yield _open

    report = getattr(request.node, "report_call", None)
    for number, opened_page in enumerate(opened):
        if report is not None and report.failed:
            RESULTS.mkdir(exist_ok=True)
            name = _screenshot_name(f"{request.node.nodeid}-{number}")
            opened_page.screenshot(path=RESULTS / name, full_page=True)
        opened_page.context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A desktop-sized page."""
    return open_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def page_problems(page: Page) -> PageProblems:
    """What went wrong in ``page``, recorded from before it opens anything."""
    return PageProblems(page)


@pytest.fixture
def phone_page(open_page: Callable[..., Page]) -> Page:
    """A page the size of a 375 by 812 phone screen, laid out as a mobile browser would."""
    return open_page(**PHONE)


@pytest.fixture
def sichuan_demo(transactional_db: None, migrated_data: str) -> None:
    """The Sichuan demo registry and catalogue, committed so the live server's requests see it."""
    restore_flushed_tables(migrated_data)  # emptied by the previous test's flush
    seeded_demo(with_users=False)


@contextlib.contextmanager
def demo_server(
    django_db_blocker: Any, migrated_data: str, restore: Callable[[], object]
) -> Iterator[LiveServer]:
    """A live server of its own over the demo that ``restore()`` writes, committed once for a
    module whose tests only read it; the database is open to the module's tests (what they
    write, such as a login's session, stays), and is flushed, with the migrations' rows put
    back, when the module ends.

    The tests of such a module use this server instead of ``live_server``, and do not ask for
    ``transactional_db``: either would flush the database, and restore the demo, after each
    test (a second or two each for the whole demo). A test that changes what another test reads
    belongs with ``sichuan_demo`` and ``live_server`` instead."""
    with django_db_blocker.unblock():
        restore()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            # As a transactional test's flush: sequences kept, so that on PostgreSQL it is a
            # DELETE per table (devolve.core.testing.flush), not a TRUNCATE of every table.
            call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
            restore_flushed_tables(migrated_data)
