"""Who may do what in regular assessment: the office runs rounds and decides; evaluators named on a
round (and the office) score; every programme role reads rounds, a department the assessments of
its own matters, a prefecture its areas', a pilot area its own grants'."""

import rules

from devolve.accounts.models import User
from devolve.accounts.permissions import (
    is_auditor,
    is_department_user,
    is_evaluator,
    is_office,
    is_staff_member,
)
from devolve.assessments.models import AssessmentRound, GrantAssessment


@rules.predicate
def evaluates_round(user: User, target: AssessmentRound | GrantAssessment | None) -> bool:
    if target is None:
        return False
    assessment_round = target.round if isinstance(target, GrantAssessment) else target
    return assessment_round.evaluators.filter(pk=user.pk).exists()


@rules.predicate
def owns_matter(user: User, assessment: GrantAssessment | None) -> bool:
    if assessment is None or user.department_id is None:
        return False
    entry = assessment.grant.entry
    return user.department_id in {
        entry.granting_department_id,
        entry.matter.competent_department_id,
    }


@rules.predicate
def receives_it(user: User, assessment: GrantAssessment | None) -> bool:
    return (
        assessment is not None
        and user.zone_id is not None
        and user.zone_id == assessment.grant.zone_id
    )


@rules.predicate
def oversees_area(user: User, assessment: GrantAssessment | None) -> bool:
    return (
        assessment is not None
        and user.prefecture_id is not None
        and user.prefecture_id == assessment.grant.zone.prefecture_id
    )


can_manage_round = is_office
can_score = is_office | (is_evaluator & evaluates_round)
can_view_rounds = is_staff_member
can_view_grant_assessment = (
    is_office
    | is_evaluator
    | is_auditor
    | (is_department_user & owns_matter)
    | receives_it
    | oversees_area
)

rules.add_perm("assessments.manage_round", can_manage_round)
rules.add_perm("assessments.score_grant", can_score)
rules.add_perm("assessments.view_rounds", can_view_rounds)
rules.add_perm("assessments.view_grant_assessment", can_view_grant_assessment)
