"""Entry changes as people read them: each field's label and each value's name in the reader's
language, never field codes, booleans or slugs.

``matters.diff`` and ``ListEntry.changed_fields`` hold codes and slugs (stable for the API and
exports); pages (the edition page, the public diff and its workbook) show them through here.
The receiving scope is one line: "all pilot areas of the batch" or the areas by name.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from devolve.core.i18n import in_current_language
from devolve.matters.models import AuthorizationMode, Department, ListEntry
from devolve.regions.models import Zone

NOTHING = "—"
# The two stored fields that together say which areas an entry reaches.
SCOPE_FIELDS = ("all_areas", "receiving_areas")


@dataclass(frozen=True)
class ValueLabels:
    """Names for the codes an entry snapshot holds, in the page's language."""

    modes: dict[str, str]
    departments: dict[str, str]
    zones: dict[str, str]

    def label(self, field: str, value: Any) -> str:
        if field == "mode":
            return self.modes.get(value, str(value))
        if field in {"granting_department", "supervising_department"}:
            return self.departments.get(value, str(value)) if value else NOTHING
        if field == "all_areas":
            return gettext("Yes") if value else gettext("No")
        if field == "receiving_areas":
            separator = pgettext("between the names of a list", ", ")
            return separator.join(self.zones.get(slug, slug) for slug in value or []) or NOTHING
        return str(value) if value not in (None, "") else NOTHING

    def scope(self, *, all_areas: bool, areas: list[str]) -> str:
        """Which areas an entry reaches, as one phrase."""
        if all_areas:
            return gettext("All pilot areas of the batch")
        return self.label("receiving_areas", areas)


def value_labels(*, zone_slugs: Iterable[str] | None = None) -> ValueLabels:
    """The names of every mode, department and zone in the current language (three queries);
    with ``zone_slugs``, of those zones only (a page names a few of a nation's zones)."""

    def name(item: Any) -> str:
        return in_current_language(zh=item.name_zh, en=item.name_en)

    zones = Zone.objects.all() if zone_slugs is None else Zone.objects.filter(slug__in=zone_slugs)
    return ValueLabels(
        modes={mode.code: name(mode) for mode in AuthorizationMode.objects.all()},
        departments={item.code: name(item) for item in Department.objects.all()},
        zones={zone.slug: name(zone) for zone in zones},
    )


def field_label(field: str) -> str:
    return capfirst(str(getattr(ListEntry._meta.get_field(field), "verbose_name", field)))


@dataclass(frozen=True)
class ShownChange:
    field: str
    label: str
    before: str
    after: str


def shown_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: list[str], labels: ValueLabels
) -> list[ShownChange]:
    """The changed ``fields`` between two value sets, labelled; the receiving scope (all areas
    or named areas) is one change under the receiving areas' label."""
    changes = []
    scope_done = False
    for field in fields:
        if field in SCOPE_FIELDS:
            if scope_done:
                continue
            scope_done = True
            old_scope = labels.scope(
                all_areas=bool(before.get("all_areas")), areas=before.get("receiving_areas") or []
            )
            new_scope = labels.scope(
                all_areas=bool(after.get("all_areas")), areas=after.get("receiving_areas") or []
            )
            if old_scope != new_scope:
                changes.append(
                    ShownChange("receiving_areas", field_label("receiving_areas"), old_scope,
                                new_scope)
                )  # fmt: skip
            continue
        changes.append(
            ShownChange(
                field,
                field_label(field),
                labels.label(field, before.get(field)),
                labels.label(field, after.get(field)),
            )
        )
    return changes


def entry_changes(changed_fields: Mapping[str, Any], labels: ValueLabels) -> list[ShownChange]:
    """``ListEntry.changed_fields`` (field → [before, after]) as people read it. A field not
    recorded keeps its value on both sides: the scope reads the entry as a whole."""
    before = {field: values[0] for field, values in changed_fields.items()}
    after = {field: values[1] for field, values in changed_fields.items()}
    for side, position in ((before, 0), (after, 1)):
        if "all_areas" not in changed_fields and "receiving_areas" in changed_fields:
            side["all_areas"] = not changed_fields["receiving_areas"][position]
        if "receiving_areas" not in changed_fields and "all_areas" in changed_fields:
            side["receiving_areas"] = []
    return shown_changes(before, after, list(changed_fields), labels)
