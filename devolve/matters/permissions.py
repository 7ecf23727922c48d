"""Who may change the catalogue (the office any matter, a department only its own) and what an
edition offers its reader now."""

import rules
from django.conf import settings

from devolve.accounts.models import User
from devolve.accounts.permissions import (
    is_auditor,
    is_department_user,
    is_office,
    is_pilot_area_user,
    is_prefecture_user,
)
from devolve.core.models import AuditEvent
from devolve.matters.models import ANNUAL_LIST_LIFECYCLE, AnnualList, Department, Matter


@rules.predicate
def owns_matter(user: User, matter: Matter | None) -> bool:
    if matter is None:
        return True
    return user.department_id is not None and matter.competent_department_id == user.department_id


@rules.predicate
def belongs_to_department(user: User, department: Department | None) -> bool:
    if department is None:
        return True
    return user.department_id == department.pk


can_change_matter = is_office | (is_department_user & owns_matter)
can_add_matter_for = is_office | (is_department_user & belongs_to_department)
rules.add_perm("matters.change_matter", can_change_matter)
rules.add_perm("matters.add_matter", can_add_matter_for)
rules.add_perm("matters.view_list_workflow", is_office | is_auditor)
rules.add_perm("matters.manage_lists", is_office)
rules.add_perm(
    "matters.view_demand",
    is_office | is_auditor | is_department_user | is_prefecture_user | is_pilot_area_user,
)
rules.add_perm("matters.manage_demand", is_office)
rules.add_perm("matters.file_demand", is_office | is_pilot_area_user)
rules.add_perm("matters.answer_demand", is_office | is_department_user)


# What an edition's page and the API offer besides its lifecycle's moves.
EDIT_ENTRIES = "edit_entries"
DERIVE = "derive"


# Four-eyes: the moves the person who put the edition forward may not make on it.
SECOND_PAIR_OF_EYES = frozenset({"approve", "publish"})


def submitted_by_id(annual_list: AnnualList) -> int | None:
    """The user who last submitted the edition for review (who vouches for the draft)."""
    event = (
        AuditEvent.objects.filter(
            action="annual_list.submitted",
            target_type=AnnualList._meta.label,
            target_id=str(annual_list.pk),
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return event.actor_id if event is not None else None


def needs_other_eyes(user: object, annual_list: AnnualList) -> bool:
    """Whether four-eyes (``DEVOLVE_FOUR_EYES``, on by default) keeps ``user`` from approving or
    publishing ``annual_list``: they submitted it for review themselves."""
    if not settings.DEVOLVE_FOUR_EYES or not isinstance(user, User) or user.pk is None:
        return False
    return submitted_by_id(annual_list) == user.pk


def edition_actions(user: object, annual_list: AnnualList) -> frozenset[str]:
    """The actions ``user`` may take on ``annual_list`` now: the lifecycle's moves
    (``submit``, ``return``, ``approve``, ``publish``), ``edit_entries`` in a draft and
    ``derive`` from the published edition; never ``approve`` or ``publish`` to the person who
    submitted it under four-eyes. Pages show a control for each, the API lists them."""
    if not isinstance(user, User):
        return frozenset()
    actions = set(ANNUAL_LIST_LIFECYCLE.offered_names(annual_list.status, user))
    if actions & SECOND_PAIR_OF_EYES and needs_other_eyes(user, annual_list):
        actions -= SECOND_PAIR_OF_EYES
    if is_office(user) and annual_list.is_editable:
        actions.add(EDIT_ENTRIES)
    if is_office(user) and annual_list.is_derivable:
        actions.add(DERIVE)
    return frozenset(actions)
