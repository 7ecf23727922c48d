"""API list pages answered from their stored bytes (``devolve.core.api.stored_pages``, ADR
0057, ADR 0064): a stored page is the page the list reads afresh, byte for byte and header for
header, for every persona, language, filter and page; an anonymous one is answered before DRF's
dispatch as DRF answers it, for every language and media type, conditional requests included;
the inputs a list declares cover every table its pages read; a write through each of the
services' ways of writing changes the version, and the next page shows it; a repeated request
reads only the version."""

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from rest_framework.views import APIView

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.actors import SYSTEM
from devolve.core.api.rows import RowReader
from devolve.core.api.stored_pages import StoredPagesMixin
from devolve.core.derived import data_version
from devolve.grants import services as grant_services
from devolve.grants.api.views import GrantViewSet
from devolve.grants.models import Grant
from devolve.grants.tests import test_api as grants_api_tests
from devolve.grants.tests.test_api import D
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList
from devolve.matters.services.catalogue import update_matter
from devolve.regions.models import Batch
from devolve.regions.tests.factories import BatchFactory
from tests.lists.test_api_rows import FILTERS, PERSONAS, _list_routes, is_stored
from tests.scenarios.test_authorization_matrix import _seeded_once, _sign_in, users

__all__ = ["_seeded_once", "users"]  # fixtures, imported for pytest to find

# Read by authentication, not by the page.
NOT_THE_PAGE = {"django_session", User._meta.db_table}


def _stored_lists() -> Iterator[tuple[str, URLPattern]]:
    for name, pattern in _list_routes():
        if is_stored(pattern):
            yield name, pattern


def _list_url(name: str, pattern: URLPattern) -> str:
    """The list's address; a list nested under an edition (its entries) under the first
    published one."""
    if not pattern.pattern.regex.groupindex:
        return reverse(f"api:{name}")
    edition = AnnualList.objects.published().order_by("pk").first()
    assert edition is not None
    return reverse(f"api:{name}", kwargs={"annual_list_key": edition.key})


def _through_tables(model: type[models.Model]) -> set[str]:
    """The tables of the many-to-many fields ``model``'s history tracks (``m2m_fields``): a
    change to them writes a history row of the model, so they are covered by its version."""
    fields = getattr(model.history.model, "_history_m2m_fields", ())
    return {field.remote_field.through._meta.db_table for field in fields}


def _urls(client: Client, url: str, name: str, language: str) -> list[str]:
    """The list's first pages, filtered and not, and the keyset pages after them."""
    queries: list[dict[str, str]] = [
        {},
        {"page_size": "3"},
        {"page": "2", "page_size": "5"},
        *FILTERS.get(name, []),
    ]
    urls = []
    for query in queries:
        first = client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)
        urls.append(first.request["PATH_INFO"] + "?" + first.request["QUERY_STRING"])
        body = first.json() if first.status_code == 200 else {}
        for _page in range(2):
            following = body.get("next") if isinstance(body, dict) else None
            if not following:
                break
            urls.append(following)
            body = client.get(following, HTTP_ACCEPT_LANGUAGE=language).json()
    return urls


def _answer(client: Client, url: str, language: str) -> tuple[int, bytes, dict[str, str]]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.content, dict(response.headers)


@contextlib.contextmanager
def _unstored(monkeypatch: pytest.MonkeyPatch, *, serialized: bool = False) -> Iterator[None]:
    """Pages read afresh, never stored (and, ``serialized``, through the serializer)."""
    with monkeypatch.context() as patched:
        patched.setattr(StoredPagesMixin, "_may_store", lambda *_args: False)
        if serialized:
            patched.setattr(RowReader, "of", staticmethod(lambda *_args: None))
        yield


@contextlib.contextmanager
def _through_drf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stored pages answered by DRF's dispatch only, never before it."""
    with monkeypatch.context() as patched:
        patched.setattr(StoredPagesMixin, "_answer_before_dispatch", lambda *_args: None)
        yield


