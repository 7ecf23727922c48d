"""Counting a request's queries where it reads the data version (``core.derived.data_version``).

On PostgreSQL the version is read a second time, now and then, on a new snapshot: when a
transaction listed in the first snapshot ended before the backends were read (another test
worker's, as often as not), the first read cannot say whether the version is settled. That is
one read of the version, not a query the page added: ``assert_queries`` counts such a repeat
once, and nothing else differently.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Only the data version's statement reads the snapshot's transactions.
_VERSION_MARK = "pg_snapshot_xip"


def counted(queries: list[str]) -> int:
    """How many queries ``queries`` are, a data version read again right after itself counted
    once."""
    repeats = sum(
        1 for before, after in pairwise(queries) if after == before and _VERSION_MARK in after
    )
    return len(queries) - repeats


def query_count(context: CaptureQueriesContext) -> int:
    """How many queries ``context`` captured, a data version read again counted once
    (``counted``): for comparing a request's queries before and after rows are added."""
    return counted([query["sql"] for query in context.captured_queries])


@contextmanager
def assert_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """The block runs exactly ``expected`` queries on the default database (as pytest-django's
    ``django_assert_num_queries``), a data version read again counted once."""
    with CaptureQueriesContext(connection) as context:
        yield context
    sql = [query["sql"] for query in context.captured_queries]
    count = counted(sql)
    assert count == expected, f"{count} queries, {expected} expected:\n" + "\n".join(sql)
