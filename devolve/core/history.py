"""Row history that also records the actor and reason of a service's change."""

import contextlib
import datetime
import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, models, transaction
from django.db.models import ForeignKey, Max, UniqueConstraint
from django.utils import timezone
from simple_history import manager as simple_history_manager
from simple_history import models as simple_history_models
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from devolve.core.actions import stored_code
from devolve.core.actors import SystemActor
from devolve.core.errors import domain_error_from_validation
from devolve.core.search import TRIGRAM_EXTENSION_SQL, trigram_index_sql


class HistoryManager(simple_history_manager.HistoryManager):
    """django-simple-history's manager of a model's history rows, its class made once.

    ``Model.history`` builds a new manager class on every access (``from_queryset``, which walks
    the queryset class's members with ``inspect``, about 0.1 ms), and the library reads it for
    every history row it writes: more than a second of each demo seed, and a share of every test
    that saves. The class depends only on the two classes, so it is made once for each pair.
    """

    @classmethod
    def from_queryset(cls, queryset_class: Any, class_name: str | None = None) -> Any:
        key = (cls, queryset_class, class_name)
        if key not in _manager_classes:
            _manager_classes[key] = super().from_queryset(queryset_class, class_name)
        return _manager_classes[key]


_manager_classes: dict[tuple[type[HistoryManager], Any, str | None], Any] = {}

# The columns each history table is indexed by, before the change log's order (time, then
# record): none (a page of the whole log or from a date), the kind of change (the log's
# ``action=created|changed|deleted``) and the actor (``actor``). A filtered page then reads
# the matching rows in the log's order from where it starts and stops after a page, however
# rarely the filter matches (ADR 0078). A change here is one migration per app with history,
# written with ``core.migration_operations.AddIndexes``.
HISTORY_INDEXED_FILTERS: tuple[tuple[str, ...], ...] = ((), ("history_type",), ("history_user",))
# And by the code of the reason the system wrote (``core.actions.stored_code``), before the same
# order, so that the log's ``reason`` filter finds the rows of a rarely written sentence without
# reading a table (ADR 0080). Typed reasons have an index of their own on PostgreSQL
# (``ensure_typed_reason_indexes``).
REASON_FIELD = "history_change_reason"


def reason_code_index(model: type[models.Model]) -> models.Index:
    """The index of ``model``'s history table by its reasons' codes, then time, then record."""
    digest = hashlib.sha256(model._meta.label_lower.encode()).hexdigest()[:12]
    return models.Index(
        stored_code(REASON_FIELD),
        models.F("history_date"),
        models.F("history_id"),
        name=f"hist_reason_{digest}",
    )


def typed_reason_index_sql(table: str) -> str:
    """PostgreSQL: the trigram index of the reasons people typed into ``table`` (a history
    table), for the log's ``reason`` filter: ``UPPER(reason) LIKE UPPER('%words%')``, which
    Django's ``icontains`` writes, over the rows whose reason is not a stored sentence. Its
    condition is the one ``core.actions.reading`` writes, so that the planner may use it; the
    system's sentences, most of the rows and all of a bulk write's, are not in it, so writing
    them costs the index nothing (ADR 0080)."""
    column = f'"{REASON_FIELD}"'
    typed = (
        f"{column} IS NOT NULL AND NOT ({column}::text LIKE '{{\"code\":%' "
        f"AND {column} IS NOT NULL)"
    )
    return trigram_index_sql(f"{table}_typed_reason", table, REASON_FIELD, where=typed)


def ensure_typed_reason_indexes(using: str = "default", **kwargs: Any) -> None:
    """Create what is missing of the typed reasons' indexes (PostgreSQL; a ``post_migrate``
    receiver of the core app, as the search indexes are: pg_trgm's operator class has no place
    in a migration that SQLite runs too)."""
    database = connections[using]
    if database.vendor != "postgresql":
        return
    with database.cursor() as cursor:
        cursor.execute(TRIGRAM_EXTENSION_SQL)
        for model in simple_history_models.registered_models.values():
            if not model._meta.auto_created:  # the through tables: no history manager
                cursor.execute(typed_reason_index_sql(model.history.model._meta.db_table))


