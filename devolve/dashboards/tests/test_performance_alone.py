"""Staff pages of performance schemes and the office's overview, on a scheme of their own,
without the computed assessment that every test of ``test_performance.py`` shares: who may open
them, the tree and rules in both languages, the office drafts and publishes the next version and
opens a year, and the overview's zero-use runs."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.assessments.selectors import FlaggedGrant
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.personas import STAFF_PERSONAS
from devolve.dashboards.tests.test_annual_lists import url
from devolve.grants.tests.factories import GrantFactory
from devolve.performance import overview
from devolve.performance.models import PerformanceAssessment, Scheme
from devolve.performance.tests.conftest import scheme
from devolve.performance.tests.factories import SchemeFactory

__all__ = ["scheme"]

D = Decimal
STAFF = STAFF_PERSONAS
JUNE_END = datetime.date(2024, 6, 30)


def test_performance_home_and_scheme_are_open_to_staff(
    client: Client, personas: dict[str, Any], scheme: Scheme
) -> None:
    assert_authorization_matrix(client, personas, "get", url("performance_home"), allowed=STAFF)
    detail = url("performance_scheme_detail", pk=scheme.pk)
    assert_authorization_matrix(client, personas, "get", detail, allowed=STAFF)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Linear to target", "0 points at 0, full points at 4", "Excellent ≥ 90"]),
        ("zh-hans", ["市州方案", "≥ 90"]),
    ],
)
def test_scheme_page_shows_the_tree_and_rules(
    client: Client, office_user: User, scheme: Scheme, language: str, texts: list[str]
) -> None:
    client.force_login(office_user)
    response = client.get(url("performance_scheme_detail", pk=scheme.pk, language=language))
    assert response.status_code == 200
    assertContains(response, 'data-item="innovation"')
    assertContains(response, 'data-item="faults"')
    for text in texts:
        assertContains(response, text)


def test_the_overview_pages_the_zero_use_runs_longest_first_and_counts_them_all(
    client: Client, office_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page shows one page of the flagged grants, longest runs first, with the number of
    all of them, and reads only that page's grants; the download lists every one."""
    grants = GrantFactory.create_batch(26)
    flags = [
        FlaggedGrant(grant.pk, grant.zone_id, grant.entry_id, 40 - number, JUNE_END)
        for number, grant in enumerate(grants)
    ]
    monkeypatch.setattr(overview, "list_flagged_grants", lambda **_: flags)
    client.force_login(office_user)

    with CaptureQueriesContext(connection) as few:
        client.get(url("office_overview", language="en"), {"flagged-per_page": "25"})
    flags += [
        FlaggedGrant(grant.pk, grant.zone_id, grant.entry_id, 1, JUNE_END)
        for grant in GrantFactory.create_batch(26)
    ]
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("office_overview", language="en"), {"flagged-per_page": "25"})
    download = client.get(url("office_overview_xlsx", language="en"))

    assertContains(
        response, '<span class="govuk-tag govuk-tag--orange" id="flagged-count">52</span>'
    )
    assertContains(response, 'data-list-count="52"')
    assertContains(response, "flagged-page=2")
    shown = [int(pk) for pk in re.findall(r'data-grant="(\d+)"', response.content.decode())]
    assert shown == [grant.pk for grant in grants[:25]]
    assert len(many) <= len(few)
    assert download.status_code == 200
    assert len(list(overview.Overview.of(on=datetime.date(2024, 7, 1)).flagged)) == 52


def test_only_the_office_drafts_versions_and_opens_assessments(
    client: Client, personas: dict[str, Any], scheme: Scheme
) -> None:
    for name, kwargs in [
        ("performance_scheme_next_version", {"pk": scheme.pk}),
        ("performance_assessment_create", {}),
    ]:
        assert_authorization_matrix(
            client, personas, "get", url(name, **kwargs), allowed={"office"}
        )
    client.force_login(personas["evaluator"])
    page = client.get(url("performance_scheme_detail", pk=scheme.pk))
    assertNotContains(page, 'data-testid="scheme-next"')
    assert client.post(url("performance_scheme_publish", pk=scheme.pk)).status_code == 403


def test_the_office_drafts_the_next_version_then_publishes_it(
    client: Client, office_user: User, scheme: Scheme
) -> None:
    client.force_login(office_user)
    form = client.get(url("performance_scheme_next_version", pk=scheme.pk)).context["form"]
    values = {name: field.initial for name, field in form.fields.items()}
    values |= {"group-1": "60", "group-2": "40", "target-innovation": "5", "note": "More quality."}

    response = client.post(url("performance_scheme_next_version", pk=scheme.pk), values)

    second = Scheme.objects.get(code=scheme.code, version=2)
    assertRedirects(response, url("performance_scheme_detail", pk=second.pk))
    weights = {group.sequence: group.weight for group in second.groups.all()}
    assert (weights[1], weights[2], second.status, second.note) == (
        D(60), D(40), "draft", "More quality."
    )  # fmt: skip
    assert second.groups.get(sequence=1).items.get(code="innovation").target == D(5)
    assertContains(client.get(url("performance_scheme_detail", pk=second.pk)), "scheme-publish")

    client.post(url("performance_scheme_publish", pk=second.pk))

    second.refresh_from_db()
    assert second.status == "published"


def test_weights_that_do_not_add_up_are_refused_on_the_form(
    client: Client, office_user: User, scheme: Scheme
) -> None:
    client.force_login(office_user)
    form = client.get(url("performance_scheme_next_version", pk=scheme.pk)).context["form"]
    values = {name: field.initial for name, field in form.fields.items()}
    values |= {"group-1": "80", "note": "Too much."}

    response = client.post(url("performance_scheme_next_version", pk=scheme.pk), values)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Scheme.objects.filter(code=scheme.code).count() == 1


def test_an_appeal_window_that_ends_before_it_opens_is_refused(
    client: Client, office_user: User, scheme: Scheme
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("performance_assessment_create"),
        {"scheme": scheme.pk, "year": 2025, "appeal_opens_on": "2026-03-15",
         "appeal_closes_on": "2026-03-01"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not PerformanceAssessment.objects.exists()


def test_the_new_pages_read_in_chinese(client: Client, office_user: User, scheme: Scheme) -> None:
    client.force_login(office_user)

    assertContains(
        client.get(url("performance_assessment_create", language="zh-hans")), "开启年度考核"
    )
    assertContains(
        client.get(url("performance_scheme_next_version", pk=scheme.pk, language="zh-hans")),
        "起草下一版本",
    )


def test_a_draft_scheme_is_shown_only_to_those_who_read_all_performance(
    client: Client, personas: dict[str, Any]
) -> None:
    draft = SchemeFactory(status=Scheme.Status.DRAFT, code="draft-scheme")
    outcomes: dict[str, tuple[int, bool]] = {}
    for name, user in personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        detail = client.get(url("performance_scheme_detail", pk=draft.pk)).status_code
        home = client.get(url("performance_home"))
        listed = home.status_code == 200 and draft.get_absolute_url() in home.content.decode()
        outcomes[name] = (detail, listed)
    readers = {"office", "evaluator", "auditor"}
    assert outcomes == {
        name: (302, False)
        if name == "anonymous"
        else (200, True)
        if name in readers
        else (404, False)
        for name in personas
    }
