"""The authorization matrix, generated: every staff route and every admin page, requested by every
demo persona, for a record inside and a record outside the persona's scope.

Each staff route declares its door rule with ``@requires(<permission>)``; a route addressed by a
record declares here which model it is about and which records each user may see (the selector
the API uses). A new staff route that takes a record and is not declared below fails this module.
Anonymous visitors must be sent to sign in, a persona the permission refuses must get 403, a
record outside the persona's scope must be refused (403) or unknown (404), and a page about a
record inside it must open (its read page; an action page also asks the action's rule). The
admin answers each persona by its ``readers`` permission and ``scope``
(``devolve.accounts.admin``).

The demo is seeded once for the module (restored from a snapshot), and each persona signed in once
for it; every request that may write runs in a transaction rolled back after it.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from devolve.accounts.admin import ProgrammeAdmin
from devolve.accounts.middleware import LAST_SEEN_AT
from devolve.accounts.models import User
from devolve.assessments import selectors as assessment_selectors
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.core.access import allows
from devolve.demo.testing import full_demo
from devolve.documents import selectors as document_selectors
from devolve.documents.models import GeneratedDocument
from devolve.grants import selectors as grant_selectors
from devolve.grants.models import Grant
from devolve.indicators.models import EvaluationRun, ObservationImport
from devolve.matters import selectors as matter_selectors
from devolve.matters.models import AnnualList, DemandItem, ListImport, Matter
from devolve.performance import selectors as performance_selectors
from devolve.performance.models import Appeal, PerformanceAssessment, Scheme, Score
from devolve.reporting import selectors as reporting_selectors
from devolve.reporting.models import AreaReport, DepartmentReport
from devolve.selection.models import SelectionRound

USERNAMES = ["office", "justice", "finance", "chengdu", "tianfu", "evaluator", "auditor"]
PERSONAS = ["anonymous", *USERNAMES]

Visible = Callable[[User], QuerySet[Any]] | None


@dataclass(frozen=True)
class Target:
    """What a route's record is, and which of them a user may see (None: any, the door
    decides)."""

    model: type[models.Model]
    visible: Visible = None


def _grants(user: User) -> QuerySet[Any]:
    return grant_selectors.list_grants_visible_to(user=user)


def _area_reports(user: User) -> QuerySet[Any]:
    return reporting_selectors.list_area_reports_visible_to(user=user)


def _department_reports(user: User) -> QuerySet[Any]:
    return reporting_selectors.list_department_reports_visible_to(user=user)


def _scores(user: User) -> QuerySet[Any]:
    return performance_selectors.list_scores_visible_to(user=user)


def _assessments(user: User) -> QuerySet[Any]:
    return performance_selectors.list_assessments_visible_to(user=user)


# Every staff route addressed by a record, by URL name prefix (the longest prefix wins).
TARGETS: dict[str, Target] = {
    "matter_edit": Target(
        Matter, lambda user: matter_selectors.list_matters_changeable_by(user=user)
    ),
    "annual_list_": Target(AnnualList),
    "list_entry_": Target(AnnualList),
    "list_import_create": Target(AnnualList),
    "list_import_": Target(ListImport),
    "grant_assessment_detail": Target(
        GrantAssessment,
        lambda user: assessment_selectors.scope_grant_assessments(
            GrantAssessment.objects.all(), user=user
        ),
    ),
    "grant_": Target(Grant, _grants),
    "demand_item_": Target(
        DemandItem, lambda user: matter_selectors.list_demand_items_visible_to(user=user)
    ),
    "observation_import_": Target(ObservationImport),
    "evaluation_run_": Target(EvaluationRun),
    "selection_": Target(SelectionRound),
    "reporting_usage_export": Target(AnnualList),
    "area_report_": Target(AreaReport, _area_reports),
    "department_report_": Target(DepartmentReport, _department_reports),
    "assessment_round_": Target(
        AssessmentRound, lambda user: assessment_selectors.list_rounds_visible_to(user=user)
    ),
    "performance_scheme_": Target(
        Scheme, lambda user: performance_selectors.list_schemes_visible_to(user=user)
    ),
    "performance_assessment_": Target(PerformanceAssessment, _assessments),
    "performance_manual_input": Target(PerformanceAssessment, _assessments),
    "performance_score_": Target(Score, _scores),
    "performance_appeal_create": Target(Score, _scores),
    "performance_appeal_": Target(
        Appeal, lambda user: performance_selectors.list_appeals_visible_to(user=user)
    ),
    "generated_document_": Target(
        GeneratedDocument, lambda user: document_selectors.list_documents_visible_to(user=user)
    ),
}


def _staff_routes() -> list[URLPattern]:
    def walk(resolver: URLResolver, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                yield from walk(pattern, inner)
            else:
                yield namespace, pattern

    seen: dict[str, URLPattern] = {}
    for namespace, pattern in walk(get_resolver(), ""):
        if namespace == "dashboards" and pattern.name:
            seen.setdefault(pattern.name, pattern)
    return [seen[name] for name in sorted(seen)]


STAFF_ROUTES = _staff_routes()


def _target(name: str) -> Target | None:
    prefixes = [prefix for prefix in TARGETS if name.startswith(prefix)]
    return TARGETS[max(prefixes, key=len)] if prefixes else None


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        full_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def users(_seeded_once: None, db: None) -> dict[str, User | None]:
    found = {user.username: user for user in User.objects.filter(username__in=USERNAMES)}
    return {"anonymous": None, **{name: found[name] for name in USERNAMES}}


@pytest.fixture(scope="module")
def _sessions(_seeded_once: None, django_db_blocker: Any) -> dict[str, str]:
    """Each persona's session key, signed in once for the module (in its transaction): signing
    in afresh for every route and persona (a session, a sign-in record, the last sign-in and
    its history row each time) took a third of the matrix's time."""
    with django_db_blocker.unblock():
        keys = {}
        for user in User.objects.filter(username__in=USERNAMES):
            client = Client()
            client.force_login(user)
            keys[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return keys


@pytest.fixture
def clients(users: dict[str, User | None], _sessions: dict[str, str]) -> dict[str, Client]:
    """A client of each persona: the anonymous visitor's, and each signed-in persona's in its
    module session, seen now (a long module's session would otherwise end idle)."""
    found = {"anonymous": Client()}
    for persona, key in _sessions.items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        session = client.session
        session[LAST_SEEN_AT] = int(time.time())
        session.save()
        found[persona] = client
    return found


def _kwargs(pattern: URLPattern, record: models.Model | None) -> dict[str, Any]:
    """Values for the route's parameters, about ``record``."""
    values: dict[str, Any] = {}
    for parameter in pattern.pattern.converters:
        if parameter == "pk":
            values["pk"] = record.pk if record is not None else 0
        elif parameter == "slug":
            values["slug"] = getattr(record, "slug", "none")
        elif parameter == "file_format":
            values["file_format"] = "xlsx"
        elif parameter == "annual_list_pk":
            values["annual_list_pk"] = record.pk if record is not None else 0
        elif parameter == "entry_pk":
            annual_list = record.annual_list if isinstance(record, AssessmentRound) else record
            entry = annual_list.entries.first() if annual_list is not None else None
            values["entry_pk"] = entry.pk if entry is not None else 0
        else:
            raise AssertionError(f"{pattern.name}: declare how to fill <{parameter}>")
    return values


def _request(client: Client, url: str) -> HttpResponseBase:
    """GET, or POST with nothing for a POST-only route; whatever it writes is rolled back."""
    with transaction.atomic():
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        transaction.set_rollback(True)
    return response


def _sign_in(client: Client, user: User | None) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def test_every_staff_route_with_a_record_declares_its_target() -> None:
    undeclared = [
        pattern.name
        for pattern in STAFF_ROUTES
        if pattern.pattern.converters and _target(pattern.name or "") is None
    ]
    assert undeclared == []


@pytest.mark.parametrize("pattern", STAFF_ROUTES, ids=lambda pattern: pattern.name)
def test_staff_route(
    clients: dict[str, Client], users: dict[str, User | None], pattern: URLPattern
) -> None:
    name = pattern.name or ""
    permission = pattern.callback.required_permission
    target = _target(name) if pattern.pattern.converters else None
    failures: list[str] = []
    for persona in PERSONAS:
        user = users[persona]
        client = clients[persona]
        cases: list[tuple[str, models.Model | None]] = []
        if target is None:
            cases.append(("any", None))
        else:
            records = target.model._default_manager.order_by("pk")
            if target.visible is None or user is None:
                cases.append(("any", records.first()))
            else:
                visible = target.visible(user).values("pk")
                cases.append(("inside", records.filter(pk__in=visible).first()))
                cases.append(("outside", records.exclude(pk__in=visible).first()))
        for scope, record in cases:
            if scope != "any" and record is None:
                continue
            url = reverse(f"dashboards:{name}", kwargs=_kwargs(pattern, record))
            response = _request(client, url)
            status = response.status_code
            if user is None:
                expected = "sent to sign in"
                ok = status == 302 and "/accounts/login/" in response["Location"]
            elif not allows(user, permission):
                expected, ok = "403", status == 403
            elif scope == "outside":
                expected, ok = "403 or 404", status in {403, 404}
            elif scope == "inside" and name.endswith("_detail"):
                # A record's page opens for whoever may see the record; its action pages
                # also ask the action's own rule (a reader may not edit).
                expected, ok = "opened", status not in {403, 404}
            else:
                continue
            if not ok:
                failures.append(f"{persona} ({scope}): {status}, expected {expected}")
    assert failures == []


ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[model._meta.label for model, _admin in ADMINS]
)
def test_admin_pages(
    clients: dict[str, Client],
    users: dict[str, User | None],
    model: type[models.Model],
    model_admin: ProgrammeAdmin,
) -> None:
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    failures: list[str] = []
    for persona in PERSONAS:
        user = users[persona]
        client = clients[persona]
        response = client.get(changelist)
        if user is None or not user.is_staff:
            ok = response.status_code == 302 and "/admin/login/" in response["Location"]
            if not ok:
                failures.append(f"{persona}: {response.status_code}, expected sent to sign in")
            continue
        reads = allows(user, model_admin.readers)
        if response.status_code != (200 if reads else 403):
            failures.append(f"{persona}: change list {response.status_code}")
        records = model._default_manager.order_by("pk")
        visible = model_admin.scope(user, records) if reads else records.none()
        inside = records.filter(pk__in=visible.values("pk")).first()
        outside = records.exclude(pk__in=visible.values("pk")).first()
        if inside is not None:
            page = client.get(reverse("admin:{}_{}_change".format(*info), args=[inside.pk]))
            if page.status_code != 200:
                failures.append(f"{persona}: change page inside its scope {page.status_code}")
        if outside is not None:
            page = client.get(reverse("admin:{}_{}_change".format(*info), args=[outside.pk]))
            if page.status_code == 200:
                failures.append(f"{persona}: change page outside its scope opened")
    assert failures == []
