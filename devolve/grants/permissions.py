"""Who may act on a grant: the office on any; the granting department on its own entries' grants
(agreements, supervision, handover); a pilot area reads its own grants and records handover."""

import rules

from devolve.accounts.models import User
from devolve.accounts.permissions import is_auditor, is_department_user, is_evaluator, is_office
from devolve.grants.models import Grant


@rules.predicate
def grants_it(user: User, grant: Grant | None) -> bool:
    return grant is not None and user.department_id == grant.entry.granting_department_id


@rules.predicate
def receives_it(user: User, grant: Grant | None) -> bool:
    return grant is not None and user.zone_id is not None and user.zone_id == grant.zone_id


@rules.predicate
def is_pilot_area_user(user: object) -> bool:
    return isinstance(user, User) and user.is_active and user.role == User.Role.PILOT_AREA


@rules.predicate
def is_prefecture_of(user: User, grant: Grant | None) -> bool:
    return (
        grant is not None
        and user.is_active
        and user.prefecture_id is not None
        and user.prefecture_id == grant.zone.prefecture_id
    )


can_manage_grant = is_office | (is_department_user & grants_it)
can_record_handover = can_manage_grant | (is_pilot_area_user & receives_it)
can_view_grant = can_record_handover | is_auditor | is_evaluator | is_prefecture_of
rules.add_perm("grants.manage_grant", can_manage_grant)
rules.add_perm("grants.record_handover", can_record_handover)
rules.add_perm("grants.view_grant", can_view_grant)
