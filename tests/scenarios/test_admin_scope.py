"""The admin shows each staff member the records its scope allows, and no more: the same rows
the API gives it, whichever admin page it opens (change list, change page, history version)."""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.forms import model_to_dict
from django.test import Client
from django.urls import reverse

from devolve.accounts.models import User
from devolve.assessments import selectors as assessment_selectors
from devolve.assessments.models import GrantAssessment
from devolve.demo.testing import full_demo
from devolve.grants import selectors as grant_selectors
from devolve.grants.models import Grant
from devolve.matters import selectors as matter_selectors
from devolve.matters.models import DemandItem
from devolve.reporting import selectors as reporting_selectors
from devolve.reporting.models import ApprovalStep, AreaReport, DepartmentReport, ReportingNotice

# The users the demo signs in to the admin with (is_staff): each of their scopes.
ADMIN_USERS = ["office", "justice", "finance", "auditor"]


def _approval_steps(user: User) -> QuerySet[Any]:
    return ApprovalStep.objects.filter(
        Q(area_report__in=reporting_selectors.list_area_reports_visible_to(user=user))
        | Q(department_report__in=reporting_selectors.list_department_reports_visible_to(user=user))
    )


def _notices(user: User) -> QuerySet[Any]:
    if user.role in {User.Role.OFFICE, User.Role.AUDITOR}:
        return ReportingNotice.objects.all()
    return reporting_selectors.list_notices(user=user)


# Each admin the audit found leaking, with the rows the API (or the page) shows the same user.
VISIBLE: dict[type[models.Model], Callable[[User], QuerySet[Any]]] = {
    AreaReport: lambda user: reporting_selectors.list_area_reports_visible_to(user=user),
    DepartmentReport: lambda user: reporting_selectors.list_department_reports_visible_to(
        user=user
    ),
    ApprovalStep: _approval_steps,
    ReportingNotice: _notices,
    Grant: lambda user: grant_selectors.list_grants_visible_to(user=user),
    DemandItem: lambda user: matter_selectors.list_demand_items_visible_to(user=user),
    GrantAssessment: lambda user: assessment_selectors.scope_grant_assessments(
        GrantAssessment.objects.all(), user=user
    ),
}


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        full_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once: None, db: None) -> None:
    return None


def _url(model: type[models.Model], action: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("username", ADMIN_USERS)
@pytest.mark.parametrize("model", list(VISIBLE), ids=lambda model: model.__name__)
def test_change_list_holds_exactly_the_rows_the_api_shows(
    seeded: None, client: Client, username: str, model: type[models.Model]
) -> None:
    user = User.objects.get(username=username)
    client.force_login(user)
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 200
    visible = set(VISIBLE[model](user).values_list("pk", flat=True))
    change_list = response.context["cl"]
    assert change_list.result_count == len(visible)
    assert set(change_list.queryset.values_list("pk", flat=True)) == visible


@pytest.mark.parametrize("username", ["justice", "finance"])
@pytest.mark.parametrize("model", list(VISIBLE), ids=lambda model: model.__name__)
def test_change_page_of_a_row_outside_the_scope_is_not_shown(
    seeded: None, client: Client, username: str, model: type[models.Model]
) -> None:
    user = User.objects.get(username=username)
    outside = model._default_manager.exclude(pk__in=VISIBLE[model](user).values("pk")).first()
    assert outside is not None, "the demo holds rows outside every department's scope"
    client.force_login(user)
    response = client.get(_url(model, "change", outside.pk))
    # The admin answers as for a row that does not exist: back to the admin index.
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))


def test_a_department_cannot_write_a_grant_through_its_history_version_page(
    seeded: None, client: Client
) -> None:
    user = User.objects.get(username="justice")
    grant = grant_selectors.list_grants_visible_to(user=user).first()
    assert grant is not None
    version = grant.history.earliest("history_date")
    values = {
        name: "" if value is None else value
        for name, value in model_to_dict(grant).items()
        if not isinstance(value, list)
    }
    client.force_login(user)
    response = client.post(
        _url(Grant, "simple_history", grant.pk, version.history_id),
        {**values, "handover_due_on": "2001-01-01"},
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.handover_due_on != datetime.date(2001, 1, 1)


@pytest.mark.parametrize("model", list(VISIBLE), ids=lambda model: model.__name__)
@pytest.mark.parametrize("key", ["abc", "0", "1%2500"])
def test_history_pages_of_a_key_that_names_no_record_are_not_found(
    seeded: None, client: Client, model: type[models.Model], key: str
) -> None:
    client.force_login(User.objects.get(username="office"))
    assert client.get(_url(model, "history", key)).status_code == 404
    assert client.get(_url(model, "simple_history", key, 1)).status_code == 404


@pytest.mark.parametrize("model", list(VISIBLE), ids=lambda model: model.__name__)
def test_history_of_a_row_outside_the_scope_is_not_found(
    seeded: None, client: Client, model: type[models.Model]
) -> None:
    user = User.objects.get(username="auditor")
    # The auditor reads history everywhere its scope reaches; a department does not read it.
    user_scope = VISIBLE[model](user)
    inside = user_scope.first()
    assert inside is not None
    client.force_login(user)
    assert client.get(_url(model, "history", inside.pk)).status_code == 200
    client.force_login(User.objects.get(username="justice"))
    assert client.get(_url(model, "history", inside.pk)).status_code in {403, 404}
