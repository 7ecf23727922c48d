"""One way to check access: named permissions, asked of django-rules only, by every door."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.access import allows, check, registered_permissions, requires
from devolve.core.architecture import _rule_text
from devolve.matters.tests.factories import DepartmentFactory


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _patterns(pattern, inner.strip(":"))
        else:
            yield namespace, pattern


def _named_outside_registration() -> set[str]:
    """Every quoted ``app.name`` string in the code, apart from the rules' own modules."""
    found: set[str] = set()
    for path in (Path(settings.BASE_DIR) / "devolve").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "permissions.py":
            continue
        found |= set(re.findall(r'"([a-z]+\.[a-z_]+)"', path.read_text()))
    return found


def test_every_registered_permission_is_asked_by_some_door_or_service() -> None:
    assert sorted(registered_permissions() - _named_outside_registration()) == []


def test_every_staff_page_names_its_permission() -> None:
    unguarded = [
        pattern.name
        for namespace, pattern in _patterns(get_resolver())
        if namespace == "dashboards" and not hasattr(pattern.callback, "required_permission")
    ]
    assert unguarded == []


def test_an_unregistered_name_is_a_programming_error() -> None:
    with pytest.raises(ImproperlyConfigured):
        allows(User(role=User.Role.OFFICE), "matters.no_such_permission")


@pytest.mark.django_db
def test_a_superuser_flag_opens_nothing_the_role_does_not() -> None:
    department = DepartmentFactory()
    user = UserFactory(role=User.Role.DEPARTMENT, department=department, is_superuser=True)
    assert user.has_perm("accounts.view_audit")  # what Django's own check would answer
    assert not allows(user, "accounts.view_audit")
    with pytest.raises(PermissionDenied):
        check(user, "accounts.view_audit")


@requires("accounts.view_audit")
def _audit_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("audit")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, 302), (User.Role.AUDITOR, 200), (User.Role.EVALUATOR, 403)],
)
def test_a_page_sends_visitors_to_sign_in_and_refuses_other_roles(
    rf: RequestFactory, role: Any, outcome: int
) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/staff/audit/")
    request.user = AnonymousUser() if role is None else UserFactory(role=role)
    try:
        status = _audit_page(request).status_code
    except PermissionDenied:
        status = 403
    assert status == outcome


def test_the_generated_permission_table_reads_each_rule_in_words() -> None:
    assert _rule_text("((a | b) | (c & (d & e)))") == "a or b or (c and d and e)"
    assert _rule_text("is_office") == "is_office"
