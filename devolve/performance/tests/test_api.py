"""Performance API on one computed assessment, built once for the module
(``devolve.performance.tests.assessed``): scopes of reads (published for everyone, own
unpublished score for the subject), each write through its service with its refusals. Schemes
over the API are in ``test_api_alone.py``."""

import datetime
from decimal import Decimal
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from devolve.accounts.models import User
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.performance import services
from devolve.performance.models import Appeal, PerformanceAssessment, Score
from devolve.performance.tests import assessed, worlds

D = Decimal
API = "/api/v1/performance"
SEES_ALL = {"office", "evaluator", "auditor"}

# The computed assessment and the personas it names, in place of the per-test ones.
assessment, chengdu_score, scheme, edition, office_user, pilot_area_user, justice = (
    assessed.FIXTURES
)


def keys(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return [row["subject_key"] for row in response.json()["results"]]


def test_unpublished_scores_reach_only_the_office_readers_and_the_subject(
    client: Client, personas: dict[str, Any], assessment: PerformanceAssessment
) -> None:
    expected = {
        "anonymous": [],
        "office": [worlds.MIANYANG, worlds.CHENGDU],
        "evaluator": [worlds.MIANYANG, worlds.CHENGDU],
        "auditor": [worlds.MIANYANG, worlds.CHENGDU],
        "prefecture": [worlds.CHENGDU],
        "pilot_area": [],
        "department": [],
    }
    for persona, subjects in expected.items():
        client.logout()
        if personas[persona] is not None:
            client.force_login(personas[persona])
        assert keys(client, f"{API}/scores/?assessment={assessment.pk}") == subjects, persona
    client.force_login(personas["prefecture"])
    chengdu = client.get(f"{API}/scores/?assessment={assessment.pk}").json()["results"][0]
    assert (chengdu["total"], chengdu["tier"], chengdu["rank"]) == ("74.50", "pass", 2)
    assert {item["code"]: item["points"] for item in chengdu["items"]} == {
        "innovation": "52.50",
        "cases": "0.00",
        "quality": "24.00",
        "honours": "2.00",
        "faults": "-4.00",
    }


def test_published_scores_are_public(
    client: Client, assessment: PerformanceAssessment, office_user: User
) -> None:
    services.publish_performance_assessment(
        assessment=assessment, published_by=office_user, on=datetime.date(2025, 3, 16)
    )
    assert keys(client, f"{API}/scores/") == [worlds.MIANYANG, worlds.CHENGDU]
    assert client.get(f"{API}/assessments/").json()["results"][0]["status"] == "published"


def test_compute_and_publish_are_for_the_office(
    client: Client, personas: dict[str, Any], assessment: PerformanceAssessment
) -> None:
    with time_machine.travel(datetime.datetime(2025, 3, 10, tzinfo=datetime.UTC)):
        assert_authorization_matrix(
            client, personas, "post", f"{API}/assessments/{assessment.pk}/compute/",
            allowed={"office"}, anonymous_status=401,
            not_found={"department", "other_department", "pilot_area"},
        )  # fmt: skip
        client.force_login(personas["office"])
        response = client.post(f"{API}/assessments/{assessment.pk}/publish/")
    assert response.status_code == 400
    assert response.json()["code"] == "window_open"


@time_machine.travel(datetime.datetime(2025, 3, 5, 10, tzinfo=datetime.UTC))
def test_subject_appeals_over_the_api_and_the_office_decides(
    client: Client, personas: dict[str, Any], chengdu_score: Score
) -> None:
    client.force_login(personas["prefecture"])
    response = client.post(
        f"{API}/appeals/",
        {
            "score": chengdu_score.pk,
            "item": "quality",
            "grounds": "Audit missed",
            "claimed_value": "12",
            "evidence_file": SimpleUploadedFile("audit.pdf", b"%PDF"),
        },
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert [row["id"] for row in client.get(f"{API}/appeals/").json()["results"]] == [appeal.pk]
    client.force_login(personas["pilot_area"])
    assert client.get(f"{API}/appeals/").json()["results"] == []
    decide = f"{API}/appeals/{appeal.pk}/decide/"
    assert (
        client.post(decide, {"upheld": True, "reason": "x", "corrected_value": "12"}).status_code
        == 404
    )
    client.force_login(personas["office"])
    response = client.post(
        decide, {"upheld": True, "reason": "Checked", "corrected_value": "12"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["status"] == "upheld"
    chengdu_score.refresh_from_db()
    assert chengdu_score.total == D("80.50")


@time_machine.travel(datetime.datetime(2025, 3, 5, 10, tzinfo=datetime.UTC))
def test_an_appeal_against_a_score_the_user_may_not_see_is_not_found(
    client: Client, pilot_area_user: User, chengdu_score: Score
) -> None:
    client.force_login(pilot_area_user)
    response = client.post(
        f"{API}/appeals/",
        {"score": chengdu_score.pk, "item": "quality", "grounds": "Not ours"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Appeal.objects.count() == 0


@time_machine.travel(datetime.datetime(2025, 4, 1, 10, tzinfo=datetime.UTC))
def test_appeal_after_the_window_is_refused(
    client: Client, prefecture_user: User, chengdu_score: Score
) -> None:
    client.force_login(prefecture_user)
    response = client.post(
        f"{API}/appeals/",
        {"score": chengdu_score.pk, "item": "quality", "grounds": "Late"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "appeal_window_closed"
    assert Appeal.objects.count() == 0