@contextlib.contextmanager
def _dispatched(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The requests DRF's dispatch handled (its ``initial``: negotiation, authentication,
    permissions, throttles), by path."""
    handled: list[str] = []
    initial = APIView.initial

    def counted(view: APIView, request: Any, *args: Any, **kwargs: Any) -> None:
        handled.append(request.path)
        initial(view, request, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(APIView, "initial", counted)
        yield handled


def test_the_stored_lists_are_the_ones_named() -> None:
    assert {name for name, _pattern in _stored_lists()} == {
        "annual-list-list",
        "grant-list",
        "list-entry-list",
        "pilot-area-list",
    }


@pytest.mark.django_db
# The personas of test_api_rows, which leaves the stored lists to this test: their pages read as
# rows and through the serializer are compared here (``stored`` is both).
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_stored_page_is_the_page_read_afresh(
    users: dict[str, User | None], persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    _sign_in(client, users[persona])
    compared = 0
    for name, pattern in _stored_lists():
        url = _list_url(name, pattern)
        for language in ("zh-hans", "en"):
            for each in _urls(client, url, name, language):  # each read once, and stored
                stored = _answer(client, each, language)
                with _unstored(monkeypatch):
                    afresh = _answer(client, each, language)
                with _unstored(monkeypatch, serialized=True):
                    serialized = _answer(client, each, language)
                assert stored == afresh, f"{persona} {each} {language}"
                assert stored[:2] == serialized[:2], f"{persona} {each} {language}"
                compared += 1
    assert compared > 20


# Accept headers and ``format`` parameters: what content negotiation reads. The browsable API
# (text/html, ``format=api``) is never stored, and is answered by DRF.
MEDIA: list[tuple[dict[str, str], dict[str, str]]] = [
    ({}, {}),
    ({"HTTP_ACCEPT": "application/json"}, {}),
    ({"HTTP_ACCEPT": "*/*"}, {}),
    ({"HTTP_ACCEPT": "application/json; indent=2"}, {}),
    ({"HTTP_ACCEPT": "text/html,application/xhtml+xml"}, {}),
    ({}, {"format": "json"}),
    ({"HTTP_ACCEPT": "text/html, */*;q=0.8"}, {"format": "json"}),
    ({}, {"format": "api"}),
]


def _full(client: Client, url: str, query: dict[str, str], **headers: str) -> tuple[Any, ...]:
    response = client.get(url, query, **headers)
    return response.status_code, response.content, dict(response.headers)


@pytest.mark.django_db
def test_an_anonymous_page_answered_before_drf_is_drfs_answer(
    users: dict[str, User | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """For every stored list, language and media type, the kept page answered before DRF's
    dispatch is what DRF answers with the kept page and what it reads afresh: status, bytes and
    every header (the middleware's included); a conditional request still matching it gets
    DRF's 304, one no longer matching the full page."""
    client = Client()
    answered_before = conditional = 0
    for name, pattern in _stored_lists():
        url = _list_url(name, pattern)
        for filters in [{}, *FILTERS.get(name, [])[:1]]:
            for language in ("zh-hans", "en"):
                for headers, negotiated in MEDIA:
                    query = {**filters, **negotiated}
                    asked = {**headers, "HTTP_ACCEPT_LANGUAGE": language}
                    client.get(url, query, **asked)  # kept, when it may be
                    with _dispatched(monkeypatch) as handled:
                        before = _full(client, url, query, **asked)
                    with _through_drf(monkeypatch):
                        through_drf = _full(client, url, query, **asked)
                    with _unstored(monkeypatch):
                        afresh = _full(client, url, query, **asked)
                    case = f"{name} {query} {headers} {language}"
                    assert before[0] == 200, case
                    browsable = "html" in before[2]["Content-Type"]
                    assert bool(handled) == browsable, case
                    if browsable:  # a page of its own each time (its form's CSRF token)
                        assert afresh[2]["Content-Type"] == before[2]["Content-Type"], case
                        continue
                    assert before == through_drf == afresh, case
                    answered_before += 1
                    validators = {
                        "ETag": "HTTP_IF_NONE_MATCH",
                        "Last-Modified": "HTTP_IF_MODIFIED_SINCE",
                    }
                    for condition in (
                        {asked_as: before[2][header]}
                        for header, asked_as in validators.items()
                        if header in before[2]  # lists with ``CacheableReadMixin``
                    ):
                        conditional += 1
                        with _dispatched(monkeypatch) as handled:
                            unchanged = _full(client, url, query, **asked, **condition)
                        with _through_drf(monkeypatch):
                            unchanged_through_drf = _full(client, url, query, **asked, **condition)
                        assert unchanged == unchanged_through_drf, f"{case} {condition}"
                        assert unchanged[:2] == (304, b""), f"{case} {condition}"
                        assert not handled
                    changed = _full(client, url, query, **asked, HTTP_IF_NONE_MATCH='"other"')
                    assert changed == before, case
    assert answered_before >= 36
    assert conditional >= 24


def _tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', sql))


def _page_tables(sql: str) -> set[str]:
    """The project's tables ``sql`` reads (not PostgreSQL's functions the version's settled
    check reads, nor its common table expression), but authentication's."""
    return {
        table
        for table in _tables(sql) - NOT_THE_PAGE
        if not table.startswith("pg_") and table != "writing"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_list_declares_every_table_its_pages_read(
    users: dict[str, User | None], persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    _sign_in(client, users[persona])
    for name, pattern in _stored_lists():
        inputs: tuple[type[models.Model], ...] = tuple(pattern.callback.cls.page_inputs)
        declared = {model._meta.db_table for model in inputs}
        history = {model.history.model._meta.db_table for model in inputs}
        declared |= {table for model in inputs for table in _through_tables(model)}
        url = _list_url(name, pattern)
        read: set[str] = set()
        with _unstored(monkeypatch), CaptureQueriesContext(connection) as captured:
            _urls(client, url, name, "en")  # each page read afresh
        for query in captured.captured_queries:
            read |= _tables(query["sql"])
        assert read - NOT_THE_PAGE - history <= declared, name
        assert inputs[0]._meta.db_table in read, name


def _page(client: Client, zone: str, *, language: str) -> tuple[int, bytes, dict[str, str]]:
    return _answer(client, reverse("api:grant-list") + f"?zone={zone}", language)


@pytest.mark.django_db
def test_a_write_through_each_service_path_changes_the_stored_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The grants API tests' world, on a batch of its own (the demo may hold batch 1).
    free = (Batch.objects.aggregate(highest=Max("number"))["highest"] or 0) + 1
    monkeypatch.setattr(
        grants_api_tests,
        "BatchFactory",
        lambda **fields: BatchFactory(**{**fields, "number": free}),
    )
    office = make.office_user()
    world = grants_api_tests._build_world(
        make.justice(), make.finance(), make.pilot_area_user(), office
    )
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(office)
    inputs = GrantViewSet.page_inputs

    def check(step: str) -> list[bytes]:
        """Each client's page is what the list reads afresh, and is stored again."""
        pages = []
        for client in (anonymous, signed_in):
            for language in ("zh-hans", "en"):
                stored = _page(client, world.home.slug, language=language)
                with _unstored(monkeypatch):
                    afresh = _page(client, world.home.slug, language=language)
                assert stored == afresh, f"{step}: {language}"
                with _dispatched(monkeypatch) as handled:
                    assert _page(client, world.home.slug, language=language) == stored
                assert bool(handled) == (client is signed_in), step  # anonymous: before DRF
                pages.append(stored[1])
        return pages

    def written(step: str, write: Any) -> list[bytes]:
        before = data_version(inputs, using="default").newest
        write()
        assert data_version(inputs, using="default").newest != before, step
        return check(step)

    pages = check("published")
    assert Grant.objects.filter(status=Grant.Status.AWAITING_EFFECT).exists()
    changed = written(  # due grants made effective in bulk (bulk_update_with_history)
        "activated",
        lambda: grant_services.activate_due_grants(on=D(2023, 12, 31), activated_by=SYSTEM),
    )
    assert changed != pages
    grant = world.grant(world.law_firms, world.home)
    assert grant.effective_on is not None
    pages = changed
    changed = written(  # a save with its history row (save_validated)
        "handover",
        lambda: grant_services.record_handover(
            grant=grant, handed_over_on=grant.effective_on, recorded_by=office
        ),
    )
    assert changed != pages
    pages = changed
    changed = written(  # a catalogue change: the matter's name the page shows
        "matter",
        lambda: update_matter(matter=world.law_firms, updated_by=office, name_en="Law firms (new)"),
    )
    assert changed != pages
    pages = changed
    written(  # entries carried forward in bulk, with their history rows in bulk
        "carried forward",
        lambda: list_services.derive_annual_list(
            predecessor=world.edition, year=2024, created_by=office
        ),
    )
    draft = world.batch.annual_lists.get(year=2024)
    written(
        "reviewed",
        lambda: list_services.submit_annual_list_for_review(annual_list=draft, submitted_by=office),
    )
    written(
        "approved",
        lambda: list_services.approve_annual_list(
            annual_list=draft,
            approved_by=office,
            approved_on=D(2024, 3, 1),
            document_number="川改办〔2024〕1号",
        ),
    )
    changed = written(  # grants inserted and superseded in SQL, history by write_history_in_sql
        "published",
        lambda: grant_services.publish_annual_list(
            annual_list=draft, published_on=D(2024, 3, 10), published_by=office
        ),
    )
    assert changed != pages
    assert Grant.objects.filter(entry__annual_list=draft).exists()


@pytest.mark.django_db
def test_a_repeated_page_reads_only_the_version(
    users: dict[str, User | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL too: the test's own transaction is not among those in progress, and other
    databases' transactions do not count."""
    for persona in ("anonymous", "finance"):
        client = Client()
        _sign_in(client, users[persona])
        url = reverse("api:grant-list")
        with CaptureQueriesContext(connection) as first:
            stored = client.get(url, {"page_size": "7"})
        with CaptureQueriesContext(connection) as again, _dispatched(monkeypatch) as handled:
            repeated = client.get(url, {"page_size": "7"})
        assert bool(handled) == (persona != "anonymous")  # anonymous: answered before DRF
        assert repeated.content == stored.content
        assert repeated["ETag"] == stored["ETag"]
        read = [_page_tables(query["sql"]) for query in again.captured_queries]
        assert [tables for tables in read if tables] == [
            {model.history.model._meta.db_table for model in GrantViewSet.page_inputs}
        ], persona
        assert len(again.captured_queries) < len(first.captured_queries)
        conditional = client.get(url, {"page_size": "7"}, HTTP_IF_NONE_MATCH=stored["ETag"])
        assert conditional.status_code == 304
