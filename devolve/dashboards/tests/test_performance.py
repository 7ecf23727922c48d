"""Staff pages of performance assessment and the office's overview: who may open them, what they
show in both languages, the appeal form and decision, and the xlsx export."""

import datetime
import re
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.assessments.selectors import FlaggedGrant
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.dashboards.tests.test_annual_lists import url
from devolve.grants.tests.factories import GrantFactory
from devolve.performance import overview, services
from devolve.performance.models import Appeal, ManualInput, PerformanceAssessment, Scheme, Score
from devolve.performance.tests import worlds
from devolve.performance.tests.conftest import assessment, chengdu_score, edition, scheme
from devolve.performance.tests.factories import SchemeFactory

__all__ = ["assessment", "chengdu_score", "edition", "scheme"]

D = Decimal
STAFF = {
    "office",
    "department",
    "other_department",
    "prefecture",
    "pilot_area",
    "evaluator",
    "auditor",
}


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


def test_unpublished_assessment_shows_a_subject_only_its_own_score(
    client: Client, personas: dict[str, Any], assessment: PerformanceAssessment
) -> None:
    page = url("performance_assessment_detail", pk=assessment.pk)
    assert_authorization_matrix(
        client, personas, "get", page, allowed={"office", "evaluator", "auditor", "prefecture"}
    )
    client.force_login(personas["prefecture"])
    response = client.get(page)
    assertContains(response, f'data-subject="{worlds.CHENGDU}"')
    assertNotContains(response, f'data-subject="{worlds.MIANYANG}"')
    client.force_login(personas["office"])
    response = client.get(page)
    assertContains(response, f'data-subject="{worlds.MIANYANG}"')
    assertContains(response, 'id="ranking-chart-data"')


def test_score_page_explains_each_item_and_matches_the_recomputation(
    client: Client, personas: dict[str, Any], chengdu_score: Score
) -> None:
    page = url("performance_score_detail", pk=chengdu_score.pk)
    assert_authorization_matrix(
        client, personas, "get", page, allowed={"office", "evaluator", "auditor", "prefecture"}
    )
    client.force_login(personas["prefecture"])
    response = client.get(page)
    assertContains(response, 'data-matches="true"')
    assertContains(response, 'data-points="52.50"')
    assertContains(response, 'data-recomputed="52.50"')
    assertContains(response, 'data-outcome="excluded"')
    assertContains(response, "No data")


def test_published_scores_are_open_to_every_staff_member(
    client: Client, personas: dict[str, Any], chengdu_score: Score, office_user: User
) -> None:
    services.publish_performance_assessment(
        assessment=chengdu_score.assessment,
        published_by=office_user,
        on=datetime.date(2025, 4, 1),
    )
    page = url("performance_score_detail", pk=chengdu_score.pk)
    assert_authorization_matrix(client, personas, "get", page, allowed=STAFF)


@time_machine.travel(datetime.datetime(2025, 3, 5, 10, tzinfo=datetime.UTC))
def test_subject_files_an_appeal_with_evidence_and_the_office_upholds_it(
    client: Client, personas: dict[str, Any], chengdu_score: Score
) -> None:
    appeal_page = url("performance_appeal_create", pk=chengdu_score.pk)
    assert_authorization_matrix(client, personas, "get", appeal_page, allowed={"prefecture"})
    quality = chengdu_score.items.get(item__code="quality").item
    client.force_login(personas["prefecture"])
    response = client.post(
        appeal_page,
        {
            "item": quality.pk,
            "grounds": "The second audit was missed.",
            "claimed_value": "12",
            "evidence_file": SimpleUploadedFile("audit.pdf", b"%PDF-1.4"),
        },
    )
    assertRedirects(response, url("performance_score_detail", pk=chengdu_score.pk, language="en"))
    appeal = Appeal.objects.get()
    # The evidence is served to the appeal's subject and to those who see every appeal, as an
    # attachment that is never sniffed, and linked from the score's page.
    evidence = url("performance_appeal_evidence", pk=appeal.pk)
    assert_authorization_matrix(
        client, personas, "get", evidence, allowed={"prefecture", "office", "evaluator", "auditor"}
    )
    client.force_login(personas["office"])
    served = client.get(evidence)
    assert b"".join(served.streaming_content) == b"%PDF-1.4"
    assert served["Content-Disposition"].startswith('attachment; filename="audit')
    assert (served["X-Content-Type-Options"], served["Content-Type"]) == (
        "nosniff",
        "application/octet-stream",
    )
    assertContains(client.get(url("performance_score_detail", pk=chengdu_score.pk)), evidence)
    decide = url("performance_appeal_decide", pk=appeal.pk)
    assert_authorization_matrix(client, personas, "get", decide, allowed={"office"})
    client.force_login(personas["office"])
    response = client.post(
        decide, {"decision": "upheld", "reason": "Checked.", "corrected_value": ""}
    )
    assertContains(response, "An upheld appeal states the corrected value.")
    response = client.post(
        decide, {"decision": "upheld", "reason": "Checked.", "corrected_value": "12"}
    )
    assert response.status_code == 302
    chengdu_score.refresh_from_db()
    assert (chengdu_score.total, chengdu_score.revision) == (D("80.50"), 2)


