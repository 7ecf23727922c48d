"""Everything the demo invented is labelled where it shows, with one vocabulary: a crawl of every
public page (as a visitor) and every staff page (as the office) of the demo on its day, in each
language.

A page shows an invented value when it names a record flagged ``is_illustrative`` whose name was
invented (an edition, a generated matter, an assessment round, a performance scheme, a selection
round), when it is the page of such a record (a report, a grant, a score...), or when it is a
page of the simulated economy (its overview, an evaluation, a run: ``SIMULATED_PAGES``). A zone
is flagged for an invented date or level, but its name is real: naming it shows nothing
invented. Such a page must say "illustrative" (示意) or "simulated" (模拟), as the kind requires,
inside its main content: the phase banner above every page does not count. No page, invented
values or not, may use another word for them ("example data", "sample figures", "(fake)", "demo
data", 示例, 样例, 演示数据...).

The crawl follows the links of each page in the page's language, from the home page, and from the
staff home and every staff route (about the newest record: ``site_crawl.staff_urls``, so that an
action page no link offers, such as publishing a published edition, is read too), and opens up to
``PAGES_PER_ROUTE`` pages of each route (the first ones reached). A download is no page: the first
ones of its route are opened (they must not fail) and count against the same limit, the rest are
not built. The demo is restored once for the module and rolled back after it; each page is rendered
once a session, for this crawl and the one-language crawl (``site_crawl``).
"""

import html
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from devolve.accounts.models import User
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.demo.testing import full_demo
from devolve.grants.models import Grant
from devolve.indicators.models import EvaluationRun
from devolve.matters.models import AnnualList, Matter
from devolve.performance.models import Appeal, PerformanceAssessment, Scheme, Score
from devolve.reporting.models import AreaReport, DepartmentReport
from devolve.selection.models import SelectionRound
from tests.scenarios.site_crawl import fetch, staff_urls

# On the worker that runs the one-language crawl, so that the pages both open are rendered once
# (``site_crawl``; ``devolve.core.testing.scheduling``).
pytestmark = pytest.mark.xdist_group("site_crawl")

PAGES_PER_ROUTE = 2
LANGUAGES = {"zh-hans": "", "en": "/en"}
LABELS = {
    "illustrative": {"zh-hans": "示意", "en": "illustrative"},
    "simulated": {"zh-hans": "模拟", "en": "simulated"},
}
OTHER_WORDS = {
    "zh-hans": re.compile(r"示例|样例|样本数据|虚拟数据|假数据|演示数据|测试数据|合成数据"),
    # "For example" is plain English, and "(demo)" names a demo login; "example data" or
    # "(sample)" would be a label.
    "en": re.compile(
        r"\b(?:example|sample|fake|dummy|fictitious|made-up|mock|demo|test)\s+"
        r"(?:data|values?|figures?|numbers?|records?|statistics)\b"
        r"|\((?:example|sample|fake)\)",
        re.IGNORECASE,
    ),
}
SIMULATED_PAGES = {"economy_overview", "economy_evaluation_detail", "evaluation_run_list"}
MAIN = re.compile(r'<main[^>]*id="main-content"[^>]*>(.*)</main>', re.DOTALL)
HREF = re.compile(r'href="([^"]+)"')
# Whose page it is, for pages addressed by a record's pk: (model, the flag that marks it).
RECORD_PAGES: dict[str, tuple[type[models.Model], str]] = {
    "area_report_": (AreaReport, "is_illustrative"),
    "department_report_": (DepartmentReport, "is_illustrative"),
    "grant_assessment_": (GrantAssessment, "is_illustrative"),
    "grant_": (Grant, "is_illustrative"),
    "assessment_round_": (AssessmentRound, "is_illustrative"),
    "performance_scheme_": (Scheme, "is_illustrative"),
    "performance_assessment_": (PerformanceAssessment, "is_illustrative"),
    "performance_score_": (Score, "is_illustrative"),
    "performance_appeal_": (Appeal, "is_illustrative"),
    "evaluation_run_": (EvaluationRun, "is_simulated"),
    "selection_": (SelectionRound, "is_illustrative"),
}


