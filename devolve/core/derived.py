"""Figures derived from many rows, computed once per version of the rows they read.

A page that aggregates a whole table (every accepted usage line, every observation) computes its
figures once and reads them back until one of its input tables changes. The version of the inputs
is the newest history row of each input model (django-simple-history records every create, change
and delete the services make), read from the history tables' indexes in one query; the figures
are kept in Django's cache under that version, so a change is seen by the next request on every
node, and a node's cache holding nothing in common with another's only costs a recomputation.
A result that can be brought up to date from the rows changed since (``updated_since``) is kept
with its version instead, and only its first computation on a node reads every row.
"""

import datetime
import hashlib
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone

# How long a version's figures stay in a node's cache when nothing asks for them.
KEEP_SECONDS = 24 * 60 * 60
_MISSING = object()


def data_version(inputs: Sequence[type[models.Model]]) -> tuple[tuple[Any, ...], ...]:
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


# How far before the moment a kept result's version was read ``updated_since`` looks for
# changes: a transaction that wrote its history rows before then but committed after (a long
# acceptance), or a node whose clock is somewhat behind, still has its rows seen by the next
# update.
CHANGES_OVERLAP = datetime.timedelta(minutes=10)


def _as_datetime(value: object) -> datetime.datetime | None:
    # SQLite hands back an aggregated date as text, in UTC.
    if value is None:
        return None
    moment = (
        value
        if isinstance(value, datetime.datetime)
        else datetime.datetime.fromisoformat(str(value))
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def updated_since[T](
    name: str,
    *,
    inputs: Sequence[type[models.Model]],
    key: Hashable,
    compute: Callable[[], T],
    update: Callable[[T, dict[type[models.Model], datetime.datetime]], T],
) -> T:
    """Like ``computed_once``, for a result that can be brought up to date from an older one.

    A node keeps the last result it computed for ``key`` with the version of ``inputs`` it read;
    when the inputs changed since, ``update(result, since)`` brings that result up to date, where
    ``since`` maps each input model to a moment before which no row the kept result missed was
    written (when its version was read, or its newest history row if later, less
    ``CHANGES_OVERLAP``): ``update`` recomputes what the history rows written after it touch.
    ``compute()`` runs only when the node keeps no result, or when an input's history or the
    node's clock went back (a restore, pruned history)."""
    read_at = timezone.now()
    version = data_version(inputs)
    cache_key = "devolve:derived-kept:" + hashlib.sha256(repr((name, key)).encode()).hexdigest()
    kept = cache.get(cache_key)
    if kept is not None and kept[0] == version:
        return kept[1]  # type: ignore[no-any-return]
    since = None
    if kept is not None and kept[2] <= read_at:  # not when this node's clock went back
        since = _changes_since(kept[0], kept[2], version, inputs)
    result = compute() if since is None else update(kept[1], since)
    cache.set(cache_key, (version, result, read_at), KEEP_SECONDS)
    return result


def _changes_since(
    kept: tuple[tuple[Any, ...], ...],
    read_at: datetime.datetime,
    current: tuple[tuple[Any, ...], ...],
    inputs: Sequence[type[models.Model]],
) -> dict[type[models.Model], datetime.datetime] | None:
    """Each input → the moment its changes since the ``kept`` version start; None when the kept
    version cannot be brought forward (an input was empty then, or its history went back)."""
    since = {}
    for model, (_, kept_id, kept_date), (_, current_id, current_date) in zip(
        inputs, kept, current, strict=True
    ):
        before, now = _as_datetime(kept_date), _as_datetime(current_date)
        if before is None or kept_id is None:
            return None
        if current_id is None or now is None or current_id < kept_id or now < before:
            return None
        since[model] = max(before, read_at) - CHANGES_OVERLAP
    return since
