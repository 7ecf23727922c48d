"""The authorization matrix of the API and the public portal, generated: every API route and every
portal route, requested by anonymous visitors and every demo persona, for a record inside and a
record outside the persona's scope. It reuses the staff matrix's dataset and helpers
(``test_authorization_matrix``), in its own module so that each stays as fast as it was.

API, for every method a route answers:

- an anonymous caller is never 403 nor 5xx: a write is 401 with ``WWW-Authenticate``; a read
  opens (public data), is unknown (404) or asks to authenticate (401);
- a signed-in persona reading one record of a scoped kind gets it when the record is inside its
  scope and 404 outside it, never 403 (existence is not revealed); a write to a record outside
  its scope is 404 (or 400 for a body checked before the record is looked up) and never 403
  nor a success;
- nothing is ever 5xx.

Portal: public and the same for everyone: each persona gets what an anonymous visitor gets,
never a sign-in redirect, 403 or 5xx; a draft edition is unknown (404) to everyone.

Every request that may write runs in a transaction rolled back after it.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from devolve.accounts.models import User
from devolve.assessments import selectors as assessment_selectors
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.documents import selectors as document_selectors
from devolve.documents.models import GeneratedDocument
from devolve.grants import selectors as grant_selectors
from devolve.grants.models import ActivationRun, EntrustmentAgreement, Grant, Publication
from devolve.indicators.models import EvaluationRun, Indicator, Observation
from devolve.matters import selectors as matter_selectors
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    Matter,
    MatterType,
)
from devolve.performance import selectors as performance_selectors
from devolve.performance.models import Appeal, PerformanceAssessment, Scheme, Score
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.reporting.models import AreaReport, DepartmentReport, ReportingCycle
from devolve.selection.models import RoundResult, ScoringRun, SelectionRound
from tests.scenarios.test_authorization_matrix import (
    PERSONAS,
    _area_reports,
    _department_reports,
    _grants,
    _seeded_once,
    _sessions,
    clients,
    users,
)

__all__ = ["_seeded_once", "_sessions", "clients", "users"]  # fixtures, imported for pytest to find

Visible = Callable[[User], QuerySet[Any]] | None
WRITES = ("post", "put", "patch")


@dataclass(frozen=True)
class Target:
    """What a route's record is, and which of them a signed-in user may see (None: the
    route's data is not scoped by user; only the generic rules apply)."""

    model: type[models.Model]
    visible: Visible = None


# Every API route addressed by a record, by route name prefix (the longest prefix wins).
API_TARGETS: dict[str, Target] = {
    "division-": Target(Division),
    "zone-": Target(Zone),
    "pilot-area-": Target(Zone),
    "batch-membership-": Target(BatchMembership),
    "batch-": Target(Batch),
    "department-report-": Target(DepartmentReport, _department_reports),
    "department-": Target(Department),
    "matter-type-": Target(MatterType),
    "authorization-mode-": Target(AuthorizationMode),
    "matter-": Target(Matter),
    "annual-list-": Target(
        AnnualList, lambda user: matter_selectors.list_annual_lists_visible_to(user=user)
    ),
    "list-entry-": Target(
        AnnualList, lambda user: matter_selectors.list_annual_lists_visible_to(user=user)
    ),
    "demand-window-": Target(DemandWindow),
    "demand-item-": Target(
        DemandItem, lambda user: matter_selectors.list_demand_items_visible_to(user=user)
    ),
    "grant-assessment-": Target(
        GrantAssessment,
        lambda user: assessment_selectors.scope_grant_assessments(
            GrantAssessment.objects.all(), user=user
        ),
    ),
    "grant-held-by": Target(Zone),
    "grant-owed-by": Target(Department),
    "grant-": Target(Grant, _grants),
    "agreement-": Target(EntrustmentAgreement),
    "indicator-": Target(Indicator),
    "observation-": Target(Observation),
    "evaluation-run-": Target(EvaluationRun),
    "selection-round-": Target(SelectionRound),
    "scoring-run-": Target(ScoringRun),
    "accepted-usage-": Target(Grant, _grants),
    "reporting-cycle-": Target(ReportingCycle),
    "area-report-": Target(AreaReport, _area_reports),
    "support-progress-": Target(DepartmentReport, _department_reports),
    "assessment-round-": Target(
        AssessmentRound, lambda user: assessment_selectors.list_rounds_visible_to(user=user)
    ),
    "performance-scheme-": Target(
        Scheme, lambda user: performance_selectors.list_schemes_visible_to(user=user)
    ),
    "performance-assessment-": Target(
        PerformanceAssessment,
        lambda user: performance_selectors.list_assessments_visible_to(user=user),
    ),
    "performance-score-": Target(
        Score, lambda user: performance_selectors.list_scores_visible_to(user=user)
    ),
    "performance-appeal-": Target(
        Appeal, lambda user: performance_selectors.list_appeals_visible_to(user=user)
    ),
    "generated-document-": Target(
        GeneratedDocument, lambda user: document_selectors.list_documents_visible_to(user=user)
    ),
    "publication-": Target(
        Publication, lambda user: grant_selectors.list_publications_visible_to(user=user)
    ),
    "activation-run-": Target(
        ActivationRun, lambda user: grant_selectors.list_activation_runs_visible_to(user=user)
    ),
}


