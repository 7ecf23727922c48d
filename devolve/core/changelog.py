"""The change log: every audit event and every row-history record, in one list (NetBox's change
log, for a programme whose services record both).

An audit event says what someone did and why ("report accepted"); a history record says which
fields of which row changed. ``list_changes`` reads both as one SQL ``UNION ALL``, filtered inside
each part, so the database sorts, counts and pages the whole log; ``describe_changes`` then
reads what one page needs (actors, labels, field differences) in a fixed number of queries per
model on the page, not per row.

The log covers every model registered with django-simple-history, found through its registry,
so the kernel names no domain model and a new model joins the log by having history.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections, models
from django.db.models import (
    BigIntegerField,
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import registered_models

from devolve.core.actions import action_label, read_text, reading
from devolve.core.i18n import in_current_language
from devolve.core.models import AuditEvent

EVENT = "event"
HISTORY = "history"
# Row-history change types, under the names the log's ``action`` filter uses.
HISTORY_ACTIONS = {"created": "+", "changed": "~", "deleted": "-"}
HISTORY_ACTION_LABELS = {
    "+": gettext_lazy("record created"),
    "~": gettext_lazy("record changed"),
    "-": gettext_lazy("record deleted"),
}


def models_with_history() -> list[type[models.Model]]:
    """Every model whose rows keep a history, sorted by label (a stable UNION order). The
    registry also holds the through tables of many-to-many fields with history (receiving
    areas, evaluators); their rows have no history manager of their own and are left out."""
    return sorted(
        (model for model in registered_models.values() if not model._meta.auto_created),
        key=lambda model: model._meta.label,
    )


def object_types() -> list[tuple[str, str]]:
    """(label, name in the reader's language) of every type of object the log can name."""
    return sorted(
        (model._meta.label, str(model._meta.verbose_name).capitalize())
        for model in models_with_history()
    )


@dataclass(frozen=True)
class ChangeCriteria:
    """What the change log is narrowed to; empty values do not narrow."""

    actor: int | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    changed_from: datetime.date | None = None
    changed_to: datetime.date | None = None
    reason: str = ""
    object_types: Sequence[str] | None = None


def _text(value: Any) -> Cast:
    return Cast(Value(value, output_field=CharField()), CharField())


def _date_range(criteria: ChangeCriteria, lookup: str) -> Q:
    """The dates as bounds on the moment itself (midnight in the current time zone), which the
    table's index on its date serves; ``__date`` would compare the date of every row."""
    condition = Q()
    if criteria.changed_from is not None:
        condition &= Q(**{f"{lookup}__gte": _midnight(criteria.changed_from)})
    if criteria.changed_to is not None:
        day_after = criteria.changed_to + datetime.timedelta(days=1)
        condition &= Q(**{f"{lookup}__lt": _midnight(day_after)})
    return condition


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _events(criteria: ChangeCriteria) -> "_Part | None":
    if criteria.action in HISTORY_ACTIONS:
        return None
    events = AuditEvent.objects.filter(_date_range(criteria, "occurred_at"))
    if criteria.actor is not None:
        events = events.filter(actor_id=criteria.actor)
    if criteria.object_type:
        events = events.filter(target_type=criteria.object_type)
    if criteria.object_types is not None:
        events = events.filter(target_type__in=criteria.object_types)
    if criteria.object_id:
        events = events.filter(target_id=criteria.object_id)
    if criteria.action:
        events = events.filter(action=criteria.action)
    if criteria.reason:
        events = events.filter(reading("reason", criteria.reason))
    selected: QuerySet[Any] = (
        events.order_by()
        .annotate(
            log_source=_text(EVENT),
            log_record_id=Cast("pk", BigIntegerField()),
            log_changed_at=F("occurred_at"),
            log_part=Value(EVENTS_PART, output_field=IntegerField()),
            log_actor_ref=Cast("actor_id", IntegerField()),
            log_action_code=Cast("action", CharField()),
            log_object_type=Cast("target_type", CharField()),
            log_object_ref=Cast("target_id", CharField()),
            log_reason_text=Cast("reason", CharField()),
            log_label_text=Cast("target_label", CharField()),
            # The query is built once per process for every language: the reader's name is
            # picked when the rows are described.
            log_label_en=Cast("target_label_en", CharField()),
        )
        .values(*_ANNOTATED)
    )
    return _Part(selected, EVENTS_PART, changed_at="occurred_at", record_id="id")


def _history(model: type[models.Model], part: int, criteria: ChangeCriteria) -> "_Part | None":
    label = model._meta.label
    if criteria.object_type and criteria.object_type != label:
        return None
    if criteria.object_types is not None and label not in criteria.object_types:
        return None
    if criteria.action and criteria.action not in HISTORY_ACTIONS:
        return None
    rows = model.history.filter(_date_range(criteria, "history_date"))  # type: ignore[attr-defined]
    if criteria.actor is not None:
        rows = rows.filter(history_user_id=criteria.actor)
    if criteria.object_id:
        if not criteria.object_id.isdigit():
            return None
        rows = rows.filter(id=int(criteria.object_id))
    if criteria.action:
        rows = rows.filter(history_type=HISTORY_ACTIONS[criteria.action])
    if criteria.reason:
        rows = rows.filter(reading("history_change_reason", criteria.reason))
    selected: QuerySet[Any] = (
        rows.order_by()
        .annotate(
            log_source=_text(HISTORY),
            log_record_id=Cast("history_id", BigIntegerField()),
            log_changed_at=F("history_date"),
            log_part=Value(part, output_field=IntegerField()),
            log_actor_ref=Cast("history_user_id", IntegerField()),
            log_action_code=Cast("history_type", CharField()),
            log_object_type=_text(label),
            log_object_ref=Cast("id", CharField()),
            log_reason_text=Cast("history_change_reason", CharField()),
            log_label_text=_text(""),
            log_label_en=_text(""),
        )
        .values(*_ANNOTATED)
    )
    return _Part(selected, part, changed_at="history_date", record_id="history_id")


# The names each part of the union selects, in the same order; every one is an annotation, so
# each part's SELECT lists them in exactly this order.
_ANNOTATED = (
    "log_source",
    "log_record_id",
    "log_changed_at",
    "log_part",
    "log_actor_ref",
    "log_action_code",
    "log_object_type",
    "log_object_ref",
    "log_reason_text",
    "log_label_text",
    "log_label_en",
)


def list_audit_events() -> QuerySet[AuditEvent]:
    """Every audit event: the queryset a ``ChangeFilter`` is built on (it filters each part of
    the change log itself)."""
    return AuditEvent.objects.all()


def list_events_for(targets: Sequence[models.Model]) -> list[AuditEvent]:
    """The audit events recorded on these records, oldest first, with their actors; one query."""
    condition = Q()
    for target in targets:
        condition |= Q(target_type=target._meta.label, target_id=str(target.pk))
    if not targets:
        return []
    return list(
        AuditEvent.objects.select_related("actor").filter(condition).order_by("occurred_at", "pk")
    )


# The log's order: newest first, then by part of the union (audit events, then each model with
# history in label order, as numbered here), then newest record first. The part makes the order
# total (two tables' records may share a time and an id), so a page can continue after the last
# change of the one before (``ChangePosition``).
EVENTS_PART = 0
_NEWEST_FIRST = ("-log_changed_at", "-log_part", "-log_record_id")
_OLDEST_FIRST = ("log_changed_at", "log_part", "log_record_id")


@dataclass(frozen=True)
class ChangePosition:
    """A change's place in the log's order: a page continues after (or, going back, before)
    the last change of the page it follows."""

    changed_at: datetime.datetime
    part: int
    record_id: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> "ChangePosition":
        """The position of a row of ``list_changes``."""
        return cls(row["log_changed_at"], row["log_part"], row["log_record_id"])


@dataclass(frozen=True)
class _Part:
    """One part of the union: its filtered rows and the columns of its order (a time and an
    id, which one index of its table holds in that order)."""

    rows: QuerySet[Any]
    part: int
    changed_at: str
    record_id: str

    def beyond(self, position: ChangePosition, *, newest_first: bool) -> Q:
        """This part's rows that come after ``position`` in the log's order (newest first), or
        before it (``newest_first=False``). The part is the same for each of its rows, so the
        condition is a range on the time (which the index serves) and, at the position's own
        time in the position's own part, on the id."""
        strictly, inclusive = ("lt", "lte") if newest_first else ("gt", "gte")
        at, key = self.changed_at, self.record_id
        if self.part == position.part:
            return Q(**{f"{at}__{inclusive}": position.changed_at}) & (
                Q(**{f"{at}__{strictly}": position.changed_at})
                | Q(**{f"{key}__{strictly}": position.record_id})
            )
        # At the position's time, this part's rows all come after it or all before it.
        comes_after_at_same_time = (self.part < position.part) is newest_first
        return Q(
            **{f"{at}__{inclusive if comes_after_at_same_time else strictly}": position.changed_at}
        )

    def ordered(self, rows: QuerySet[Any], *, newest_first: bool) -> QuerySet[Any]:
        sign = "-" if newest_first else ""
        return rows.order_by(f"{sign}{self.changed_at}", f"{sign}{self.record_id}")


def list_changes(criteria: ChangeCriteria) -> QuerySet[Any]:
    """The audit events and history records that match, newest first, as one queryset of dicts
    (keys: ``_ANNOTATED``): what ``ChangeLog`` counts; it reads its pages with
    ``changes_from``."""
    return _union([part.rows for part in _parts_matching(_key(criteria))], newest_first=True)


def changes_from(
    criteria: ChangeCriteria,
    *,
    after: ChangePosition | None = None,
    limit: int,
    offset: int = 0,
    newest_first: bool = True,
) -> QuerySet[Any]:
    """``limit`` changes that match, after ``offset`` of them, continuing after the change at
    ``after`` (``newest_first``) or going back before it (not ``newest_first``, nearest first).

    One query. On PostgreSQL each part of the union reads, in its own order, only the rows the
    page can need (``offset + limit``) from its index on (time, id), so a page costs the same
    at the start of the log and deep in it, and filtered as unfiltered when the filter has an
    index in that order: type, dates, action, actor (ADR 0073, 0078). The reason's words are
    looked up in each history table's index of reason codes and, on PostgreSQL, its trigram
    index of typed reasons, and the few rows found sorted (ADR 0080). SQLite, which cannot
    limit a part of a union, sorts the union."""
    parts = _parts_matching(_key(criteria))
    connection = connections[AuditEvent.objects.db]
    each_limited = len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound
    selected = []
    for part in parts:
        rows = part.rows
        if after is not None:
            rows = rows.filter(part.beyond(after, newest_first=newest_first))
        if each_limited:
            rows = part.ordered(rows, newest_first=newest_first)[: offset + limit]
        selected.append(rows)
    if len(parts) == 1:  # in the part's own order, which its index serves
        return parts[0].ordered(selected[0], newest_first=newest_first)[offset : offset + limit]
    return _union(selected, newest_first=newest_first)[offset : offset + limit]


def _key(criteria: ChangeCriteria) -> ChangeCriteria:
    object_types = criteria.object_types
    return replace(criteria, object_types=None if object_types is None else tuple(object_types))


def _union(parts: list[QuerySet[Any]], *, newest_first: bool) -> QuerySet[Any]:
    if not parts:
        return AuditEvent.objects.none().values()
    first, *others = parts
    union = first.union(*others, all=True) if others else first
    return union.order_by(*(_NEWEST_FIRST if newest_first else _OLDEST_FIRST))


@functools.lru_cache(maxsize=64)
def _parts_matching(criteria: ChangeCriteria) -> tuple[_Part, ...]:
    """Each part of the log, filtered, built once per process for each set of criteria: the
    parts, one annotated queryset per model with history, take longer to build than the
    database takes to read a page. A queryset holds no rows and no connection, only SQL."""
    parts = [part for part in [_events(criteria)] if part is not None]
    parts += [
        part
        for number, model in enumerate(models_with_history(), start=EVENTS_PART + 1)
        if (part := _history(model, number, criteria)) is not None
    ]
    return tuple(parts)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Change:
    """One line of the change log, ready to show."""

    source: str
    record_id: int
    changed_at: datetime.datetime
    actor: str
    action: str
    action_label: str
    object_type: str
    object_type_label: str
    object_id: str
    object_label: str
    reason: str
    fields: list[FieldChange] = field(default_factory=list)
    # The record is flagged as made up for the demo (``is_illustrative`` or ``is_simulated``).
    is_invented: bool = False
    # The reason's code and parameters when the system wrote it (``devolve.core.actions``);
    # ``reason`` holds its words in the active language.
    reason_code: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)


