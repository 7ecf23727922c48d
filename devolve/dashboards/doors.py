"""How staff pages meet people and forms: role checks at the door, and a service's refusal shown on
the form. Shared by every dashboards view module."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.core.errors import DomainError, NotAllowed

View = TypeVar("View", bound=Callable[..., HttpResponse])


def allowed_for(predicate: Callable[[User], bool]) -> Callable[[View], View]:
    """Refuse (403) a signed-in user the predicate rejects. Put it below ``login_required``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(acting_user(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, checked)

    return decorate


def has_role(*roles: str) -> Callable[[User], bool]:
    """A predicate for ``allowed_for``: an active user with one of ``roles``."""

    def check(user: User) -> bool:
        return user.is_active and user.role in roles

    return check


def submitted(request: HttpRequest, form: BaseForm) -> bool:
    return request.method == "POST" and form.is_valid()


@contextmanager
def errors_shown_on(form: BaseForm) -> Iterator[None]:
    """Show a service's refusal beside the field it names, else above the form; a refusal of the
    actor (``NotAllowed``) still answers 403."""
    try:
        yield
    except NotAllowed:
        raise
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))


def data_of(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None
