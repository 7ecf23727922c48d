"""Who may change the catalogue: the office any matter, a department only its own."""

import rules

from devolve.accounts.models import User
from devolve.accounts.permissions import is_department_user, is_office
from devolve.matters.models import Department, Matter


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
rules.add_perm("matters.view_matter", rules.always_allow)
