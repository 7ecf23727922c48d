"""The user acting in a request, typed for services (which take a ``User``, never a request)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from devolve.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user; anonymous visitors never reach a write, so refuse them outright."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