class HistoricalRecords(simple_history_models.HistoricalRecords):
    """``HistoricalRecords`` whose ``history`` manager class is made once (``HistoryManager``)
    and whose history table is indexed in the change log's order: by time, then record
    (``history_date``, ``history_id``), instead of the library's index on the time alone, so a
    page of the log, unfiltered or from a date, reads each table's index from where the page
    starts and stops after a page's rows, however many rows share a time (a bulk write gives
    thousands the same one; ADR 0073); and by kind of change and by actor before that order
    (``HISTORY_INDEXED_FILTERS``), so a page filtered by either does too (ADR 0078). Every
    model with history declares it with this class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("history_manager", HistoryManager)
        super().__init__(*args, **kwargs)

    @property
    def _date_indexing(self) -> bool:
        """No index on the time alone: the index below starts with it."""
        return False

    def get_meta_options(self, model: type[models.Model]) -> dict[str, Any]:
        options: dict[str, Any] = super().get_meta_options(model)
        options["indexes"] = [
            *(
                models.Index(fields=[*narrowed_by, "history_date", "history_id"])
                for narrowed_by in HISTORY_INDEXED_FILTERS
            ),
            reason_code_index(model),
        ]
        return options


def mark_change(
    instance: models.Model, *, actor: models.Model | SystemActor | None, reason: str = ""
) -> None:
    """Attach actor and reason to the history row that the next ``save()`` writes.

    django-simple-history reads ``_history_user`` and ``_change_reason`` from the instance; setting
    them here keeps services independent of the request middleware (commands have no request).
    """
    instance._history_user = actor if actor is not None and actor.pk else None  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


# True inside ``loading_known_good_data()``.
_constraints_left_to_the_database: ContextVar[bool] = ContextVar(
    "constraints_left_to_the_database", default=False
)


@contextlib.contextmanager
def loading_known_good_data() -> Iterator[None]:
    """Write data known to be valid (the demo seed) through the services at bulk-load cost.

    Inside the block the services skip two costs that only make a refusal friendlier:

    - ``save_validated`` leaves each model's ``Meta.constraints`` to the database, which
      enforces every one of them. Django checks each constraint with a query of its own before
      the save (about half of the demo seed's queries); a violation still stops the load, as an
      ``IntegrityError`` instead of a ``DomainError``. Fields, ``clean()`` and ``unique``
      fields are still validated.
    - a service's ``transaction.atomic`` nested in the caller's sets no savepoint (two
      queries per call, another third of the seed's), on SQLite as on PostgreSQL. The load
      must run in one transaction that is all or nothing: an error inside any service rolls
      the whole of it back, so catch none.
    """
    features = connection.features
    overridden = "uses_savepoints" in vars(features)
    previous = features.uses_savepoints
    token = _constraints_left_to_the_database.set(True)
    features.uses_savepoints = False
    # SQLite's backend sets a savepoint in any nested block whatever ``uses_savepoints`` says
    # (its ``_savepoint_allowed``); the block asks it for none either, as on PostgreSQL.
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection._savepoint_allowed = _no_savepoints  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _constraints_left_to_the_database.reset(token)
        if sqlite:
            del connection._savepoint_allowed  # type: ignore[attr-defined]
        if overridden:
            features.uses_savepoints = previous
        else:
            del features.uses_savepoints


def _no_savepoints() -> bool:
    return False


def save_validated(
    instance: models.Model, *, actor: models.Model | SystemActor | None, reason: str
) -> None:
    """Validate fully, then save with the actor and reason on the history row.

    The one way services persist a row they changed: a ``full_clean()`` failure becomes a
    ``DomainError`` with a stable code (``duplicate``, ``invalid`` or the code the model set).
    Inside ``loading_known_good_data()`` the database alone checks ``Meta.constraints`` and
    that the row each foreign key names exists.
    """
    try:
        if _constraints_left_to_the_database.get():
            _full_clean_known_good(instance)
        else:
            instance.full_clean()
    except ValidationError as error:
        raise domain_error_from_validation(error) from error
    mark_change(instance, actor=actor, reason=reason)
    instance.save()


def save_all_validated[M: models.Model](
    instances: Sequence[M],
    *,
    actor: models.Model | SystemActor | None,
    reason: str | Callable[[M], str],
) -> None:
    """``save_validated`` for a set of rows of one model, at the cost of one insert for the
    new ones: every row is validated first, in order, and the first problem refused as
    ``save_validated`` refuses it; then the changed rows are saved one by one and the new ones
    inserted together with their history rows (``bulk_create_with_history``: a queryset's bulk
    insert alone would write no history). ``reason`` is one reason for all or each row's own.

    The rows are validated as a set: a new row that repeats an earlier row of the set on a
    ``UniqueConstraint`` is refused as a duplicate, as it would be had the earlier row been
    saved first (inside ``loading_known_good_data()`` the database refuses it instead). The
    caller must run inside a transaction, so that a refusal leaves nothing written.
    """
    keys_seen: dict[str, set[tuple[object, ...]]] = {}
    checks_constraints = not _constraints_left_to_the_database.get()
    for instance in instances:
        try:
            if checks_constraints:
                instance.full_clean()
                if instance._state.adding:
                    _check_unique_within_set(instance, keys_seen)
            else:
                _full_clean_known_good(instance)
        except ValidationError as error:
            raise domain_error_from_validation(error) from error
        mark_change(instance, actor=actor, reason=reason(instance) if callable(reason) else reason)
    new = [instance for instance in instances if instance._state.adding]
    for instance in instances:
        if not instance._state.adding:
            instance.save()
    if new:
        bulk_create_with_history(new, type(new[0]))


def update_all_validated[M: models.Model](
    instances: Sequence[M],
    *,
    fields: Sequence[str],
    actor: models.Model | SystemActor | None,
    reason: str | Callable[[M], str],
) -> None:
    """``save_validated`` for a set of existing rows of one model whose ``fields`` changed, at
    the cost of one ``UPDATE`` and one history ``INSERT`` a batch instead of two statements a
    row: every row is validated first, in order, and the first problem refused as
    ``save_validated`` refuses it; then ``update_rows`` writes the rows and
    ``bulk_history_create`` their history rows (``~``, with the actor and each row's reason, in
    the order given). ``reason``
    is one reason for all or each row's own. Only ``fields`` are written (an ``auto_now`` column
    not among them keeps its value). The caller must run inside a
    transaction, so that a refusal leaves nothing written."""
    if not instances:
        return
    checks_constraints = not _constraints_left_to_the_database.get()
    for instance in instances:
        if instance._state.adding:
            raise ValueError("update_all_validated updates rows that exist; save new ones.")
        try:
            if checks_constraints:
                instance.full_clean()
            else:
                _full_clean_known_good(instance)
        except ValidationError as error:
            raise domain_error_from_validation(error) from error
        mark_change(instance, actor=actor, reason=reason(instance) if callable(reason) else reason)
    model = type(instances[0])
    with transaction.atomic(savepoint=False):
        update_rows(instances, fields=fields)
        get_history_manager_for_model(model).bulk_history_create(instances, update=True)


def update_rows(instances: Sequence[models.Model], *, fields: Sequence[str]) -> None:
    """Write ``fields`` of ``instances``, existing rows of one model, with one ``UPDATE … FROM
    (VALUES …)`` a batch: what ``QuerySet.bulk_update`` writes, without the ``CASE WHEN`` it
    builds for each row and field, whose compiling costs several times the statement (about a
    quarter of a millisecond a value; a scoring sheet of a thousand grants, five fields, took
    more than a second). Values are prepared as ``save()`` prepares them and, on PostgreSQL,
    cast to their column's type (a parameter in a list of values is otherwise read as text).
    Writes no history: ``update_all_validated`` does that."""
    if not instances:
        return
    model = type(instances[0])
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    concrete = [field for field in columns if isinstance(field, models.Field) and field.concrete]
    if len(concrete) != len(columns) or not _updates_from_values():
        model._base_manager.bulk_update(instances, list(fields))
        return
    quote = connection.ops.quote_name
    casts = connection.vendor == "postgresql"

    def placeholder(field: models.Field[Any, Any]) -> str:
        return f"CAST(%s AS {field.cast_db_type(connection)})" if casts else "%s"

    pk = meta.pk
    assert pk is not None  # noqa: S101 — a concrete model has a key
    row = f"({', '.join(placeholder(field) for field in [pk, *concrete])})"
    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(str(field.column))} = v.column{place}" for place, field in enumerate(concrete, 2)
    )
    # SQLite numbers at most 32766 parameters a statement; PostgreSQL's limit is higher.
    per_batch = max(
        1, min(connection.features.max_query_params or 32766, 32766) // (len(concrete) + 1)
    )
    with connection.cursor() as cursor:
        for start in range(0, len(instances), per_batch):
            batch = instances[start : start + per_batch]
            cursor.execute(
                f"UPDATE {table} SET {assignments} "  # noqa: S608 — names from the model
                f"FROM (VALUES {', '.join([row] * len(batch))}) v "
                f"WHERE {table}.{quote(str(pk.column))} = v.column1",
                [
                    field.get_db_prep_save(getattr(instance, field.attname), connection)
                    for instance in batch
                    for field in [pk, *concrete]
                ],
            )


def _updates_from_values() -> bool:
    """Whether the database takes ``UPDATE … FROM``: PostgreSQL, and SQLite from 3.33."""
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version_info >= (3, 33)
    return connection.vendor == "postgresql"


def _check_unique_within_set(
    instance: models.Model, keys_seen: dict[str, set[tuple[object, ...]]]
) -> None:
    """Refuse ``instance`` if an earlier new row of its set has the same values on one of the
    model's plain ``UniqueConstraint``s, with the error ``UniqueConstraint.validate`` gives
    for a row already in the database."""
    model = type(instance)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, UniqueConstraint) or not constraint.fields:
            continue
        if constraint.condition is not None or constraint.expressions:
            continue
        fields = [model._meta.get_field(name) for name in constraint.fields]
        key = tuple(
            getattr(instance, field.attname) for field in fields if isinstance(field, models.Field)
        )
        if None in key:
            continue  # NULLs are distinct, as in the database
        seen = keys_seen.setdefault(constraint.name, set())
        if key not in seen:
            seen.add(key)
            continue
        if constraint.violation_error_message == constraint.default_violation_error_message:
            message = instance.unique_error_message(model, constraint.fields)
            raise ValidationError(message, code=message.code)
        raise ValidationError(
            constraint.get_violation_error_message(), code=constraint.violation_error_code
        )


def _full_clean_known_good(instance: models.Model) -> None:
    """``full_clean()`` without the queries whose answer the database gives at commit anyway:
    each of ``Meta.constraints``, and for each foreign key whether the row it names exists (a
    query per key and row; the key's deferred constraint). Whether a key is required is still
    checked, as are the other fields, ``clean()`` and the ``unique`` checks of other fields."""
    keys = [field for field in instance._meta.concrete_fields if isinstance(field, ForeignKey)]
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.full_clean(exclude=[key.name for key in keys], validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for key in keys:
        try:
            # Field.validate, not ForeignKey.validate: required and choices, not the query.
            models.Field.validate(key, getattr(instance, key.attname), instance)
        except ValidationError as error:
            errors.setdefault(key.name, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def moment_of(day: datetime.date | None) -> datetime.datetime:
    """The time to stamp on a change recorded as happening on ``day``: now when the day is today
    (or not given), else noon of that day in the current time zone, so that a record entered
    for an earlier day does not read as done today."""
    if day is None or day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def last_changed(*models: type[models.Model]) -> datetime.datetime | None:
    """When a row of any of ``models`` last changed: the latest of their history rows' dates,
    one query per model; None when none has history yet."""
    moments = [model.history.aggregate(latest=Max("history_date"))["latest"] for model in models]  # type: ignore[attr-defined]
    return max((moment for moment in moments if moment is not None), default=None)


def write_history_in_sql(
    model: type[models.Model],
    *,
    where: str,
    params: Sequence[Any],
    history_type: str,
    actor: models.Model | SystemActor | None,
    reason: str,
) -> int:
    """Write a history row for each row of ``model`` that ``where`` selects, by one
    ``INSERT … SELECT``: for rows a service wrote in SQL (an ``INSERT … SELECT`` or an
    ``UPDATE``, which django-simple-history never sees). ``where`` is an SQL condition on the
    model's table, named ``t``, with ``params`` for its placeholders; keep it bounded (a batch of
    ids, one edition's rows). The rows get what ``bulk_history_create`` gives them: the row's
    tracked columns as they are now, ``history_type`` (``+`` created, ``~`` changed), the actor
    (none for the system) and the reason, and one time for all of them. Returns the rows
    written."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    history_model = model.history.model  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in history_model.tracked_fields]
    at = history_model._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    user = getattr(actor, "pk", None)
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(columns)}, "  # noqa: S608 — names from the models
        f"{quote('history_date')}, {quote('history_change_reason')}, {quote('history_type')}, "
        f"{quote('history_user_id')}) "
        f"SELECT {', '.join(f't.{column}' for column in columns)}, %s, %s, %s, %s "
        f"FROM {quote(model._meta.db_table)} t WHERE {where} "
        f"ORDER BY t.{quote(str(model._meta.pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, reason, history_type, user, *params])
        return int(cursor.rowcount)
