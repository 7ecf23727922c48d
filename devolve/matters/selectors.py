"""Named reads of the catalogue. ``access_*`` reads check the user's scope."""

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.errors import NotAllowed
from devolve.matters.models import AuthorizationMode, Department, Matter, MatterType
from devolve.matters.permissions import can_change_matter


def list_departments() -> QuerySet[Department]:
    return Department.objects.annotate(matter_count=Count("matters")).order_by("code")


def get_department(*, code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def list_matter_types() -> QuerySet[MatterType]:
    return MatterType.objects.order_by("sort_order")


def list_authorization_modes() -> QuerySet[AuthorizationMode]:
    return AuthorizationMode.objects.order_by("sort_order")


def list_matters() -> QuerySet[Matter]:
    return Matter.objects.select_related("matter_type", "competent_department", "parent").order_by(
        "competent_department__code", "code", "pk"
    )


def list_matters_changeable_by(*, user: User) -> QuerySet[Matter]:
    """The matters ``user`` may change: all for the office, its own for a department, else none."""
    matters = list_matters()
    if user.is_active and user.role == User.Role.OFFICE:
        return matters
    if user.is_active and user.role == User.Role.DEPARTMENT:
        return matters.filter(competent_department_id=user.department_id)
    return matters.none()


def access_matter_for_change(*, user: User, matter_id: int) -> Matter:
    matter = list_matters().filter(pk=matter_id).first()
    if matter is None:
        raise Http404(_("No such matter."))
    if not can_change_matter(user, matter):
        raise NotAllowed(_("You may change only the matters of your own department."))
    return matter


def get_matter_by_name(*, department: Department, name_zh: str) -> Matter | None:
    return Matter.objects.filter(competent_department=department, name_zh=name_zh).first()


def get_matter_type(*, code: str) -> MatterType:
    return MatterType.objects.get(code=code)