def _actors(rows: Sequence[dict[str, Any]]) -> dict[int, str]:
    ids = {row["log_actor_ref"] for row in rows if row["log_actor_ref"] is not None}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: user.get_username() for user in users}


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except Exception:
        return name


def _shown(value: Any, model_field: Any = None) -> str:
    """A stored value as people read it: a choice's label, yes or no, the related record's name
    (the history row reads related records with it), never a code, a boolean or an id."""
    if value in (None, ""):
        return "—"
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _model_field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


# How far beneath a history row's foreign key its label reads related rows: a usage line names
# its report's zone and its grant's entry's matter, three levels down.
LABEL_DEPTH = 3


def _required_paths(model: type[models.Model], prefix: str, depth: int) -> list[str]:
    """``prefix`` and, beneath it, every required foreign key of ``model`` to ``depth`` levels:
    what ``select_related()`` without arguments follows, so a label (``__str__``) that reads
    required related rows needs no query of its own."""
    paths = [prefix]
    if depth == 0:
        return paths
    for item in model._meta.concrete_fields:
        target = item.related_model
        if item.many_to_one and not item.null and isinstance(target, type) and target is not model:
            paths += _required_paths(target, f"{prefix}__{item.name}", depth - 1)
    return paths


def _label_paths(model: type[models.Model]) -> list[str]:
    """The historical model's foreign keys, and the required ones beneath them, read with its
    rows so that labels and changed related values need no query per row."""
    historical = model.history.model  # type: ignore[attr-defined]
    return [
        path
        for item in historical._meta.fields
        if item.many_to_one and item.name != "history_user"
        for path in _required_paths(item.related_model, item.name, LABEL_DEPTH - 1)
    ]