@time_machine.travel(datetime.datetime(2025, 3, 20, 10, tzinfo=datetime.UTC))
def test_appeal_after_the_window_is_shown_and_nothing_is_filed(
    client: Client, prefecture_user: User, chengdu_score: Score
) -> None:
    client.force_login(prefecture_user)
    quality = chengdu_score.items.get(item__code="quality").item
    response = client.post(
        url("performance_appeal_create", pk=chengdu_score.pk),
        {"item": quality.pk, "grounds": "Late", "claimed_value": "12"},
    )
    assertContains(
        response, "Appeals are accepted from 2025-03-01 to 2025-03-15; nothing was filed."
    )
    assert Appeal.objects.count() == 0


@time_machine.travel(datetime.datetime(2025, 3, 10, 10, tzinfo=datetime.UTC))
def test_compute_and_publish_are_for_the_office(
    client: Client, personas: dict[str, Any], assessment: PerformanceAssessment
) -> None:
    for name in ("performance_assessment_compute", "performance_assessment_publish"):
        target = url(name, pk=assessment.pk)
        assert_authorization_matrix(
            client, personas, "post", target, allowed={"office"}, allowed_status=302
        )
    assessment.refresh_from_db()
    assert assessment.status == "computed"  # publishing before the window closes was refused


# The office's overview -------------------------------------------------------------------------


OVERVIEW_ROLES = {"office", "evaluator", "auditor"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_overview_shows_reporting_flags_and_ranking(
    client: Client, office_user: User, assessment: PerformanceAssessment, language: str
) -> None:
    client.force_login(office_user)
    response = client.get(url("office_overview", language=language))
    assert response.status_code == 200
    assertContains(response, 'id="completeness-chart-data"')
    assertContains(response, 'id="overview-ranking"')
    assertContains(response, f'data-subject="{worlds.MIANYANG}"')
    assertContains(
        response, '<span class="govuk-tag govuk-tag--orange" id="flagged-count">0</span>'
    )


JUNE_END = datetime.date(2024, 6, 30)


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


def test_overview_and_its_export_are_for_the_office_evaluators_and_auditors(
    client: Client, personas: dict[str, Any], assessment: PerformanceAssessment
) -> None:
    assert_authorization_matrix(
        client, personas, "get", url("office_overview"), allowed=OVERVIEW_ROLES
    )
    assert_authorization_matrix(
        client, personas, "get", url("office_overview_xlsx"), allowed=OVERVIEW_ROLES
    )


def test_overview_export_holds_the_ranking(
    client: Client, office_user: User, assessment: PerformanceAssessment
) -> None:
    client.force_login(office_user)
    response = client.get(url("office_overview_xlsx"))
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Completeness", "Overdue", "Zero-use grants", "Ranking"]
    rows = list(workbook["Ranking"].iter_rows(min_row=2, values_only=True))
    assert [(rank, total) for rank, _subject, total, _tier, _published in rows] == [
        (1, 103.0),
        (2, 74.5),
    ]


def test_office_enters_a_manual_value_with_evidence(
    client: Client, personas: dict[str, Any], assessment: PerformanceAssessment
) -> None:
    page = url("performance_manual_input", pk=assessment.pk)
    assert_authorization_matrix(client, personas, "get", page, allowed={"office"})
    innovation = assessment.scheme.groups.get(sequence=1).items.get(code="innovation")
    client.force_login(personas["office"])
    response = client.post(
        page, {"item": innovation.pk, "subject_key": worlds.CHENGDU, "value": "4", "evidence": " "}
    )
    assertContains(response, "This field is required.")
    response = client.post(
        page,
        {"item": innovation.pk, "subject_key": worlds.CHENGDU, "value": "4", "evidence": "Notice"},
    )
    assert response.status_code == 302
    row = ManualInput.objects.get(item=innovation, subject_key=worlds.CHENGDU)
    assert (row.value, row.evidence, row.entered_by) == (D(4), "Notice", personas["office"])


# --- The office writes the next version and opens a year ---------------------------------------


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


def test_the_office_opens_next_years_assessment(
    client: Client, office_user: User, assessment: PerformanceAssessment
) -> None:
    client.force_login(office_user)
    form = client.get(url("performance_assessment_create")).context["form"]
    assert (form.initial["year"], form.initial["scheme"]) == (
        assessment.year + 1, assessment.scheme_id
    )  # fmt: skip

    response = client.post(
        url("performance_assessment_create"),
        {"scheme": assessment.scheme_id, "year": assessment.year + 1,
         "appeal_opens_on": "2026-03-01", "appeal_closes_on": "2026-03-15"},
    )  # fmt: skip

    opened = PerformanceAssessment.objects.get(year=assessment.year + 1)
    assertRedirects(response, url("performance_assessment_detail", pk=opened.pk))
    assert opened.appeal_closes_on == datetime.date(2026, 3, 15)


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
