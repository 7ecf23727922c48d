"""Who may do what in performance assessment: the office runs schemes, assessments, manual inputs,
appeal decisions and publication; a prefecture, department or pilot area appeals its own score and
sees it before publication; evaluators and auditors read everything; published scores are public."""

import rules

from devolve.accounts.models import User
from devolve.accounts.permissions import is_auditor, is_evaluator, is_office, is_staff_member
from devolve.performance.models import Score


@rules.predicate
def is_subject_of(user: object, score: Score | None) -> bool:
    """The user works for the prefecture, department or pilot area the score is about."""
    if score is None or not isinstance(user, User) or not user.is_active:
        return False
    if user.role == User.Role.PREFECTURE:
        return user.prefecture_id is not None and user.prefecture_id == score.prefecture_id
    if user.role == User.Role.DEPARTMENT:
        return user.department_id is not None and user.department_id == score.department_id
    if user.role == User.Role.PILOT_AREA:
        return user.zone_id is not None and user.zone_id == score.zone_id
    return False


@rules.predicate
def is_published_score(user: object, score: Score | None) -> bool:
    return score is not None and score.assessment.is_published


@rules.predicate
def is_assessed_role(user: object) -> bool:
    """A role whose organisation can be a subject: prefecture, department or pilot area."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.role in {User.Role.PREFECTURE, User.Role.DEPARTMENT, User.Role.PILOT_AREA}
    )


can_manage_performance = is_office
can_read_all_performance = is_office | is_evaluator | is_auditor
can_view_score = can_read_all_performance | is_subject_of | is_published_score
can_appeal_score = is_subject_of
rules.add_perm("performance.manage", can_manage_performance)
rules.add_perm("performance.view_performance", is_staff_member)
rules.add_perm("performance.read_all", can_read_all_performance)
rules.add_perm("performance.view_score", can_view_score)
rules.add_perm("performance.appeal_score", can_appeal_score)
