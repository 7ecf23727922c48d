"""Performance API for schemes, on a scheme of their own, without the computed assessment that
every test of ``test_api.py`` shares: the published tree is public, the office drafts and
publishes the next version and opens an assessment, and a bad request is refused."""

from typing import Any

from django.test import Client

from devolve.accounts.models import User
from devolve.performance.models import PerformanceAssessment, Scheme
from devolve.performance.tests.test_api import API


def test_published_schemes_are_public_with_their_tree(client: Client, scheme: Scheme) -> None:
    response = client.get(f"{API}/schemes/{scheme.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["version"], body["status"]) == ("prefectures", 1, "published")
    assert [group["weight"] for group in body["groups"]] == ["70.00", "30.00", "0.00"]
    assert [item["code"] for item in body["groups"][0]["items"]] == ["innovation", "cases"]


def test_the_office_drafts_and_publishes_the_next_version_over_the_api(
    client: Client, personas: dict[str, Any], scheme: Scheme
) -> None:
    body = {"note": "Quality counts more.", "group_weights": {"1": "60", "2": "40"},
            "item_targets": {"innovation": "5"}}  # fmt: skip
    client.force_login(personas["evaluator"])
    refused = client.post(f"{API}/schemes/{scheme.pk}/next-version/", body, "application/json")
    client.force_login(personas["office"])

    response = client.post(f"{API}/schemes/{scheme.pk}/next-version/", body, "application/json")
    draft = response.json()
    published = client.post(f"{API}/schemes/{draft['id']}/publish/")

    assert refused.status_code == 403
    assert response.status_code == 201
    assert (draft["version"], draft["status"]) == (2, "draft")
    assert [group["weight"] for group in draft["groups"]][:2] == ["60.00", "40.00"]
    assert published.status_code == 200
    assert published.json()["status"] == "published"


def test_unknown_group_numbers_are_refused_with_the_field(
    client: Client, office_user: User, scheme: Scheme
) -> None:
    client.force_login(office_user)

    response = client.post(
        f"{API}/schemes/{scheme.pk}/next-version/",
        {"note": "x", "group_weights": {"first": "100"}},
        "application/json",
    )

    assert response.status_code == 400
    assert Scheme.objects.count() == 1


def test_the_office_opens_an_assessment_over_the_api(
    client: Client, personas: dict[str, Any], scheme: Scheme
) -> None:
    body = {"scheme": scheme.pk, "year": 2025, "appeal_opens_on": "2026-03-01",
            "appeal_closes_on": "2026-03-15"}  # fmt: skip
    assert client.post(f"{API}/assessments/", body, "application/json").status_code == 401
    client.force_login(personas["department"])
    assert client.post(f"{API}/assessments/", body, "application/json").status_code == 403
    client.force_login(personas["office"])

    response = client.post(f"{API}/assessments/", body, "application/json")

    assert response.status_code == 201
    assert PerformanceAssessment.objects.get(pk=response.json()["id"]).year == 2025
