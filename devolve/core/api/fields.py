"""Serializer fields shared by the apps' APIs."""

from typing import Any, TypeVar

from django.db import models
from django.utils.encoding import smart_str
from rest_framework import serializers

from devolve.core.actions import render_text

_MT = TypeVar("_MT", bound=models.Model)


class SlugRelatedField(serializers.SlugRelatedField[_MT]):
    """DRF's field, refusing a key that holds a NUL character as unknown (400) before it reaches
    the database: no record has such a key, and PostgreSQL cannot compare text with one (it was a
    500, found by the API fuzz). Every API serializer uses this one instead of DRF's."""

    def to_internal_value(self, data: Any) -> _MT:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return super().to_internal_value(data)


class StoredTextField(serializers.CharField):
    """A stored sentence, read only, in the request's language: a reason the system wrote as a
    code with parameters (``devolve.core.actions``) in words, typed text as it was typed."""

    def __init__(self, *, lines: bool = False, **kwargs: Any) -> None:
        """``lines``: the value holds one stored sentence a line, each read in words."""
        kwargs["read_only"] = True
        self.lines = lines
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        if self.lines:
            return "\n".join(render_text(line) for line in str(value).splitlines())
        return render_text(str(value))
