"""Substring search: what a query is, how a table's index finds terms on SQLite and PostgreSQL,
and how the index survives a migration that rebuilds its table."""

import pytest
from django.db import connection

from devolve.core.search import (
    MAX_QUERY_LENGTH,
    SearchQueryError,
    ensure_search_indexes,
    matching,
    parse_query,
)
from devolve.matters.models import Matter
from devolve.matters.selectors import MATTER_SEARCH
from devolve.matters.tests.factories import MatterFactory

LAW_FIRMS = "律师事务所及分支机构设立、变更、注销审批"


@pytest.mark.parametrize("raw", ["", "   ", "\t\n", "\x00\x1f"])
def test_an_empty_query_is_refused(raw: str) -> None:
    with pytest.raises(SearchQueryError) as error:
        parse_query(raw)
    assert error.value.code == "empty_query"


def test_a_query_longer_than_the_limit_is_refused() -> None:
    assert parse_query("律" * MAX_QUERY_LENGTH).text == "律" * MAX_QUERY_LENGTH
    with pytest.raises(SearchQueryError) as error:
        parse_query("律" * (MAX_QUERY_LENGTH + 1))
    assert (error.value.code, error.value.field) == ("query_too_long", "q")


def test_terms_are_distinct_and_spaces_collapsed() -> None:
    query = parse_query("  law\u3000firm  law\u200b ")
    assert (query.text, query.terms) == ("law firm law", ("law", "firm"))


@pytest.fixture
def law_firms(db: None) -> Matter:
    # Fixed public keys: a random key is searchable too and may hold a query's letters ("aw fi").
    MatterFactory(
        name_zh="科技型中小企业评价（入库）确认",
        name_en="Sci-tech SME confirmation",
        key="22222222",
    )
    return MatterFactory(
        name_zh=LAW_FIRMS,
        name_en="Approval of law firms and their branches",
        code="511A0101",
        key="33333333",
    )


def _found(text: str) -> list[str]:
    matters = matching(Matter.objects.all(), index=MATTER_SEARCH, query=parse_query(text))
    return sorted(matters.values_list("name_zh", flat=True))


@pytest.mark.parametrize(
    "text",
    [
        "律师事务所",
        "律师",
        "律",
        "分支机构",
        "注销审批",
        "LAW FIRMS",
        "firms",
        "aw fi",
        "511a01",
        "law 变更",
    ],
)
def test_finds_any_part_of_a_name_or_code(law_firms: Matter, text: str) -> None:
    assert _found(text) == [LAW_FIRMS]


@pytest.mark.parametrize(
    "text", ["%", "_", "律%所", "' OR '1'='1", '"律师"', "<b>律师</b>", "law -firm"]
)
def test_searches_for_characters_literally(law_firms: Matter, text: str) -> None:
    assert _found(text) == []


def test_every_term_must_occur(law_firms: Matter) -> None:
    assert _found("律师 SME") == []


def test_finds_rows_written_after_the_index_was_built(law_firms: Matter) -> None:
    Matter.objects.filter(pk=law_firms.pk).update(name_zh="公证机构执业审批")
    assert _found("律师事务所") == []
    assert _found("公证机构") == ["公证机构执业审批"]
    Matter.objects.filter(pk=law_firms.pk).delete()
    assert _found("公证机构") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps the index by triggers")
def test_an_index_whose_triggers_a_migration_dropped_is_rebuilt(law_firms: Matter) -> None:
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "matters_matter_search_insert"')
    newer = MatterFactory(name_zh="公证机构执业审批")
    assert _found("公证机构") == []  # the index missed the row while its trigger was gone

    assert ensure_search_indexes([MATTER_SEARCH]) == ["matters_matter"]

    assert _found("公证机构") == [newer.name_zh]
    assert ensure_search_indexes([MATTER_SEARCH]) == []  # nothing more to do


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_each_searched_column_has_a_trigram_index(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'matters_matter' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {f"matters_matter_{column}_trgm" for column in MATTER_SEARCH.columns}
