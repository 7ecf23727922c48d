"""Public pages of performance assessment: only published scores, in both languages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from devolve.accounts.models import User
from devolve.performance import services
from devolve.performance.models import PerformanceAssessment
from devolve.performance.tests import worlds
from devolve.performance.tests.conftest import assessment, edition, scheme

__all__ = ["assessment", "edition", "scheme"]


def url(name: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"portal:{name}", kwargs=kwargs or None)


def test_unpublished_results_are_not_public(
    client: Client, assessment: PerformanceAssessment
) -> None:
    response = client.get(url("performance_list", "en"))
    assertContains(response, "No result has been published yet.")
    ranking = url("performance_ranking", "en", year=2024, scheme="prefectures")
    assert client.get(ranking).status_code == 404


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Performance assessment 2024"), ("zh-hans", "市州方案")],
)
def test_published_ranking_shows_tiers_and_points(
    client: Client,
    assessment: PerformanceAssessment,
    office_user: User,
    language: str,
    heading: str,
) -> None:
    services.publish_performance_assessment(
        assessment=assessment, published_by=office_user, on=datetime.date(2025, 3, 16)
    )
    response = client.get(url("performance_list", language))
    assertNotContains(response, "No result has been published yet.")
    response = client.get(url("performance_ranking", language, year=2024, scheme="prefectures"))
    assert response.status_code == 200
    assertContains(response, heading)
    assertContains(response, 'data-total="103.00"')
    assertContains(response, 'data-total="74.50"')
    assertContains(response, 'data-tier="excellent"')
    assertContains(response, 'id="ranking-chart-data"')
    assertContains(response, 'data-item="innovation"')
    body = response.content.decode()
    assert body.index(f'data-subject="{worlds.MIANYANG}"') < body.index(
        f'data-subject="{worlds.CHENGDU}"'
    )