def visible_text(page: str) -> str:
    """The main content's text: tags, scripts and styles dropped, entities decoded, spaces
    collapsed."""
    found = MAIN.search(page)
    body = found.group(1) if found else ""
    # A form's choices offer records to pick; they show no value of them.
    body = re.sub(r"<(script|style|select|textarea)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@dataclass(frozen=True)
class Invented:
    """What the demo invented, as a page in ``language`` names it: each name with its kind."""

    names: dict[str, str]

    @classmethod
    def load(cls, language: str) -> "Invented":
        suffix = "zh" if language == "zh-hans" else "en"
        named: list[tuple[Any, str, str]] = [
            (AnnualList.objects.filter(is_illustrative=True), "title", "illustrative"),
            # A matter from a source may be flagged for an inferred type or department; only
            # those the demo made up whole (their source opens "Illustrative") have invented names.
            (
                Matter.objects.filter(is_illustrative=True, source__startswith="Illustrative"),
                "name",
                "illustrative",
            ),
            (AssessmentRound.objects.filter(is_illustrative=True), "title", "illustrative"),
            (Scheme.objects.filter(is_illustrative=True), "name", "illustrative"),
            (SelectionRound.objects.filter(is_illustrative=True), "title", "illustrative"),
        ]
        names: dict[str, str] = {}
        for records, attribute, kind in named:
            for value in records.values_list(f"{attribute}_{suffix}", flat=True):
                if value and len(value) >= 4:
                    names.setdefault(value, kind)
        return cls(names)


@dataclass
class PageCheck:
    """The faults of one page: invented values shown without their label, other words for
    them."""

    url: str
    missing: list[str] = field(default_factory=list)
    other_words: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.other_words


def check_page(
    url: str, page: str, *, language: str, invented: Invented, record_kind: str | None
) -> PageCheck:
    """What ``page`` (at ``url``) gets wrong: each kind of invented value it shows (by the names
    of ``invented``, or ``record_kind`` when it is an invented record's page) without that
    kind's label, and any other word for invented values."""
    text = visible_text(page)
    shown: dict[str, str] = {}
    if record_kind is not None:
        shown[record_kind] = "the page's record"
    for name, kind in invented.names.items():
        if kind not in shown and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            shown[kind] = name
    check = PageCheck(url)
    folded = text.casefold()
    for kind, example in sorted(shown.items()):
        if LABELS[kind][language].casefold() not in folded:
            check.missing.append(f"{kind} ({example})")
    check.other_words = sorted({match.group(0) for match in OTHER_WORDS[language].finditer(text)})
    return check


def _record_kind(url_name: str, kwargs: dict[str, Any]) -> str | None:
    if url_name in SIMULATED_PAGES:
        return "simulated"
    prefixes = [prefix for prefix in RECORD_PAGES if url_name.startswith(prefix)]
    # The record's own page; its action pages are forms about it.
    if "pk" not in kwargs or not prefixes or not url_name.endswith("_detail"):
        return None
    model, flag = RECORD_PAGES[max(prefixes, key=len)]
    record = model._default_manager.filter(pk=kwargs["pk"]).values(flag).first()
    if record is None or not record[flag]:
        return None
    return "simulated" if flag == "is_simulated" else "illustrative"


def _in_scope(path: str, *, language: str, staff: bool) -> bool:
    prefix = LANGUAGES[language]
    if language == "zh-hans" and path.startswith("/en/"):
        return False
    if not path.startswith(f"{prefix}/"):
        return False
    rest = path[len(prefix) :]
    if staff:
        return rest.startswith("/staff/")
    return not rest.startswith(("/staff/", "/accounts/", "/admin/", "/api/", "/i18n/"))


def crawl(
    client: Client, *, starts: list[str], language: str, staff: bool, invented: Invented
) -> Iterator[PageCheck]:
    """Each page reachable from ``starts`` in ``language`` (staff pages, as the office, or public
    ones), up to ``PAGES_PER_ROUTE`` a route (pages and downloads), checked. A page the
    one-language crawl rendered already is not rendered again (``tests.scenarios.site_crawl``)."""
    queue = deque(starts)
    seen = set(starts)
    opened: Counter[str] = Counter()
    while queue:
        url = queue.popleft()
        try:
            with translation.override(language):
                match = resolve(url)
        except Resolver404:
            continue
        name = match.url_name or ""
        if opened[name] >= PAGES_PER_ROUTE:
            continue
        answer = fetch(client, url, persona="office" if staff else "anonymous", language=language)
        if answer.status_code == 200:  # a download counts against its route, as a page does
            opened[name] += 1
        if not answer.is_page:
            continue
        page = answer.content.decode()
        yield check_page(
            url,
            page,
            language=language,
            invented=invented,
            record_kind=_record_kind(name, match.kwargs),
        )
        for href in HREF.findall(page):
            path = html.unescape(href).split("#")[0].split("?")[0]
            if path not in seen and _in_scope(path, language=language, staff=staff):
                seen.add(path)
                queue.append(path)


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        full_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded_once: None, db: None) -> None:
    return None


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("staff", [False, True], ids=["public", "staff"])
def test_every_invented_value_is_labelled_with_one_vocabulary(
    client: Client, demo: None, language: str, staff: bool
) -> None:
    prefix = LANGUAGES[language]
    starts = [f"{prefix}/"]
    if staff:
        office = User.objects.get(username="office")
        client.force_login(office)
        starts = [f"{prefix}/staff/", *staff_urls(office, language)]
    checks = list(
        crawl(
            client,
            starts=starts,
            language=language,
            staff=staff,
            invented=Invented.load(language),
        )
    )

    assert len(checks) > 20  # the crawl reached the site, not just its home page
    assert [check for check in checks if not check.ok] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_invented_value_without_its_label_is_caught(
    client: Client, demo: None, language: str
) -> None:
    edition = AnnualList.objects.filter(is_illustrative=True).order_by("-year").first()
    assert edition is not None
    url = f"{LANGUAGES[language]}/lists/{edition.year}/batch-{edition.batch.number}/"
    page = client.get(url).content.decode()
    invented = Invented.load(language)
    label = LABELS["illustrative"][language]
    # The same page with every label and every self-labelled name taken out.
    unlabelled = re.sub(label, "", page, flags=re.IGNORECASE)

    labelled = check_page(url, page, language=language, invented=invented, record_kind=None)
    caught = check_page(url, unlabelled, language=language, invented=invented, record_kind=None)

    assert labelled.ok
    assert [fault.partition(" (")[0] for fault in caught.missing] == ["illustrative"]


@pytest.mark.parametrize(
    ("language", "sentence", "found"),
    [
        ("en", "These are sample figures, for example.", ["sample figures"]),
        ("en", "Fake numbers and demo data (example).", ["(example)", "Fake numbers", "demo data"]),
        ("zh-hans", "本页为示例数据和演示数据。", ["演示数据", "示例"]),
        ("en", "Illustrative figures.", []),
        ("zh-hans", "示意数据与模拟数据。", []),
    ],
)
def test_another_word_for_invented_values_is_caught(
    language: str, sentence: str, found: list[str]
) -> None:
    page = f'<main class="govuk-main-wrapper" id="main-content"><p>{sentence}</p></main>'

    check = check_page("/", page, language=language, invented=Invented({}), record_kind=None)

    assert check.other_words == found
