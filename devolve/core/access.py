"""One way to check access: a named permission (django-rules), asked the same way at every door.

    @require_safe
    @requires("matters.manage_lists")              # a page: sign in first, then 403 if refused
    def annual_list_create(request): ...

    permission_classes = [api_requires("selection.view_selection")]     # an API view

    class AreaReportAdmin(ProgrammeAdmin):
        readers = "accounts.use_staff_pages"        # an admin (devolve.accounts.admin)

    check(user, "grants.view_grant", grant)        # one record, inside a view: 403 if refused

The rules themselves (predicates over roles and scopes) live in each app's ``permissions.py``
and are registered by name there; this module knows no role. Names are asked of django-rules'
own permission set, never of ``user.has_perm``: Django's model backend would also say yes to any
active superuser and to model permissions that share a name (ADR 0007). An unregistered name is
a programming error, not a silent refusal; a test reads the source to show that each registered
permission guards something and each guard names a registered permission.

Every service that changes something is told who acts: the signed-in user, or
``devolve.core.actors.SYSTEM`` for a scheduled job, a command or the demo seed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView
from rules.permissions import permissions as registry

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def registered_permissions() -> frozenset[str]:
    return frozenset(registry)


def allows(user: Any, permission: str, target: object = None) -> bool:
    """Whether ``user`` holds ``permission`` (on ``target``, for a rule about one record)."""
    predicate = registry.get(permission)
    if predicate is None:
        raise ImproperlyConfigured(f"no permission named {permission!r} is registered")
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(predicate.test(user, target))


def check(user: Any, permission: str, target: object = None) -> None:
    """Refuse (403) unless ``user`` holds ``permission`` on ``target``."""
    if not allows(user, permission, target):
        raise PermissionDenied


def requires(permission: str) -> Callable[[View], View]:
    """A page for holders of ``permission``: anonymous visitors are sent to sign in, other
    users refused (403). It replaces ``login_required``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allows(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        checked.required_permission = permission  # type: ignore[attr-defined]
        return cast(View, checked)

    return decorate


def api_requires(permission: str) -> type[BasePermission]:
    """A DRF permission class for holders of ``permission`` (anonymous callers get 401/403 from
    DRF's authentication, everyone else refused gets 403)."""

    class Requires(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            return allows(request.user, permission)

    Requires.__name__ = Requires.__qualname__ = f"Requires({permission})"
    return Requires