def _a_publication(users: dict[str, User | None]) -> None:
    """The demo publishes its editions through the service, without the background task: one
    finished publication of its first published edition, as the office would have queued it."""
    edition = AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED).order_by("pk").first()
    assert edition is not None
    assert edition.published_on is not None
    Publication.objects.create(
        annual_list=edition,
        published_on=edition.published_on,
        status=Publication.Status.PUBLISHED,
        rows_done=1,
        rows_total=1,
        requested_by=users["office"],
    )


def _a_scoring_run(users: dict[str, User | None]) -> None:
    """The demo scores its round through the service, without the background task: one
    finished run of it, as the office would have queued it."""
    result = RoundResult.objects.order_by("pk").first()
    assert result is not None
    ScoringRun.objects.create(
        round=result.round,
        status=ScoringRun.Status.SCORED,
        result=result,
        rows_done=1,
        rows_total=1,
        requested_by=users["office"],
    )


def _an_activation_run(users: dict[str, User | None]) -> None:
    """The demo activates due grants through the service, without the background task: one
    finished run, as the office would have queued it."""
    ActivationRun.objects.create(
        on=datetime.date(2024, 1, 1),
        status=ActivationRun.Status.ACTIVATED,
        rows_done=1,
        rows_total=1,
        requested_by=users["office"],
    )


# Records of a route's target the demo holds none of, made for the route's test (rolled back
# with it), so that its scope is tried inside and outside, by route name prefix.
MADE_FOR_THE_ROUTE: dict[str, Callable[[dict[str, User | None]], None]] = {
    "publication-": _a_publication,
    "scoring-run-": _a_scoring_run,
    "activation-run-": _an_activation_run,
}

# Routes that read one record by a key that is not the record's own (a grant's usage, a
# department report's progress lines): their scope is checked through the record they list.
NOT_ONE_RECORD = {"accepted-usage-detail", "support-progress-detail"}


def _walk(resolver: URLResolver, namespace: str) -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, pattern.namespace or namespace)
        else:
            yield namespace, pattern


def _routes(namespace: str) -> list[URLPattern]:
    seen: dict[str, URLPattern] = {}
    for found, pattern in _walk(get_resolver(), ""):
        if found == namespace and pattern.name and "format" not in pattern.pattern.regex.groupindex:
            seen.setdefault(pattern.name, pattern)
    return [seen[name] for name in sorted(seen)]


API_ROUTES = [route for route in _routes("api") if route.name not in {"schema", "docs"}]
PORTAL_ROUTES = _routes("portal")


def _parameters(pattern: URLPattern) -> list[str]:
    return sorted(set(pattern.pattern.regex.groupindex) | set(pattern.pattern.converters))


def _target(name: str) -> Target | None:
    prefixes = [prefix for prefix in API_TARGETS if name.startswith(prefix)]
    return API_TARGETS[max(prefixes, key=len)] if prefixes else None


