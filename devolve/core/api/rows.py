"""API lists read as rows (ADR 0051): a list's page is one ``values()`` query of the columns its
serializer shows, turned into the same JSON without building model instances or walking the
serializer field by field per row.

``RowReader.of(serializer_class, model)`` compiles a serializer once into the columns to read
and how to present each; the view's filters, scope, ordering and pagination are unchanged, only
what the page is read as. A serializer that shows anything a column cannot hold (a method field,
a many-to-many, a file, a computed property, a path through a relation that may be empty, a
``to_representation`` of its own) does not compile, and the list uses the serializer as before:
the result is the same either way, byte for byte (``tests/lists/test_api_rows.py`` compares
every list endpoint's pages both ways).

Each value goes through the serializer field's own ``to_representation`` (a date's format, a
choice, a stored reason in the request's language), except where that is the identity on what
the database returns (integers, text, keys), which is most of them.
"""

import dataclasses
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

Convert = Callable[[Any], Any] | None


class NotARow(Exception):
    """The serializer shows something a row's columns cannot hold."""


# Field types whose value is presented by ``to_representation`` alone, without the request or
# the serializer's context (a file's URL, a hyperlink, a method field need them: not rows).
_VALUE_FIELDS = (
    drf_fields.BooleanField,
    drf_fields.CharField,
    drf_fields.ChoiceField,
    drf_fields.DateField,
    drf_fields.DateTimeField,
    drf_fields.DecimalField,
    drf_fields.DurationField,
    drf_fields.FloatField,
    drf_fields.IntegerField,
    drf_fields.JSONField,
    drf_fields.TimeField,
    drf_fields.UUIDField,
)
_NOT_VALUE_FIELDS = (drf_fields.FileField, drf_fields.MultipleChoiceField)


def _plain_get_attribute(field: drf_fields.Field[Any, Any, Any, Any]) -> bool:
    method = type(field).get_attribute
    return method in {drf_fields.Field.get_attribute, relations.RelatedField.get_attribute}


def _convert(field: drf_fields.Field[Any, Any, Any, Any]) -> Convert:
    """How a column's value (never None: None stays None, as in DRF) becomes the field's."""
    kind = type(field)
    if kind is drf_fields.IntegerField:
        return int
    if kind is drf_fields.CharField:
        return str
    return field.to_representation


def _model_field(model: type[models.Model], name: str) -> Any:
    if name == "pk":
        return model._meta.pk
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist as error:
        raise NotARow(f"{model.__name__}.{name} is not a column") from error


def _path(
    model: type[models.Model],
    attrs: Sequence[str],
    *,
    ends_in_relation: bool,
    may_end_empty: bool = True,
) -> tuple[str, type[models.Model]]:
    """The ``values()`` name of ``attrs`` from ``model`` and the model it ends on. Every step but
    the last is a relation that is never empty (through an empty one DRF leaves the field out);
    the last is a column, or a relation when ``ends_in_relation`` (its key; None when empty)."""
    if not attrs:
        raise NotARow("a field shows the whole record")
    current = model
    for position, name in enumerate(attrs):
        field = _model_field(current, name)
        last = position == len(attrs) - 1
        relation = bool(getattr(field, "is_relation", False))
        if relation and (field.many_to_many or field.one_to_many or not field.concrete):
            raise NotARow(f"{current.__name__}.{name} is not one value")
        if not last:
            if not relation or field.null:
                raise NotARow(f"{current.__name__}.{name} may be empty")
            current = field.related_model
        elif relation != ends_in_relation:
            raise NotARow(f"{current.__name__}.{name} is not what the field shows")
        elif relation:
            if field.null and not may_end_empty:
                raise NotARow(f"{current.__name__}.{name} may be empty")
            current = field.related_model
    return "__".join(attrs), current


