"""Who may act on a grant: the office on any; the granting department on its own entries' grants
(agreements, supervision, handover); a pilot area reads its own grants and records handover."""

import rules

from devolve.accounts.models import User
from devolve.accounts.permissions import (
    is_auditor,
    is_department_user,
    is_evaluator,
    is_office,
    is_pilot_area_user,
    is_prefecture_user,
)
from devolve.grants.models import Grant


@rules.predicate
def grants_it(user: User, grant: Grant | None) -> bool:
    return grant is not None and user.department_id == grant.entry.granting_department_id


@rules.predicate
def receives_it(user: User, grant: Grant | None) -> bool:
    return grant is not None and user.zone_id is not None and user.zone_id == grant.zone_id


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
# Several grants at once: the service asks ``record_handover``'s rule of each grant again.
rules.add_perm("grants.record_handovers", is_office | is_department_user | is_pilot_area_user)
rules.add_perm("grants.view_grant", can_view_grant)
rules.add_perm("grants.view_owed_grants", is_office | is_department_user)
rules.add_perm(
    "grants.view_held_grants", is_office | is_prefecture_user | is_pilot_area_user | is_auditor
)
rules.add_perm("grants.view_area_overview", is_office | is_prefecture_user | is_auditor)
