"""Every API list read as rows (``devolve.core.api.rows``, ADR 0051) answers byte for byte what
its serializer answers over model instances: every list route, for anonymous visitors and a demo
persona of each kind of scope, in both languages, its first page, the pages after it (keyset
and numbered) and a few filters, each asked once as rows and once through the serializer. A
request that was not read as rows (a list that does not compile, or that refuses the persona)
went through its serializer already and is not asked again: both ways are the same code. A list
whose pages are stored (ADR 0057) is left to ``test_stored_pages``, which reads each of the same
pages, for the same personas and languages, as rows and through the serializer too (and stored).
The lists that compile are named, so a serializer change that makes one fall back to the slow path
fails here; the grants list reads a page in the same number of queries whatever its size or
depth."""

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers

from devolve.accounts.models import User
from devolve.core.api.rows import RowListMixin, RowReader
from devolve.core.api.stored_pages import StoredPagesMixin
from devolve.core.testing.queries import query_count
from devolve.grants.api.serializers import GrantOutput
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters.models import AnnualList, ListEntry
from tests.scenarios.test_authorization_matrix import _seeded_once, _sign_in, users

__all__ = ["_seeded_once", "users"]  # fixtures, imported for pytest to find

# The lists whose serializer compiles to rows; every other list falls back to its serializer.
READ_AS_ROWS = {
    "agreement-list",
    "authorization-mode-list",
    "batch-list",
    "batch-membership-list",
    "demand-item-list",
    "demand-window-list",
    "department-list",
    "division-list",
    "grant-list",
    "indicator-list",
    "matter-list",
    "matter-type-list",
    "observation-list",
    "performance-assessment-list",
    "zone-list",
}
# Anonymous visitors and a persona of each kind of scope: all, a department, a prefecture, an area.
PERSONAS = ["anonymous", "office", "finance", "chengdu", "tianfu"]
FILTERS: dict[str, list[dict[str, str]]] = {
    "grant-list": [
        {"status": "effective"},
        {"zone": "tianfu"},
        {"department": "finance", "page_size": "3"},
        {"kind": "support"},
        {"annual_list": "2023/batch-1", "page": "2", "page_size": "4"},
    ],
}


@pytest.fixture(autouse=True)
def _no_stored_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request reads its page: a page stored by the first request (ADR 0057) would answer
    the second, so the serializer would never be asked (tests/lists/test_stored_pages.py checks
    stored pages against both ways)."""
    monkeypatch.setattr(StoredPagesMixin, "_may_store", lambda *_args: False)


def _list_routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(resolver: URLResolver, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, pattern.namespace or namespace)
            elif (
                namespace == "api" and getattr(pattern.callback, "actions", {}).get("get") == "list"
            ):
                yield pattern.name or "", pattern

    yield from walk(get_resolver(), "")


def is_stored(pattern: URLPattern) -> bool:
    """Whether the list's pages are stored (``StoredPagesMixin`` with its inputs declared)."""
    view = pattern.callback.cls
    return issubclass(view, StoredPagesMixin) and bool(view.page_inputs)


def _get(client: Client, url: str, query: dict[str, str], language: str) -> tuple[int, bytes]:
    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.content


@contextlib.contextmanager
def _as_serialized(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every list serialized through its serializer, as before rows."""
    with monkeypatch.context() as patched:
        patched.setattr(RowReader, "of", staticmethod(lambda *_args: None))
        yield


@contextlib.contextmanager
def _noting_rows(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """For each list read meanwhile, whether it was read as rows."""
    read: list[bool] = []
    compile_rows = RowReader.of

    def of(*args: Any) -> RowReader | None:
        reader = compile_rows(*args)
        read.append(reader is not None)
        return reader

    with monkeypatch.context() as patched:
        patched.setattr(RowReader, "of", staticmethod(of))
        yield read


def test_the_lists_read_as_rows_are_the_ones_named() -> None:
    compiled = set()
    for name, pattern in _list_routes():
        view = pattern.callback.cls
        assert issubclass(view, RowListMixin), f"{name}: not on the list mechanism"
        serializer = view.serializer_class
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if serializer is not None and model is not None and RowReader.of(serializer, model):
            compiled.add(name)
    assert compiled == READ_AS_ROWS


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_list_reads_the_same_as_rows_as_through_its_serializer(
    users: dict[str, User | None], persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    _sign_in(client, users[persona])
    edition = AnnualList.objects.published().order_by("pk").first()
    assert edition is not None
    compared = 0
    for name, pattern in _list_routes():
        if is_stored(pattern):
            continue  # compared page by page in test_stored_pages
        kwargs = {"annual_list_key": edition.key} if pattern.pattern.regex.groupindex else {}
        url = reverse(f"api:{name}", kwargs=kwargs)
        for language in ("zh-hans", "en"):
            queries = [
                {},
                {"page_size": "3"},
                {"page": "2", "page_size": "5"},
                *FILTERS.get(name, []),
            ]
            for query in queries:
                asked: list[tuple[str, dict[str, str]]] = [(url, query)]
                with _noting_rows(monkeypatch) as read:
                    as_rows = [_get(client, url, query, language)]
                    for _page in range(2):  # follow the keyset pages after the first
                        status, content = as_rows[-1]
                        following = json.loads(content) if status == 200 else None
                        after = following.get("next") if isinstance(following, dict) else None
                        if not after:
                            break
                        asked.append((after, {}))
                        as_rows.append(_get(client, after, {}, language))
                if not any(read):
                    continue  # not read as rows: the serializer answered, the same both ways
                with _as_serialized(monkeypatch):
                    serialized = [_get(client, each, params, language) for each, params in asked]
                assert as_rows == serialized, f"{persona} {name} {query} {language}"
                compared += len(asked)
    assert compared > 100


@pytest.mark.django_db
def test_a_grants_page_is_read_in_the_same_queries_whatever_its_size_or_depth(
    users: dict[str, User | None],
) -> None:
    client = Client()
    _sign_in(client, users["office"])
    url = reverse("api:grant-list")
    assert Grant.objects.count() > 60

    def queries(query: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        assert response.status_code == 200
        return query_count(captured)

    small = queries({"page_size": "2"})
    assert queries({"page_size": "60"}) == small
    deep = client.get(url, {"page_size": "30"}).json()["next"]
    with CaptureQueriesContext(connection) as captured:
        client.get(deep)
    assert query_count(captured) == small


class _WithMethod(serializers.ModelSerializer[Grant]):
    label = serializers.SerializerMethodField()

    class Meta:
        model = Grant
        fields = ["id", "label"]

    def get_label(self, grant: Grant) -> str:
        return str(grant)


class _ThroughEmptyRelation(serializers.ModelSerializer[EntrustmentAgreement]):
    renews_number = serializers.CharField(source="renews.number")

    class Meta:
        model = EntrustmentAgreement
        fields = ["id", "renews_number"]


class _ManyKeys(serializers.Serializer[Any]):
    zones = serializers.SlugRelatedField(
        source="receiving_areas", slug_field="slug", many=True, read_only=True
    )


def test_what_a_row_cannot_hold_is_serialized_as_before() -> None:
    assert RowReader.of(_WithMethod, Grant) is None
    # Through an empty relation DRF leaves the field out; a row would show null.
    assert RowReader.of(_ThroughEmptyRelation, EntrustmentAgreement) is None
    assert RowReader.of(_ManyKeys, ListEntry) is None
    reader = RowReader.of(GrantOutput, Grant)
    assert reader is not None
    assert "entry__annual_list__batch__number" in reader.columns
