"""Changes to the catalogue. A department may add and change only its own matters.

Errors raised (``DomainError.code``): ``not_allowed``, ``duplicate``, ``invalid``,
``type_required``, ``type_not_allowed``, ``wrong_parent``.
"""

from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, is_system
from devolve.core.concurrency import ensure_unchanged
from devolve.core.errors import (
    DomainError,
    NotAllowed,
    ValueNotAllowed,
    domain_error_from_validation,
)
from devolve.core.events import record_event
from devolve.core.history import mark_change
from devolve.matters.models import Department, Matter, MatterType
from devolve.matters.permissions import can_add_matter_for, can_change_matter


class MatterFields(TypedDict, total=False):
    code: str
    name_zh: str
    name_en: str
    kind: str
    matter_type: MatterType | None
    competent_department: Department
    legal_basis: str
    parent: Matter | None
    is_illustrative: bool
    source: str


def validate_matter(matter: Matter) -> None:
    """Raise the ``DomainError`` a save of ``matter`` would meet; writes nothing."""
    if matter.kind == Matter.Kind.POWER and matter.matter_type is None:
        raise DomainError("type_required", _("A power needs a matter type."), field="matter_type")
    if matter.kind == Matter.Kind.SUPPORT and matter.matter_type is not None:
        raise DomainError(
            "type_not_allowed", _("A support matter has no matter type."), field="matter_type"
        )
    if matter.parent is not None and (
        matter.parent.pk == matter.pk
        or matter.parent.competent_department_id != matter.competent_department_id
    ):
        raise DomainError(
            "wrong_parent",
            _("A sub-item belongs to a main item of the same department."),
            field="parent",
        )
    if matter.parent is not None and _parent_chain_reaches(matter.parent, matter):
        raise DomainError(
            "wrong_parent", _("A matter cannot be a sub-item of its own sub-item."), field="parent"
        )
    try:
        matter.full_clean()
    except ValidationError as error:
        raise domain_error_from_validation(error) from error


def _parent_chain_reaches(parent: Matter, matter: Matter) -> bool:
    seen: set[int] = set()
    current: Matter | None = parent
    while current is not None and current.pk not in seen:
        if matter.pk is not None and current.pk == matter.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


@transaction.atomic
def create_matter(
    *, created_by: User | SystemActor, reason: str = "", **fields: Unpack[MatterFields]
) -> Matter:
    department = fields.get("competent_department")
    if not is_system(created_by) and not can_add_matter_for(created_by, department):
        raise NotAllowed(_("You may add matters only for your own department."))
    matter = Matter(**fields)
    validate_matter(matter)
    mark_change(matter, actor=created_by, reason=reason)
    matter.save()
    record_event(actor=created_by, action="matter.created", target=matter, reason=reason)
    return matter


@transaction.atomic
def update_matter(
    *,
    matter: Matter,
    updated_by: User | SystemActor,
    reason: str = "",
    expected_version: str | None = None,
    **changes: Unpack[MatterFields],
) -> Matter:
    """Change catalogue fields of ``matter``; a department may not move a matter to another one.

    ``expected_version`` is the version the editor started from (``StaleEdit`` when the matter
    changed since; None: not checked)."""
    matter = Matter.objects.select_for_update(of=("self",)).get(pk=matter.pk)
    if not is_system(updated_by) and not can_change_matter(updated_by, matter):
        raise NotAllowed(_("You may change only the matters of your own department."))
    ensure_unchanged(matter, expected_version=expected_version)
    before = {name: getattr(matter, name) for name in changes}
    for name, value in changes.items():
        setattr(matter, name, value)
    if not is_system(updated_by) and not can_change_matter(updated_by, matter):
        raise ValueNotAllowed(
            _("You may not hand a matter to another department."), field="competent_department"
        )
    validate_matter(matter)
    changed = {
        name: [str(before[name]), str(value)]
        for name, value in changes.items()
        if before[name] != value
    }
    if not changed:
        return matter
    mark_change(matter, actor=updated_by, reason=reason)
    matter.save()
    record_event(
        actor=updated_by, action="matter.updated", target=matter, reason=reason, details=changed
    )
    return matter


@transaction.atomic
def create_department(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    created_by: User | SystemActor,
    is_illustrative: bool = False,
    source: str = "",
) -> Department:
    if not is_system(created_by) and not is_office(created_by):
        raise NotAllowed(_("Only the reform office may add departments."))
    department = Department(
        code=code, name_zh=name_zh, name_en=name_en, is_illustrative=is_illustrative, source=source
    )
    try:
        department.full_clean()
    except ValidationError as error:
        raise domain_error_from_validation(error) from error
    mark_change(department, actor=created_by, reason=system_text("department.created"))
    department.save()
    record_event(actor=created_by, action="department.created", target=department)
    return department
