"""Staff pages of performance assessment and the office's overview on one computed assessment,
built once for the module (``devolve.performance.tests.assessed``): who may open them, what they
show in both languages, the appeal form and decision, manual inputs and the xlsx export. The
scheme pages, on a scheme of their own without the assessment, are in
``test_performance_alone.py``."""

import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.personas import STAFF_PERSONAS
from devolve.dashboards.tests.test_annual_lists import url
from devolve.performance import services
from devolve.performance.models import Appeal, ManualInput, PerformanceAssessment, Score
from devolve.performance.tests import worlds
from devolve.performance.tests.assessed import FIXTURES
from devolve.performance.tests.conftest import _assessed_once, assessed

# The computed assessment and the personas it names, in place of the per-test ones.
# The assessment is built once for the module (``_assessed_once`` and ``assessed``, which live in
# ``devolve/performance/tests/conftest.py``, imported for pytest to find).
assessment, chengdu_score, scheme, edition, office_user, pilot_area_user, justice = FIXTURES
__all__ = ["_assessed_once", "assessed"]

D = Decimal
STAFF = STAFF_PERSONAS
OVERVIEW_ROLES = {"office", "evaluator", "auditor"}


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