def _as_it_was(record: Any, model: type[models.Model]) -> models.Model:
    """The object as this history record holds it, with the related rows read with the record.
    Unlike simple-history's ``instance`` it reads no excluded field, so it costs no query."""
    instance = model(
        **{item.attname: getattr(record, item.attname) for item in record.tracked_fields}
    )
    for item in record.tracked_fields:
        if item.many_to_one and type(record)._meta.get_field(item.name).is_cached(record):
            item.set_cached_value(instance, getattr(record, item.name))
    return instance


def _m2m_rows(historical: Any, records: Sequence[Any]) -> dict[tuple[str, int], list[str]]:
    """For each many-to-many field with history and each of these records, the names of the
    related rows the record held: one query per field."""
    held: dict[tuple[str, int], list[str]] = defaultdict(list)
    for item in getattr(historical, "_history_m2m_fields", []):
        target = item.m2m_reverse_field_name()
        rows = (
            getattr(historical, item.name)
            .model.objects.filter(history__in=[record.history_id for record in records])
            .select_related(target)
        )
        for row in rows:
            held[(item.name, row.history_id)].append(str(getattr(row, target)))
    return held


def _m2m_changes(
    record: Any, before: Any, held: dict[tuple[str, int], list[str]]
) -> list[FieldChange]:
    changes = []
    for item in getattr(record, "_history_m2m_fields", []):
        old, new = (sorted(held.get((item.name, side.history_id), [])) for side in (before, record))
        if old != new:
            changes.append(
                FieldChange(str(item.verbose_name), ", ".join(old) or "—", ", ".join(new) or "—")
            )
    return changes


