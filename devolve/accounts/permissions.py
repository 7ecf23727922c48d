"""Role predicates shared by every app's permission rules (django-rules)."""

import rules

from devolve.accounts.models import User


def _has_role(user: object, role: str) -> bool:
    return isinstance(user, User) and user.is_active and user.role == role


@rules.predicate
def is_office(user: object) -> bool:
    return _has_role(user, User.Role.OFFICE)


@rules.predicate
def is_auditor(user: object) -> bool:
    return _has_role(user, User.Role.AUDITOR)


@rules.predicate
def is_evaluator(user: object) -> bool:
    return _has_role(user, User.Role.EVALUATOR)


@rules.predicate
def is_department_user(user: object) -> bool:
    return _has_role(user, User.Role.DEPARTMENT)


@rules.predicate
def is_prefecture_user(user: object) -> bool:
    return _has_role(user, User.Role.PREFECTURE)


@rules.predicate
def is_pilot_area_user(user: object) -> bool:
    return _has_role(user, User.Role.PILOT_AREA)


@rules.predicate
def is_staff_member(user: object) -> bool:
    """Anyone signed in with a programme role (the staff app is open to all of them)."""
    return isinstance(user, User) and user.is_active and bool(user.role)


can_view_audit = is_office | is_auditor
rules.add_perm("accounts.view_audit", can_view_audit)
rules.add_perm("accounts.use_staff_pages", is_staff_member)
rules.add_perm("accounts.view_task_queue", is_office)
