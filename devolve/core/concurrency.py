"""Optimistic concurrency: a staff edit names the version of the record it started from, and the
service refuses it when someone else saved the record since (ADR 0030).

A record's version is read from its row history (django-simple-history, on every domain model):
the id of its latest history row and, for a record whose content lives in child rows (a report's
lines), of its children's latest history row. Every save through a service writes history, so
the version moves with every change, with no column to add, and the history rows say what
changed, who changed it and when, which the refusal shows.

Pages carry the version in a hidden field (``devolve.core.forms.VersionForm``); the API sends it
as the ETag of a record and takes it back in ``If-Match`` (``devolve.core.api.versions``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from devolve.core.errors import DomainError


@dataclass(frozen=True)
class FieldChange:
    """One field of the record as the editor saw it and as it is now."""

    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangeSince:
    """What happened to a record since the version an editor started from."""

    changes: tuple[FieldChange, ...]
    parts_changed: tuple[str, ...]
    changed_by: str
    changed_at: str


class StaleEdit(DomainError):
    """The record changed after the editor loaded it; nothing was saved."""

    status_code = 412  # Precondition Failed: the API's If-Match no longer matches

    def __init__(self, since: ChangeSince, *, current_version: str) -> None:
        self.since = since
        self.current_version = current_version
        super().__init__("stale", _stale_message(since))

    def details(self) -> dict[str, Any]:
        return {
            "version": self.current_version,
            "changed_by": self.since.changed_by,
            "changed_at": self.since.changed_at,
            "changes": [
                {"field": change.field, "before": change.before, "after": change.after}
                for change in self.since.changes
            ],
            "parts_changed": list(self.since.parts_changed),
        }


def _parts(record: models.Model) -> Sequence[str]:
    """Reverse relations whose rows are part of the record's content (``concurrency_parts``)."""
    return tuple(getattr(record, "concurrency_parts", ()))


def _part_model(record: models.Model, part: str) -> Any:
    return record._meta.get_field(part).related_model


def _part_history(record: models.Model, part: str) -> models.QuerySet[Any]:
    foreign_key: str = record._meta.get_field(part).field.name  # type: ignore[union-attr]
    history: models.QuerySet[Any] = _part_model(record, part).history.filter(
        **{f"{foreign_key}_id": record.pk}
    )
    return history


def _latest_history_id(history: models.QuerySet[Any]) -> int:
    latest = history.order_by("-history_id").values_list("history_id", flat=True).first()
    return int(latest or 0)


def version_of(record: models.Model) -> str:
    """The record's version token, such as ``"812"`` or, with parts, ``"812.4410"``."""
    ids = [_latest_history_id(record.history.all())]  # type: ignore[attr-defined]
    ids += [_latest_history_id(_part_history(record, part)) for part in _parts(record)]
    return ".".join(str(history_id) for history_id in ids)


def ensure_unchanged(record: models.Model, *, expected_version: str | None) -> None:
    """Raise ``StaleEdit`` when ``record`` changed since ``expected_version``.

    Call it in the service, after locking the row (``select_for_update``), before writing.
    ``None`` means the caller named no version (a command, or an API client's ``If-Match: *``;
    the API refuses a write without ``If-Match``): no check.
    """
    if expected_version is None:
        return
    current = version_of(record)
    if current == expected_version.strip():
        return
    raise StaleEdit(_changes_since(record, expected_version), current_version=current)


def _history_ids(version: str) -> list[int]:
    try:
        return [int(part) for part in version.strip().split(".")]
    except ValueError:
        return []


def _changes_since(record: models.Model, expected_version: str) -> ChangeSince:
    history = record.history.all()  # type: ignore[attr-defined]
    latest = history.order_by("-history_id").first()
    expected_ids = _history_ids(expected_version)
    seen = history.filter(history_id=expected_ids[0]).first() if expected_ids else None
    changes: list[FieldChange] = []
    if latest is not None and seen is not None and latest.history_id != seen.history_id:
        for change in latest.diff_against(seen).changes:
            field = record._meta.get_field(change.field)
            changes.append(
                FieldChange(
                    field=change.field,
                    label=str(getattr(field, "verbose_name", change.field)),
                    before=_shown(field, change.old),
                    after=_shown(field, change.new),
                )
            )
    parts_changed: list[str] = []
    last_change = latest
    for index, part in enumerate(_parts(record), start=1):
        seen_id = expected_ids[index] if len(expected_ids) > index else 0
        newer = _part_history(record, part).filter(history_id__gt=seen_id).order_by("-history_id")
        newest = newer.first()
        if newest is not None:
            parts_changed.append(str(_part_model(record, part)._meta.verbose_name_plural))
            if last_change is None or newest.history_date > last_change.history_date:
                last_change = newest
    changed_by = ""
    changed_at = ""
    if last_change is not None:
        user = last_change.history_user
        changed_by = (user.get_full_name() or user.get_username()) if user is not None else ""
        changed_at = date_format(localtime(last_change.history_date), "DATETIME_FORMAT")
    return ChangeSince(
        changes=tuple(changes),
        parts_changed=tuple(parts_changed),
        changed_by=changed_by,
        changed_at=changed_at,
    )


def _shown(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    related = getattr(field, "related_model", None)
    if related is not None and not field.many_to_many:
        found = related._default_manager.filter(pk=value).first()
        return str(found) if found is not None else str(value)
    choices = getattr(field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def _stale_message(since: ChangeSince) -> str:
    who = since.changed_by or _("someone else")
    described = [
        _("%(field)s: “%(before)s” → “%(after)s”")
        % {"field": change.label, "before": change.before, "after": change.after}
        for change in since.changes
    ]
    described += [_("%(part)s changed") % {"part": part} for part in since.parts_changed]
    message = _(
        "%(who)s saved this record at %(when)s, after you opened it. Your changes were not saved."
    ) % {"who": who, "when": since.changed_at}
    if described:
        message += " " + _("What changed: %(changes)s.") % {"changes": "; ".join(described)}
    return message + " " + _("Check the current values and save again.")