def _previous_version(model: type[models.Model]) -> Subquery:
    """The ``history_id`` of the version of the same object just before a history record (in
    the order ``history_date``, ``history_id``), or NULL for its first: read by the object's
    index, however many versions it has."""
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    return Subquery(
        model.history.filter(earlier, id=OuterRef("id"))  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def _differences(
    model: type[models.Model], history_ids: Iterable[int]
) -> dict[int, tuple[str, list[FieldChange]]]:
    """Each history record's label (the object as it was) and its field differences against the
    version before it: a fixed number of queries for the model (two, and one per many-to-many
    field with history), each reading at most two versions a record, whatever the number of
    records on the page or of versions an object has."""
    historical = model.history.model  # type: ignore[attr-defined]
    related = _label_paths(model)
    m2m_names = [item.name for item in getattr(historical, "_history_m2m_fields", [])]
    records = model.history.filter(  # type: ignore[attr-defined]
        history_id__in=list(history_ids)
    ).annotate(previous_history_id=_previous_version(model))
    records = list(records.select_related(*related) if related else records)
    if not records:
        return {}
    wanted = {record.previous_history_id for record in records} - {None}
    earlier = model.history.filter(history_id__in=wanted)  # type: ignore[attr-defined]
    if related:
        earlier = earlier.select_related(*related)
    versions = {row.history_id: row for row in earlier} if wanted else {}
    previous: dict[int, Any] = {
        record.history_id: versions.get(record.previous_history_id) for record in records
    }
    before_records = [row for row in previous.values() if row is not None]
    held = _m2m_rows(historical, [*records, *before_records]) if m2m_names else {}
    differences: dict[int, tuple[str, list[FieldChange]]] = {}
    for record in records:
        label = str(_as_it_was(record, model))[:255]
        before = previous.get(record.history_id)
        if before is None:
            differences[record.history_id] = (label, [])
            continue
        delta = record.diff_against(before, foreign_keys_are_objs=True, excluded_fields=m2m_names)
        differences[record.history_id] = (
            label,
            [
                FieldChange(
                    _field_label(model, item.field),
                    _shown(item.old, _model_field(model, item.field)),
                    _shown(item.new, _model_field(model, item.field)),
                )
                for item in delta.changes
            ]
            + _m2m_changes(record, before, held),
        )
    return differences


def describe_changes(rows: Sequence[dict[str, Any]]) -> list[Change]:
    """Turn one page of ``list_changes`` into lines to show: actor names, object labels and field
    differences. Queries: one for actors and, per model with history on the page, two (and one per
    many-to-many field with history)."""
    actors = _actors(rows)
    history_ids: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["log_source"] == HISTORY:
            history_ids[row["log_object_type"]].append(row["log_record_id"])
    differences: dict[tuple[str, int], tuple[str, list[FieldChange]]] = {}
    for label, ids in history_ids.items():
        for history_id, described in _differences(apps.get_model(label), ids).items():
            differences[(label, history_id)] = described
    invented = _invented(rows)
    changes = []
    for row in rows:
        object_type = row["log_object_type"]
        model = _model_or_none(object_type)
        type_label = str(model._meta.verbose_name).capitalize() if model else object_type
        is_event = row["log_source"] == EVENT
        object_label, fields = (
            (in_current_language(zh=row["log_label_text"], en=row["log_label_en"]), [])
            if is_event
            else differences.get((object_type, row["log_record_id"]), ("", []))
        )
        reason = read_text(row["log_reason_text"] or "")
        changes.append(
            Change(
                source=row["log_source"],
                record_id=row["log_record_id"],
                changed_at=row["log_changed_at"],
                actor=actors.get(row["log_actor_ref"], _("system")),
                action=row["log_action_code"],
                action_label=action_label(row["log_action_code"])
                if is_event
                else str(HISTORY_ACTION_LABELS.get(row["log_action_code"], row["log_action_code"])),
                object_type=object_type,
                object_type_label=type_label,
                object_id=row["log_object_ref"],
                object_label=object_label or f"{type_label} #{row['log_object_ref']}",
                reason=reason.text,
                fields=fields,
                is_invented=(object_type, str(row["log_object_ref"])) in invented,
                reason_code=reason.code,
                reason_params=reason.params,
            )
        )
    return changes


INVENTED_FLAGS = ("is_illustrative", "is_simulated")


def _invented(rows: Sequence[dict[str, Any]]) -> set[tuple[str, str]]:
    """The (object type, id) of the page's records that are flagged as made up for the demo:
    one query per model with such a flag."""
    refs: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        refs[row["log_object_type"]].add(str(row["log_object_ref"]))
    invented: set[tuple[str, str]] = set()
    for label, ids in refs.items():
        model = _model_or_none(label)
        names = {model_field.name for model_field in model._meta.fields} if model else set()
        flagged = Q()
        for flag in INVENTED_FLAGS:
            if flag in names:
                flagged |= Q(**{flag: True})
        if model is None or not flagged:
            continue
        if isinstance(model._meta.pk, models.AutoField | models.BigAutoField):
            ids = {value for value in ids if value.isdigit()}
        pks = model._default_manager.filter(flagged, pk__in=ids).values_list("pk", flat=True)
        invented.update((label, str(pk)) for pk in pks)
    return invented


def _model_or_none(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


# Above this many matching changes (as PostgreSQL's planner estimates them) the log's length is
# the estimate: an exact count of the union reads every history row (about 0.3 s for 1.3 million
# rows, linear in the log), and a pager over tens of thousands of changes needs no exact total
# (ADR 0035). At or below it the count is exact.
EXACT_COUNT_LIMIT = 10_000


def estimated_count(rows: QuerySet[Any]) -> int | None:
    """PostgreSQL planner's estimate of how many rows ``rows`` selects (one ``EXPLAIN``, no row
    read); None on other databases."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)  # Django compiled the query
        (plan,) = cursor.fetchone()  # the plan, as JSON the driver has parsed
    return int(plan[0]["Plan"]["Plan Rows"])


class ChangeLog:
    """The matching changes as a lazy sequence of ``Change``: its length is one COUNT (or, for
    a log longer than ``estimate_above``, the planner's estimate: ``is_estimate``), a slice
    (a page) is one query plus ``describe_changes``, and iterating (a download) reads it in
    chunks, each after the last change of the one before, so neither a page nor an export
    holds the whole log. ``page_after`` reads a page by key (the API's pages)."""

    CHUNK = 500

    def __init__(self, criteria: ChangeCriteria, *, estimate_above: int | None = None) -> None:
        """``criteria``: what ``ChangeFilter`` selected. With ``estimate_above``, a log the
        planner expects to be longer is counted by the estimate (a page's pager); without,
        always exactly."""
        self.criteria = criteria
        self.estimate_above = estimate_above
        self._count: int | None = None
        self.is_estimate = False

    @property
    def rows(self) -> QuerySet[Any]:
        """The whole log as one queryset (``list_changes``): what is counted."""
        return list_changes(self.criteria)

    def __len__(self) -> int:
        if self._count is None:
            limit = self.estimate_above
            estimate = None if limit is None else estimated_count(self.rows)
            if limit is not None and estimate is not None and estimate > limit:
                self.is_estimate, self._count = True, estimate
            else:
                self._count = self.rows.count()
        return self._count

    def __getitem__(self, key: slice) -> list[Change]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("The change log is read a page (a slice) at a time.")
        start = key.start or 0
        if key.stop is None:
            raise TypeError("A page of the change log ends.")
        if key.stop <= start:
            return []
        rows = changes_from(self.criteria, offset=start, limit=key.stop - start)
        return describe_changes(list(rows))

    def page_after(
        self, position: ChangePosition | None, *, limit: int, newest_first: bool = True
    ) -> list[dict[str, Any]]:
        """``limit`` rows after ``position`` in the log's order (``changes_from``); not
        described, so that a pager can read the positions of its page's ends."""
        return list(
            changes_from(self.criteria, after=position, limit=limit, newest_first=newest_first)
        )

    def __iter__(self) -> Iterator[Change]:
        position = None
        while rows := self.page_after(position, limit=self.CHUNK):
            yield from describe_changes(rows)
            position = ChangePosition.of(rows[-1])