def _derived(
    model: type[models.Model], attrs: Sequence[str], prefix: str
) -> tuple[tuple[str, ...], Callable[..., Any]] | None:
    """A property the last model of ``attrs`` makes of its columns (its ``row_properties``):
    the columns to read and the function; None when ``attrs`` does not end in one."""
    if len(attrs) > 1:
        _path_so_far, model = _path(model, attrs[:-1], ends_in_relation=True, may_end_empty=False)
    declared = getattr(model, "row_properties", {}).get(attrs[-1])
    if declared is None:
        return None
    columns, make = declared
    base = "".join(f"{name}__" for name in attrs[:-1])
    for column in columns:
        _path(model, column.split("__"), ends_in_relation=False)
    return tuple(f"{prefix}{base}{column}" for column in columns), make


VALUE, NESTED, DERIVED = range(3)


@dataclass(frozen=True)
class RowReader:
    """The columns a serializer shows and how each becomes its JSON value."""

    columns: tuple[str, ...]
    # (output name, kind, column(s), how): a value's column and how to convert it (None: as
    # read); a nested record's relation (None when empty) and its reader; a derived value's
    # columns and (what makes the value of them, how to convert it).
    parts: tuple[tuple[str, int, Any, Any], ...]
    # Read in the list's query: its own columns, the key of each relation shown and the columns
    # of a relation that reaches no further; then, by the keys, one query for each relation that
    # reaches further: (relation, its model, the columns read through it). The grants' eight
    # tables joined in one query took PostgreSQL 10-60 ms to plan; split, about 1 ms.
    own: tuple[str, ...] = ()
    related: tuple[tuple[str, Any, tuple[str, ...]], ...] = ()

    @staticmethod
    @functools.cache
    def of(
        serializer_class: type[serializers.BaseSerializer[Any]], model: type[models.Model]
    ) -> "RowReader | None":
        """The reader of ``serializer_class`` over rows of ``model``; None when it does not
        compile (the list then serializes model instances, as DRF does)."""
        try:
            return _compile(serializer_class(), model, prefix="").split_by_relation(model)
        except NotARow:
            return None

    def split_by_relation(self, model: type[models.Model]) -> "RowReader":
        """The reader with its columns split into the list's own (with the key of each
        relation shown) and, per relation, the columns read from it by those keys."""
        own: list[str] = []
        through: dict[str, list[str]] = {}
        for column in self.columns:
            hop, _separator, rest = column.partition("__")
            own.append(hop)
            if rest:
                through.setdefault(hop, []).append(rest)
        # A relation whose columns are all its own is one more join of the list's query.
        for hop, columns in list(through.items()):
            if not any("__" in column for column in columns):
                own.extend(f"{hop}__{column}" for column in columns)
                del through[hop]
        related = tuple(
            (hop, model._meta.get_field(hop).related_model, tuple(dict.fromkeys(rest)))
            for hop, rest in through.items()
        )
        return dataclasses.replace(self, own=tuple(dict.fromkeys(own)), related=related)

    def complete(self, rows: Sequence[dict[str, Any]], *, using: str) -> Sequence[dict[str, Any]]:
        """Fill in each row's columns from its relations: one query a relation, by the keys
        the rows hold (a row whose relation is empty gets None, as a join would give)."""
        for hop, related, rest in self.related:
            keys = {row[hop] for row in rows} - {None}
            found = (
                {
                    values["pk"]: values
                    for values in related._base_manager.db_manager(using)
                    .filter(pk__in=keys)
                    .order_by()
                    .values("pk", *rest)
                }
                if keys
                else {}
            )
            empty = dict.fromkeys(rest)
            names = [(f"{hop}__{column}", column) for column in rest]
            for row in rows:
                values = found.get(row[hop], empty)
                for name, column in names:
                    row[name] = values[column]
        return rows

    def present(self, row: dict[str, Any]) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for name, kind, column, how in self.parts:
            if kind == DERIVED:
                make, how = how
                value = make(*[row[each] for each in column])
            else:
                value = row[column]
            if value is None:
                shown[name] = None
            elif kind == NESTED:
                shown[name] = how.present(row)
            elif how is None:
                shown[name] = value
            else:
                shown[name] = how(value)
        return shown

    def present_all(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        present = self.present
        return [present(row) for row in rows]


def _compile(
    serializer: serializers.BaseSerializer[Any], model: type[models.Model], *, prefix: str
) -> RowReader:
    if not isinstance(serializer, serializers.Serializer) or isinstance(
        serializer, serializers.ListSerializer
    ):
        raise NotARow("not a plain serializer")
    if type(serializer).to_representation is not serializers.Serializer.to_representation:
        raise NotARow("the serializer presents records itself")
    meta_model = getattr(getattr(serializer, "Meta", None), "model", None)
    if meta_model is not None and not issubclass(model, meta_model):
        raise NotARow("the serializer is for another model")
    columns: list[str] = []
    parts: list[tuple[str, int, Any, Any]] = []
    for field in serializer._readable_fields:
        name = str(field.field_name)
        if not _plain_get_attribute(field) or field.source == "*":
            raise NotARow(f"{name} reads the record its own way")
        attrs = list(field.source_attrs)
        if isinstance(field, serializers.BaseSerializer):
            path, related = _path(model, attrs, ends_in_relation=True)
            nested = _compile(field, related, prefix=f"{prefix}{path}__")
            columns.extend([prefix + path, *nested.columns])
            parts.append((name, NESTED, prefix + path, nested))
            continue
        how: Convert
        if isinstance(field, relations.PrimaryKeyRelatedField) and field.pk_field is None:
            path, _related = _path(model, attrs, ends_in_relation=True)
            how = None
        elif isinstance(field, relations.SlugRelatedField):
            path, related = _path(model, attrs, ends_in_relation=True)
            _path(related, field.slug_field.split("__"), ends_in_relation=False)
            path = f"{path}__{field.slug_field}"
            how = None
        elif isinstance(field, _VALUE_FIELDS) and not isinstance(field, _NOT_VALUE_FIELDS):
            derived = _derived(model, attrs, prefix) if attrs else None
            if derived is not None:
                derived_columns, make = derived
                columns.extend(derived_columns)
                parts.append((name, DERIVED, derived_columns, (make, _convert(field))))
                continue
            path, _related = _path(model, attrs, ends_in_relation=False)
            how = _convert(field)
        else:
            raise NotARow(f"{name} is a {type(field).__name__}")
        columns.append(prefix + path)
        parts.append((name, VALUE, prefix + path, how))
    return RowReader(columns=tuple(dict.fromkeys(columns)), parts=tuple(parts))


# For a DRF list view, first among its bases: its list is read as rows when its serializer
# compiles (``RowReader``), with the same filters, scope, ordering and pages. No docstring:
# drf-spectacular would describe every view without one of its own with it.
class RowListMixin:
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        reader = (
            RowReader.of(view.get_serializer_class(), queryset.model)  # type: ignore[arg-type]
            if isinstance(queryset, QuerySet)
            else None
        )
        if reader is None:  # DRF's ListModelMixin.list, on the queryset already filtered
            page = view.paginate_queryset(queryset)
            if page is not None:
                return view.get_paginated_response(view.get_serializer(page, many=True).data)  # type: ignore[no-any-return]
            return Response(view.get_serializer(queryset, many=True).data)
        columns = [*reader.own, *self._keyset_columns(request, queryset)]
        rows = queryset.values(*dict.fromkeys(columns))
        page = view.paginate_queryset(rows)
        if page is not None:
            shown = reader.present_all(reader.complete(page, using=rows.db))
            return view.get_paginated_response(shown)  # type: ignore[no-any-return]
        return Response(reader.present_all(reader.complete(list(rows), using=rows.db)))

    def _keyset_columns(self, request: Request, queryset: QuerySet[Any]) -> Sequence[str]:
        """What a keyset page reads its position from (its key's columns), if paged so."""
        paginator = getattr(self, "paginator", None)
        if not isinstance(paginator, CursorPagination):
            return []
        ordering = paginator.get_ordering(request, queryset, self)  # type: ignore[arg-type]
        return [key.lstrip("-") for key in ordering]