def _methods(pattern: URLPattern) -> list[str]:
    actions = getattr(pattern.callback, "actions", None)
    if actions:
        return sorted(actions)
    view_class = getattr(pattern.callback, "cls", None) or getattr(
        pattern.callback, "view_class", None
    )
    if view_class is None:
        return ["get"]
    return sorted(
        method for method in ("get", "post", "put", "patch") if hasattr(view_class, method)
    )


def _api_kwargs(pattern: URLPattern, record: models.Model | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for parameter in _parameters(pattern):
        if parameter == "pk":
            if isinstance(record, AnnualList):  # an entry of the edition
                entry = record.entries.order_by("pk").first()
                values["pk"] = entry.pk if entry is not None else 0
            else:
                values["pk"] = record.pk if record is not None else 0
        elif parameter in {"key", "annual_list_key"}:
            unknown = "2020/batch-9" if "batch" in pattern.pattern.regex.pattern else "none"
            values[parameter] = getattr(record, "key", unknown)
        elif parameter == "slug" or parameter == "zone":
            values[parameter] = getattr(record, "slug", "nowhere")
        elif parameter in {"code", "department"}:
            values[parameter] = getattr(record, "code", "none")
        elif parameter == "number":
            values["number"] = getattr(record, "number", 0)
        else:
            raise AssertionError(f"{pattern.name}: declare how to fill <{parameter}>")
    return values


def _call(client: Client, method: str, url: str) -> HttpResponseBase:
    with transaction.atomic():
        response = getattr(client, method)(url, {}, content_type="application/json")
        transaction.set_rollback(True)
    return response


def test_every_api_route_with_a_record_declares_its_target() -> None:
    undeclared = [
        pattern.name
        for pattern in API_ROUTES
        if _parameters(pattern) and _target(pattern.name or "") is None
    ]
    assert undeclared == []


def _api_cases(pattern: URLPattern, user: User | None) -> list[tuple[str, models.Model | None]]:
    target = _target(pattern.name or "") if _parameters(pattern) else None
    if target is None:
        return [("any", None)]
    records = target.model._default_manager.order_by("pk")
    if target.visible is None or user is None:
        return [("any", records.first())]
    visible = target.visible(user).values("pk")
    return [
        ("inside", records.filter(pk__in=visible).first()),
        ("outside", records.exclude(pk__in=visible).first()),
    ]


def _api_failure(
    name: str, method: str, persona: str, scope: str, response: HttpResponseBase
) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if persona == "anonymous":
        if status == 403:
            return "403, expected 401 (authenticate) for an anonymous caller"
        if method in WRITES and status not in {401, 405}:
            return f"{status}, expected 401 for an anonymous write"
        if status == 401 and not response.get("WWW-Authenticate"):
            return "401 without WWW-Authenticate"
        return None
    if status == 401:
        return "401 for a signed-in persona"
    one_record = name.endswith("-detail") and name not in NOT_ONE_RECORD
    if scope == "outside":
        if method == "get" and one_record and status != 404:
            return f"{status}, expected 404 outside its scope"
        # A change to a record looks it up in the caller's scope before anything else (ADR 0040).
        if method in {"put", "patch"} and one_record and status != 404:
            return f"{status}, expected 404 outside its scope before the body is read"
        # 400 from an action: the body was checked before the record was looked up, which tells
        # nothing about the record (an unknown one gets the same answer).
        if method in WRITES and status not in {400, 404}:
            return f"{status}, expected 404 outside its scope"
    if scope == "inside" and method == "get" and one_record and status != 200:
        return f"{status}, expected the record inside its scope"
    return None


@pytest.mark.parametrize("pattern", API_ROUTES, ids=lambda pattern: pattern.name)
def test_api_route(
    clients: dict[str, Client], users: dict[str, User | None], pattern: URLPattern
) -> None:
    name = pattern.name or ""
    for prefix, make in MADE_FOR_THE_ROUTE.items():
        if name.startswith(prefix):
            make(users)
    failures: list[str] = []
    for persona in PERSONAS:
        user = users[persona]
        client = clients[persona]
        for scope, record in _api_cases(pattern, user):
            if scope != "any" and record is None:
                continue
            url = reverse(f"api:{name}", kwargs=_api_kwargs(pattern, record) or None)
            for method in _methods(pattern):
                response = _call(client, method, url)
                failure = _api_failure(name, method, persona, scope, response)
                if failure is not None:
                    failures.append(f"{method.upper()} {persona} ({scope}): {failure}")
    assert failures == [], "\n".join(failures)


# Portal -----------------------------------------------------------------------------------------


def _edition_kwargs(annual_list: AnnualList) -> dict[str, Any]:
    return {"year": annual_list.year, "batch": annual_list.batch.number}


def _portal_urls(pattern: URLPattern) -> list[tuple[str, str]]:
    """(case, url) pairs for the route: public records, and a draft edition where it takes one."""
    name = f"portal:{pattern.name}"
    parameters = _parameters(pattern)
    if not parameters:
        return [("public", reverse(name))]
    if {"year", "batch"} <= set(parameters) and "edition" not in parameters:
        extra = {"file_format": "docx"} if "file_format" in parameters else {}
        published = AnnualList.objects.filter(status=AnnualList.Status.PUBLISHED).first()
        draft = AnnualList.objects.filter(status=AnnualList.Status.DRAFT, edition=1).first()
        cases = []
        if published is not None:
            cases.append(("public", reverse(name, kwargs={**_edition_kwargs(published), **extra})))
        if draft is not None:
            cases.append(("draft", reverse(name, kwargs={**_edition_kwargs(draft), **extra})))
        return cases
    return [("public", _portal_url_by_record(pattern, name, parameters))]


def _portal_url_by_record(pattern: URLPattern, name: str, parameters: list[str]) -> str:
    values: dict[str, Any] = {}
    for parameter in parameters:
        if parameter == "number":
            values["number"] = Batch.objects.order_by("number").values_list("number", flat=True)[0]
        elif parameter == "code":
            values["code"] = Division.objects.filter(level="prefecture").order_by("code")[0].code
        elif parameter == "slug":
            values["slug"] = Zone.objects.order_by("slug")[0].slug
        elif parameter == "key":
            values["key"] = Matter.objects.order_by("pk")[0].key
        elif parameter == "year":
            values["year"] = (
                PerformanceAssessment.objects.filter(status="published")
                .order_by("year")
                .values_list("year", flat=True)
                .first()
                or 2024
            )
        elif parameter == "file_format":
            values["file_format"] = "docx"
        else:
            return ""  # a route this matrix cannot fill: listed by the next test
    return reverse(name, kwargs=values)


UNFILLED_PORTAL_ROUTES = {
    # Keys of their own (open-data sets, evaluated indicators, scheme keys): their pages are
    # covered by devolve/portal/tests; the matrix asks only what every portal page must do.
    "dataset_download",
    "economy_evaluation_detail",
    "performance_ranking",
    "holding_detail",
}


def test_every_portal_route_is_in_the_matrix_or_said_not_to_be(
    users: dict[str, User | None],
) -> None:
    unfilled = sorted(
        pattern.name or ""
        for pattern in PORTAL_ROUTES
        if any(url == "" for _case, url in _portal_urls(pattern))
    )
    assert set(unfilled) <= UNFILLED_PORTAL_ROUTES, unfilled


@pytest.mark.parametrize("pattern", PORTAL_ROUTES, ids=lambda pattern: pattern.name)
def test_portal_route(clients: dict[str, Client], pattern: URLPattern) -> None:
    failures: list[str] = []
    for case, url in _portal_urls(pattern):
        if url == "":
            continue
        statuses: dict[str, int] = {}
        for persona in PERSONAS:
            statuses[persona] = clients[persona].get(url).status_code
        anonymous = statuses["anonymous"]
        if anonymous >= 500 or anonymous in {302, 401, 403}:
            failures.append(f"{case}: anonymous {anonymous}")
        if case == "draft" and anonymous != 404:
            failures.append(f"draft: anonymous {anonymous}, expected 404")
        differing = {persona: status for persona, status in statuses.items() if status != anonymous}
        if differing:
            failures.append(f"{case}: {differing}, anonymous got {anonymous}")
    assert failures == [], re.sub(r"\s+", " ", str(failures))
