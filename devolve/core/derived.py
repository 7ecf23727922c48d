"""Figures derived from many rows, computed once per version of the rows they read.

A page that aggregates a whole table (every accepted usage line, every observation) computes its
figures once and reads them back until one of its input tables changes. The version of the inputs
is the newest history row of each input model (django-simple-history records every create, change
and delete the services make), read from the history tables' indexes in one query; the figures
are kept in Django's cache under that version, so a change is seen by the next request on every
node, and a node's cache holding nothing in common with another's only costs a recomputation.
"""

import hashlib
from collections.abc import Callable, Hashable, Sequence

from django.core.cache import cache
from django.db import connection, models

# How long a version's figures stay in a node's cache when nothing asks for them.
KEEP_SECONDS = 24 * 60 * 60
_MISSING = object()


def data_version(inputs: Sequence[type[models.Model]]) -> tuple[object, ...]:
    """The newest history row (id and date) of each model: changes whenever a row of any of them
    is created, changed or deleted with its history. One query."""
    quote = connection.ops.quote_name
    tables = [quote(model.history.model._meta.db_table) for model in inputs]  # type: ignore[attr-defined]
    parts = [
        f"SELECT {place}, MAX(history_id), MAX(history_date) FROM {table}"  # noqa: S608 — table names, not input
        for place, table in enumerate(tables)
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1")
        return tuple(tuple(row) for row in cursor.fetchall())


def computed_once[T](
    name: str, *, inputs: Sequence[type[models.Model]], key: Hashable, compute: Callable[[], T]
) -> T:
    """``compute()`` for this ``key``, computed again only when a row of ``inputs`` changed since
    it was last computed. ``inputs`` must name every model with history whose rows the result
    reads; ``key`` everything else it depends on (arguments, the day)."""
    version = repr((name, key, data_version(inputs)))
    cache_key = "devolve:derived:" + hashlib.sha256(version.encode()).hexdigest()
    found = cache.get(cache_key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(cache_key, found, KEEP_SECONDS)
    return found  # type: ignore[no-any-return]
