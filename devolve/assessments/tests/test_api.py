"""Assessments API: rounds, grant assessments and roll-ups scoped to the reader; zero-use flags;
each step of a round handed to its service, refusals answered with their code."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from devolve.accounts.models import User
from devolve.assessments import services
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.assessments.selectors import scope_grant_assessments
from devolve.assessments.tests.conftest import World, report
from devolve.assessments.tests.test_services import open_round
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.personas import STAFF_PERSONAS
from devolve.matters.models import ListEntry

D = datetime.date
JSON = "application/json"
STAFF = STAFF_PERSONAS
FULL = {"take_up": "20", "use": "30", "supervision": "15", "demand": "10"}


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


@pytest.fixture
def client() -> Client:
    """A client that writes over whatever a record holds (``If-Match: *``) unless a test sends
    an ETag: the If-Match rules are tested in ``matters/tests/test_api.py``."""
    return Client(headers={"If-Match": "*"})


@pytest.fixture
def scoring(world: World, office_user: User, evaluator: User) -> AssessmentRound:
    assessment_round = open_round(world, office_user, evaluators=[evaluator])
    return services.start_scoring(assessment_round=assessment_round, started_by=office_user)


def test_rounds_are_read_by_every_programme_role(
    client: Client, personas: dict[str, User], scoring: AssessmentRound
) -> None:
    assert_authorization_matrix(
        client, personas, "get", url("assessment-round-list"), allowed=STAFF, anonymous_status=401
    )


def test_a_round_shows_its_rubric_and_status(
    client: Client, office_user: User, scoring: AssessmentRound, world: World
) -> None:
    client.force_login(office_user)

    body = client.get(url("assessment-round-detail", pk=scoring.pk)).json()

    assert body["annual_list"] == world.edition.key
    assert body["status"] == "scoring"
    assert body["evaluators"] == ["evaluator"]
    assert [criterion["code"] for criterion in body["rubric"]] == [
        "take_up",
        "use",
        "supervision",
        "demand",
    ]


@pytest.mark.parametrize(
    ("persona", "count"),
    [("office", 5), ("department", 3), ("other_department", 2), ("pilot_area", 3)],
)
def test_grant_assessments_are_scoped(
    client: Client, personas: dict[str, User], scoring: AssessmentRound, persona: str, count: int
) -> None:
    client.force_login(personas[persona])

    body = client.get(url("grant-assessment-list"), {"round": scoring.pk}).json()

    expected = GrantAssessment.objects.filter(round=scoring)
    if persona != "office":
        expected = scope_grant_assessments(expected, user=personas[persona])
    assert body["count"] == count
    assert {item["id"] for item in body["results"]} == set(expected.values_list("pk", flat=True))


def test_opening_a_round_through_the_api(
    client: Client, office_user: User, evaluator: User, world: World
) -> None:
    client.force_login(office_user)

    response = client.post(
        url("assessment-round-list"),
        {
            "annual_list": world.edition.key,
            "title_zh": "评估",
            "period_starts_on": "2023-03-10",
            "period_ends_on": "2023-12-31",
            "opened_on": "2024-01-10",
            "evaluators": [evaluator.username],
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    opened = AssessmentRound.objects.get()
    assert opened.grant_assessments.count() == 5
    assert list(opened.evaluators.all()) == [evaluator]


def test_a_non_office_user_cannot_open_a_round(
    client: Client, evaluator: User, world: World
) -> None:
    client.force_login(evaluator)

    response = client.post(
        url("assessment-round-list"),
        {
            "annual_list": world.edition.key,
            "title_zh": "评估",
            "period_starts_on": "2023-03-10",
            "period_ends_on": "2023-12-31",
            "opened_on": "2024-01-10",
        },
        content_type=JSON,
    )

    assert (response.status_code, response.json()["code"]) == (403, "not_allowed")
    assert not AssessmentRound.objects.exists()


def test_scoring_deciding_and_drafting_through_the_api(
    client: Client, office_user: User, evaluator: User, scoring: AssessmentRound, world: World
) -> None:
    client.force_login(evaluator)
    for item in GrantAssessment.objects.filter(round=scoring):
        response = client.post(
            url("grant-assessment-score", pk=item.pk),
            {"scores": FULL, "recommendation": "keep"},
            content_type=JSON,
        )
        assert response.status_code == 200
    assert response.json()["score_total"] == "75.00"

    client.force_login(office_user)
    rollups = client.get(url("assessment-round-entries", pk=scoring.pk)).json()
    assert [rollup["recommended"] for rollup in rollups] == ["keep", "keep", "keep"]
    for rollup in rollups:
        is_law = rollup["entry"] == world.entry(world.law_firms).pk
        response = client.post(
            url("assessment-round-decide", pk=scoring.pk),
            {
                "entry": rollup["entry"],
                "decision": "expand" if is_law else "keep",
                "reason": "Asked for by the third area." if is_law else "",
                "receiving_areas": [] if is_law else None,
                "decided_on": "2024-02-01",
            },
            content_type=JSON,
        )
        assert response.status_code == 200
    assert response.json()["is_override"] is False
    client.post(url("assessment-round-complete", pk=scoring.pk), {"on": "2024-02-01"}, JSON)

    response = client.post(
        url("assessment-round-draft-next-edition", pk=scoring.pk),
        {"year": 2024, "drafted_on": "2024-02-02"},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json()["key"] == "2024/batch-1"
    law = ListEntry.objects.get(annual_list__year=2024, matter=world.law_firms)
    assert (law.change, law.all_areas) == ("modified", True)
    decision = client.get(url("assessment-round-entries", pk=scoring.pk)).json()[0]["decision"]
    assert (decision["next_entry"], decision["next_change"]) == (law.pk, "modified")


def test_a_refused_score_answers_with_its_code(
    client: Client, evaluator: User, scoring: AssessmentRound
) -> None:
    item = GrantAssessment.objects.filter(round=scoring).first()
    assert item is not None
    client.force_login(evaluator)

    response = client.post(
        url("grant-assessment-score", pk=item.pk),
        {"scores": {**FULL, "use": "55"}, "recommendation": "keep"},
        content_type=JSON,
    )

    assert (response.status_code, response.json()["code"]) == (400, "bad_scores")


@pytest.mark.parametrize("persona", ["pilot_area", "other_department"])
def test_scoring_an_assessment_out_of_the_readers_scope_is_not_found(
    client: Client, personas: dict[str, User], scoring: AssessmentRound, persona: str
) -> None:
    user = personas[persona]
    hidden = (
        GrantAssessment.objects.filter(round=scoring)
        .exclude(pk__in=scope_grant_assessments(GrantAssessment.objects.all(), user=user))
        .first()
    )
    assert hidden is not None
    client.force_login(user)

    response = client.post(
        url("grant-assessment-score", pk=hidden.pk),
        {"scores": FULL, "recommendation": "keep"},
        content_type=JSON,
    )

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    hidden.refresh_from_db()
    assert hidden.scored_by is None


def test_flagged_grants_are_listed_within_the_readers_scope(
    client: Client, personas: dict[str, User], world: World
) -> None:
    for zone in (world.home, world.east):
        for cycle in world.cycles[:2]:
            report(world.grant(world.law_firms, zone), cycle, received=0)
    expected: dict[str, Any] = {
        "office": [
            world.grant(world.law_firms, world.home),
            world.grant(world.law_firms, world.east),
        ],
        "pilot_area": [world.grant(world.law_firms, world.home)],
        "other_department": [],
    }
    for persona, grants in expected.items():
        client.force_login(personas[persona])

        body = client.get(url("flagged-grants"), {"annual_list": world.edition.key}).json()

        assert [item["grant_id"] for item in body] == [grant.pk for grant in grants]
        if grants:
            assert body[0]["consecutive_zero_periods"] == 2
