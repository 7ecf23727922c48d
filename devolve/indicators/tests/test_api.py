"""Indicators API: public reads with filters, runs created by the office and evaluators only."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.indicators.models import EvaluationRun, Observation, SubjectKind
from devolve.indicators.tests.factories import (
    VINTAGE,
    YEARS,
    IndicatorFactory,
    ZoneObservationFactory,
    run_on,
    staggered_panel,
)
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def test_indicators_and_observations_are_public_and_filterable(client: Client) -> None:
    growth = IndicatorFactory(code="growth")
    other = IndicatorFactory(code="other")
    zone = ZoneFactory(slug="east")
    first = ZoneObservationFactory(indicator=growth, zone=zone, year=2022)
    revised = ZoneObservationFactory(
        indicator=growth, zone=zone, year=2022, vintage=datetime.date(2024, 9, 1)
    )
    ZoneObservationFactory(indicator=other, zone=zone, year=2022)

    indicators = client.get(reverse("api:indicator-list")).json()
    observations = client.get(
        reverse("api:observation-list"), {"indicator": "growth", "zone": "east", "year": 2022}
    ).json()
    released = client.get(
        reverse("api:observation-list"), {"indicator": "growth", "released_by": "2024-03-01"}
    ).json()

    assert [item["code"] for item in indicators["results"]] == ["growth", "other"]
    assert [item["id"] for item in observations["results"]] == [first.pk, revised.pk]
    assert observations["results"][0]["zone"] == "east"
    assert observations["results"][0]["subject_kind"] == SubjectKind.ZONE
    assert [item["id"] for item in released["results"]] == [first.pk]


def _walk(client: Client, query: dict[str, object]) -> tuple[list[Any], list[int]]:
    """Every observation the list gives, following ``next`` from the first page, and each
    page's query count."""
    rows: list[Any] = []
    counts: list[int] = []
    following: str | None = reverse("api:observation-list")
    first = True
    while following:
        with CaptureQueriesContext(connection) as page:
            body = client.get(following, query if first else None).json()
        assert "count" not in body
        rows += body["results"]
        counts.append(len(page.captured_queries))
        following, first = body["next"], False
    return rows, counts


def _observations(count: int) -> None:
    growth, other = IndicatorFactory(code="growth"), IndicatorFactory(code="other")
    for number in range(count):  # recorded out of the old order: codes and years interleaved
        ZoneObservationFactory(
            indicator=(other, growth)[number % 2],
            zone=ZoneFactory(slug=f"zone-{count - number:02d}"),
            year=2020 + number % 3,
        )


def test_observations_are_paged_by_key_every_one_once(client: Client) -> None:
    """Keyset pages (ADR 0035): following ``next`` three at a time returns every observation
    exactly once, in key order, the same as the old numbered list in its own order (the
    deprecated ``?page=N``); every page costs the same queries, as many with more data, and a
    filter is kept from page to page."""
    _observations(4)
    _rows, before = _walk(client, {"page_size": 3})
    _observations(9)
    old = client.get(reverse("api:observation-list"), {"page": 1, "page_size": 500}).json()

    walked, counts = _walk(client, {"page_size": 3})
    growth, _growth_counts = _walk(client, {"page_size": 3, "indicator": "growth"})

    every = list(Observation.objects.order_by("pk").values_list("pk", flat=True))
    assert [row["id"] for row in walked] == every
    assert old["count"] == len(every) == 13
    assert [row["id"] for row in old["results"]] != every  # the old order was another
    assert sorted(old["results"], key=lambda row: row["id"]) == walked
    assert [row["id"] for row in growth] == list(
        Observation.objects.filter(indicator__code="growth")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _rows, everything = _walk(client, {"page_size": 500})
    assert len(counts) == 5
    assert set(counts) == set(before) == set(everything)
    assert counts[0] <= 2


def test_runs_are_public_to_read(client: Client) -> None:
    growth, batch = staggered_panel()
    run = run_on(growth, batch, SYSTEM)

    listed = client.get(reverse("api:evaluation-run-list")).json()
    detail = client.get(reverse("api:evaluation-run-detail", args=[run.pk])).json()

    assert [item["input_fingerprint"] for item in listed["results"]] == [run.input_fingerprint]
    assert "results" not in listed["results"][0]
    assert detail["results"] == run.results
    assert detail["inputs"]["panel"]["unit"] == run.inputs["panel"]["unit"]


def test_only_the_office_and_evaluators_create_runs(
    client: Client, personas: dict[str, User | None]
) -> None:
    growth, batch = staggered_panel()
    payload = {
        "indicator": growth.code,
        "batch": batch.number,
        "outcome": "value",
        "as_of": VINTAGE.isoformat(),
        "first_year": YEARS[0],
        "last_year": YEARS[-1],
    }
    assert_authorization_matrix(
        client,
        personas,
        "post",
        reverse("api:evaluation-run-list"),
        allowed={"office", "evaluator"},
        allowed_status=201,
        anonymous_status=401,
        data=payload,
        content_type="application/json",
    )
    assert EvaluationRun.objects.count() == 2
    assert len(set(EvaluationRun.objects.values_list("input_fingerprint", flat=True))) == 1


def test_a_refused_run_answers_400_with_its_code(client: Client, office_user: User) -> None:
    growth, _batch = staggered_panel()
    client.force_login(office_user)

    response = client.post(
        reverse("api:evaluation-run-list"),
        {"indicator": growth.code, "outcome": "value", "as_of": "2020-01-01",
         "first_year": 2017, "last_year": 2025},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["code"] == "no_data"
    assert not EvaluationRun.objects.exists()
    assert Observation.objects.count() == 9 * len(YEARS)
