"""Substring search over ordinary tables, in Chinese and English, on SQLite and PostgreSQL.

Chinese has no spaces between words, so a search for 律师事务所 must find it inside
律师事务所及分所设立、变更、注销审批: every term is matched as a substring of a column, case
aside. Each searchable table gets an index built for that (``SearchIndex``):

- SQLite: an FTS5 table with the ``trigram`` tokenizer over the table's columns (external
  content, kept current by triggers). A term of three or more characters is looked up there;
  a shorter one (律师, "AI") is matched with ``LIKE`` on the table itself, since trigrams cannot
  answer it.
- PostgreSQL: a GIN ``pg_trgm`` index on ``UPPER(column)`` for each column, which serves the
  ``UPPER(column) LIKE UPPER('%term%')`` that Django's ``icontains`` writes.

The indexes are created after every ``migrate`` (and test-database flush) by ``post_migrate``
receivers the owning apps register (``connect_search_indexes``): SQLite rebuilds a table when a
migration alters it, which drops its triggers, so the receiver checks them each time and rebuilds
the index when any was missing.

Ranking is plain SQL that reads the same on both databases: a title equal to the query, then one
starting with it, then one containing it, then one containing every term, then a match in another
column; shorter titles first. Hits of several kinds are ranked and paginated together as one
``UNION ALL`` query, and counted per kind in the same statement.

Knows no domain app: each app declares its indexes and builds its own querysets with
``matching`` and ``relevance``.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models import Case, CharField, F, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from devolve.core.errors import DomainError

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
TRIGRAM = 3  # the shortest term a trigram index can look up

# Control characters (and the Unicode "other" controls) never belong in a query.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


class SearchQueryError(DomainError):
    """A query the search cannot run: empty or too long."""


@dataclass(frozen=True)
class SearchQuery:
    """What was asked: the whole text (spaces collapsed) and its distinct terms."""

    text: str
    terms: tuple[str, ...]


def parse_query(raw: str) -> SearchQuery:
    """``raw`` as a query; ``SearchQueryError`` (``empty_query``, ``query_too_long``) otherwise.

    Anything else is searched for literally: quotes, ``%``, ``<script>`` and ``' OR 1=1`` are just
    characters to find.

    >>> parse_query("  律师   law  ").terms
    ('律师', 'law')
    """
    if len(raw) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            "query_too_long",
            _("Search for at most %(limit)s characters.") % {"limit": MAX_QUERY_LENGTH},
            field="q",
        )
    text = " ".join(_CONTROL.sub(" ", raw).split())
    if not text:
        raise SearchQueryError("empty_query", _("Type a word or part of a word."), field="q")
    terms = tuple(dict.fromkeys(text.split()))[:MAX_TERMS]
    return SearchQuery(text=text, terms=terms)


@dataclass(frozen=True)
class SearchIndex:
    """The columns of one table that search looks in (model field names equal column names)."""

    table: str
    columns: tuple[str, ...]

    @property
    def fts_table(self) -> str:
        return f"{self.table}_search"


def _fts_phrase(term: str) -> str:
    """The term as an FTS5 phrase: quoted, so no character in it is query syntax."""
    return '"' + term.replace('"', '""') + '"'


def matching[M: Model](
    queryset: QuerySet[M], *, index: SearchIndex, query: SearchQuery
) -> QuerySet[M]:
    """Rows of ``queryset`` in which every term of ``query`` occurs in a column of ``index``."""
    vendor = connections[queryset.db].vendor
    for term in query.terms:
        if vendor == "sqlite" and len(term) >= TRIGRAM:
            # The table name comes from a SearchIndex in code; the term is a parameter.
            sql = f'SELECT rowid FROM "{index.fts_table}" WHERE "{index.fts_table}" MATCH %s'  # noqa: S608
            rows = RawSQL(sql, (_fts_phrase(term),))  # noqa: S611
            queryset = queryset.filter(pk__in=rows)
        else:
            condition = Q()
            for column in index.columns:
                condition |= Q(**{f"{column}__icontains": term})
            queryset = queryset.filter(condition)
    return queryset


def relevance(query: SearchQuery, *, titles: Sequence[str]) -> Case:
    """A score for ordering hits: 400 a title equals the query, 300 starts with it, 200 contains
    it, 150 contains every term, else 100 (the match is in another column)."""

    def any_title(lookup: str, value: str) -> Q:
        condition = Q()
        for title in titles:
            condition |= Q(**{f"{title}__{lookup}": value})
        return condition

    whens = [
        When(any_title("iexact", query.text), then=Value(400)),
        When(any_title("istartswith", query.text), then=Value(300)),
        When(any_title("icontains", query.text), then=Value(200)),
    ]
    if len(query.terms) > 1:
        every_term = Q()
        for title in titles:
            in_title = Q()
            for term in query.terms:
                in_title &= Q(**{f"{title}__icontains": term})
            every_term |= in_title
        whens.append(When(every_term, then=Value(150)))
    return Case(*whens, default=Value(100), output_field=IntegerField())


def as_hits(queryset: QuerySet[Any], *, kind: str, score: Case, title: str) -> QuerySet[Any]:
    """``queryset`` shaped for ``rank_and_page``: kind, id, score and title length, unordered."""
    hits: QuerySet[Any] = (
        queryset.order_by()
        .annotate(
            hit_kind=Value(kind, output_field=CharField()),
            hit_id=F("pk"),
            hit_score=score,
            hit_length=Length(title),
        )
        .values_list("hit_kind", "hit_id", "hit_score", "hit_length")
    )
    return hits


@dataclass(frozen=True)
class Hit:
    kind: str
    pk: int
    score: int


@dataclass(frozen=True)
class HitPage:
    """One page of ranked hits, the total and the number of hits of each kind."""

    hits: list[Hit]
    total: int
    by_kind: dict[str, int]
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def rank_and_page(hits: Mapping[str, QuerySet[Any]], *, page: int, per_page: int) -> HitPage:
    """Rank the ``as_hits`` querysets together and return page ``page`` (from 1; past the last,
    the last): one query, however many kinds and rows. The hits are gathered once (a common
    table expression, which PostgreSQL reads once however often the statement names it), counted
    per kind and ranked for the page, whose offset the statement works out from their count."""
    querysets = list(hits.values())
    if not querysets:
        return HitPage(hits=[], total=0, by_kind={}, number=1, per_page=per_page)
    combined = querysets[0].union(*querysets[1:], all=True) if len(querysets) > 1 else querysets[0]
    sql, params = combined.order_by().query.sql_with_params()
    number = max(page, 1)
    # The page's offset: ``number``'s, or the last page's when ``number`` is past it (integer
    # division on both databases).
    offset = (
        "(SELECT (CASE WHEN %s > pages THEN pages ELSE %s END - 1) * %s FROM"
        " (SELECT CASE WHEN COUNT(*) = 0 THEN 1 ELSE (COUNT(*) + %s - 1) / %s END AS pages"
        " FROM hits) counted)"
    )
    statement = (
        f"WITH hits (hit_kind, hit_id, hit_score, hit_length) AS ({sql}) "  # noqa: S608 — Django compiled it; its values are parameters
        "SELECT hit_kind, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER),"
        " COUNT(*) FROM hits GROUP BY hit_kind "
        "UNION ALL "
        "SELECT * FROM (SELECT hit_kind, hit_id, hit_score, hit_length, CAST(NULL AS BIGINT)"
        " FROM hits ORDER BY hit_score DESC, hit_length, hit_kind, hit_id"
        f" LIMIT %s OFFSET {offset}) page"
    )
    arguments = (*params, per_page, number, number, per_page, per_page, per_page)
    by_kind: dict[str, int] = {}
    ranked: list[tuple[str, int, int, int]] = []
    with connections[combined.db].cursor() as cursor:
        cursor.execute(statement, arguments)
        for kind, pk, score, length, count in cursor.fetchall():
            if count is not None:
                by_kind[kind] = count
            else:
                ranked.append((kind, pk, score, length))
    total = sum(by_kind.values())
    ranked.sort(key=lambda hit: (-hit[2], hit[3], hit[0], hit[1]))
    return HitPage(
        hits=[Hit(kind=kind, pk=pk, score=score) for kind, pk, score, _length in ranked],
        total=total,
        by_kind=by_kind,
        number=min(number, max(1, -(-total // per_page))),
        per_page=per_page,
    )


# Index upkeep ---------------------------------------------------------------------------------


def _sqlite_index(cursor: Any, index: SearchIndex) -> bool:
    """Create the FTS5 table and its triggers where missing; rebuild the index if anything was
    missing or the columns changed. Returns whether it rebuilt."""
    columns = ", ".join(f'"{column}"' for column in index.columns)
    new_values = ", ".join(f'new."{column}"' for column in index.columns)
    old_values = ", ".join(f'old."{column}"' for column in index.columns)
    fts, table = index.fts_table, index.table
    create_table = (
        f'CREATE VIRTUAL TABLE "{fts}" USING fts5({columns}, content="{table}", '
        f"content_rowid=\"id\", tokenize='trigram')"
    )
    # Names come from SearchIndex declarations in code, never from input.
    insert = f'INSERT INTO "{fts}"(rowid, {columns}) VALUES (new."id", {new_values});'  # noqa: S608
    delete = (
        f'INSERT INTO "{fts}"("{fts}", rowid, {columns}) '  # noqa: S608
        f"VALUES ('delete', old.\"id\", {old_values});"
    )
    triggers = {
        f"{fts}_insert": f'AFTER INSERT ON "{table}" BEGIN {insert} END',
        f"{fts}_delete": f'AFTER DELETE ON "{table}" BEGIN {delete} END',
        f"{fts}_update": f'AFTER UPDATE OF {columns} ON "{table}" BEGIN {delete} {insert} END',
    }
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE name = %s OR name IN (%s, %s, %s)",
        [fts, *triggers],
    )
    existing = dict(cursor.fetchall())
    if existing.get(fts) != create_table:
        for name in triggers:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        cursor.execute(f'DROP TABLE IF EXISTS "{fts}"')
        cursor.execute(create_table)
        existing = {}
    missing = [name for name in triggers if name not in existing]
    for name in missing:
        cursor.execute(f'CREATE TRIGGER "{name}" {triggers[name]}')
    if missing:
        cursor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')  # noqa: S608
    return bool(missing)


def trigram_index_sql(name: str, table: str, column: str, *, where: str = "") -> str:
    """PostgreSQL: a GIN ``pg_trgm`` index named ``name`` on ``UPPER(column)`` of ``table``
    (only over the rows ``where`` keeps, when given), which serves the
    ``UPPER(column) LIKE UPPER('%term%')`` that Django's ``icontains`` writes; created when
    missing. Needs the extension (``TRIGRAM_EXTENSION_SQL``)."""
    condition = f" WHERE {where}" if where else ""
    return (
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
        f'USING gin (UPPER("{column}"::text) gin_trgm_ops){condition}'
    )


TRIGRAM_EXTENSION_SQL = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


def _postgresql_index(cursor: Any, index: SearchIndex) -> None:
    cursor.execute(TRIGRAM_EXTENSION_SQL)
    for column in index.columns:
        cursor.execute(trigram_index_sql(f"{index.table}_{column}_trgm", index.table, column))


FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")
_FTS5_TABLES = (
    "SELECT name FROM sqlite_master "
    "WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%%USING fts5%%'"
)
# Every index an app connected, so a database built once (a test template) can tell when the
# declarations changed.
DECLARED_INDEXES: list[SearchIndex] = []


def index_tables(cursor: Any) -> set[str]:
    """SQLite: the FTS5 tables and their shadow tables. They are derived from ordinary tables, so
    anything that copies a database's rows table by table must leave them out and rebuild them
    (``rebuild_index_tables``); elsewhere, none."""
    if cursor.db.vendor != "sqlite":
        return set()
    cursor.execute(_FTS5_TABLES)
    virtual = {row[0] for row in cursor.fetchall()}
    return virtual | {name + suffix for name in virtual for suffix in FTS5_SHADOW_SUFFIXES}


def rebuild_index_tables(cursor: Any) -> None:
    """SQLite: rebuild every FTS5 table from its content table (after rows were copied in
    without going through the triggers' bookkeeping)."""
    if cursor.db.vendor != "sqlite":
        return
    cursor.execute(_FTS5_TABLES)
    for (name,) in cursor.fetchall():
        cursor.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')  # noqa: S608


def ensure_search_indexes(indexes: Iterable[SearchIndex], *, using: str = "default") -> list[str]:
    """Create what is missing of each index on database ``using``; the tables rebuilt (SQLite)."""
    connection = connections[using]
    rebuilt: list[str] = []
    with connection.cursor() as cursor:
        for index in indexes:
            if connection.vendor == "sqlite":
                if _sqlite_index(cursor, index):
                    rebuilt.append(index.table)
            elif connection.vendor == "postgresql":
                _postgresql_index(cursor, index)
    return rebuilt


def connect_search_indexes(app: AppConfig, indexes: Sequence[SearchIndex]) -> None:
    """Keep ``app``'s search indexes after every migrate and flush (an infrastructure receiver)."""

    def receiver(using: str = "default", **kwargs: Any) -> None:
        ensure_search_indexes(indexes, using=using)

    DECLARED_INDEXES.extend(index for index in indexes if index not in DECLARED_INDEXES)
    post_migrate.connect(
        receiver, sender=app, weak=False, dispatch_uid=f"search-indexes-{app.label}"
    )
