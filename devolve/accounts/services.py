"""Creating and changing users. Scope objects come in as model instances from their own apps."""

from django.db import models, transaction

from devolve.accounts.models import User
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
    """Create a user with a role and scope; ``full_clean`` reports a scope that does not fit."""
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        department=department,  # type: ignore[misc]
        prefecture=prefecture,  # type: ignore[misc]
        zone=zone,  # type: ignore[misc]
        is_staff=is_staff,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    mark_change(user, actor=created_by, reason="user created")
    user.save()
    record_event(actor=created_by, action="user.created", target=user, details={"role": role})
    return user
