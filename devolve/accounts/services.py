"""Creating and changing users. Scope objects come in as model instances from their own apps."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.errors import NotAllowed, domain_error_from_validation
from devolve.core.events import record_event
from devolve.core.history import mark_change


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    password: str | None,
    created_by: User | None,
    email: str = "",
    first_name: str = "",
    department: models.Model | None = None,
    prefecture: models.Model | None = None,
    zone: models.Model | None = None,
    is_staff: bool = False,
) -> User:
    """Create a user with a role and scope.

    Only the reform office (or the system, ``created_by=None``) creates users. Raises
    ``NotAllowed`` for anyone else, and ``DomainError`` when the input does not fit:
    ``scope_mismatch`` (role and scope), ``duplicate`` (username), ``invalid`` (anything else,
    such as a prefecture scope that is not a prefecture).
    """
    if created_by is not None and not is_office(created_by):
        raise NotAllowed(_("Only the reform office may create users."))
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        department=department,  # type: ignore[misc]
        prefecture=prefecture,
        zone=zone,
        is_staff=is_staff,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as error:
        raise domain_error_from_validation(error) from error
    mark_change(user, actor=created_by, reason="user created")
    user.save()
    record_event(actor=created_by, action="user.created", target=user, details={"role": role})
    return user
