"""Selection API: the office, evaluators and auditors read rounds, values and results; only the
office scores, records and approves; refusals come back with their code. Every test reads one
scored round, built once for the module; the unscored round is in ``test_unscored_round.py``."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import read_again
from devolve.regions.models import Batch
from devolve.selection import services
from devolve.selection.models import CandidateValue, RoundResult, ScoringRun, SelectionRound
from devolve.selection.selectors import result_document
from devolve.selection.services import score_round
from devolve.selection.tests.factories import SmallRound, make_round

pytestmark = pytest.mark.django_db
JSON = "application/json"
READERS = {"office", "evaluator", "auditor"}


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


@pytest.fixture(scope="module")
def _scored_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SmallRound]:
    """A small round with its values, scored, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets it read again
    (``read_again``), so nothing one test does is seen by the next. Every test here uses it: the
    unscored round is in ``test_unscored_round.py``."""
    with django_db_blocker.unblock(), transaction.atomic():
        small = make_round()
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)
        yield small
        transaction.set_rollback(True)


@pytest.fixture
def scored(_scored_once: SmallRound, db: None) -> SmallRound:
    return read_again(_scored_once)


@pytest.mark.parametrize(
    "name", ["selection-round-list", "selection-round-detail", "selection-round-candidates",
             "selection-round-result"],
)  # fmt: skip
def test_reads_are_for_the_office_evaluators_and_auditors(
    client: Client, personas: dict[str, User], scored: SmallRound, name: str
) -> None:
    kwargs = {} if name == "selection-round-list" else {"key": scored.selection_round.slug}
    assert_authorization_matrix(
        client, personas, "get", url(name, **kwargs), allowed=READERS, anonymous_status=401
    )


def test_scoring_is_for_the_office_only_and_a_refusal_queues_nothing(
    client: Client, personas: dict[str, User], scored: SmallRound
) -> None:
    assert_authorization_matrix(
        client, personas, "post", url("selection-round-score", key=scored.selection_round.slug),
        allowed={"office"}, allowed_status=202, anonymous_status=401,
        tracked=(ScoringRun, RoundResult, SelectionRound),
    )  # fmt: skip
    # The office's run is queued (the task runs once the request commits); nobody else's is.
    assert list(ScoringRun.objects.values_list("status", "requested_by")) == [
        ("queued", personas["office"].pk)
    ]
    assert RoundResult.objects.count() == 1  # the fixture's


def test_scoring_answers_202_and_the_run_is_polled_to_its_result(
    client: Client,
    office_user: User,
    scored: SmallRound,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(office_user)
    key = scored.selection_round.slug

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url("selection-round-score", key=key))

    assert len(queued) == 1  # the task, enqueued once the request commits
    assert response.status_code == 202
    run = ScoringRun.objects.get()
    assert response["Location"] == url("scoring-run-detail", pk=run.pk)
    assert response.json()["status"] == "queued"  # as it stood before the task ran
    polled = client.get(response["Location"]).json()
    latest = RoundResult.objects.latest()
    assert polled == {
        "id": run.pk, "round": key, "status": "scored", "rows_done": 20, "rows_total": 20,
        "percent": 100, "error_code": "", "error_message": "",
        "requested_by": office_user.username,
        "created_at": polled["created_at"], "finished_at": polled["finished_at"],
        "round_url": f"/api/v1/selection-rounds/{key}/",
        "result_url": f"/api/v1/selection-rounds/{key}/result/",
    }  # fmt: skip
    assert polled["finished_at"] is not None
    assert ScoringRun.objects.get().result == latest
    assert RoundResult.objects.count() == 2
    document = client.get(polled["result_url"]).json()
    assert document["input_fingerprint"] == latest.input_fingerprint


def test_scoring_twice_while_one_is_under_way_answers_the_same_run(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)
    key = scored.selection_round.slug

    first = client.post(url("selection-round-score", key=key))
    second = client.post(url("selection-round-score", key=key))

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["id"] == second.json()["id"]
    assert ScoringRun.objects.count() == 1


def test_scoring_runs_are_read_by_those_who_read_rounds(
    client: Client, personas: dict[str, User], scored: SmallRound
) -> None:
    run = services.queue_scoring(selection_round=scored.selection_round, requested_by=SYSTEM)
    assert_authorization_matrix(
        client, personas, "get", url("scoring-run-detail", pk=run.pk),
        allowed=READERS, anonymous_status=401,
    )  # fmt: skip


def test_a_round_is_found_by_key_or_id(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)

    by_key = client.get(url("selection-round-detail", key=scored.selection_round.slug)).json()
    by_id = client.get(url("selection-round-detail", key=str(scored.selection_round.pk))).json()

    assert by_key == by_id
    assert [criterion["code"] for criterion in by_key["criteria"]] == [
        "scale", "administration", "market"
    ]  # fmt: skip
    assert len(by_key["sub_indicators"]) == 5


def test_the_result_is_the_stored_document(
    client: Client, evaluator: User, scored: SmallRound
) -> None:
    client.force_login(evaluator)

    response = client.get(url("selection-round-result", key=scored.selection_round.slug))

    assert response.status_code == 200
    assert response.json() == result_document(RoundResult.objects.get())


def test_candidates_lists_every_stored_value(
    client: Client, auditor: User, scored: SmallRound
) -> None:
    client.force_login(auditor)

    values = client.get(url("selection-round-candidates", key=scored.selection_round.slug)).json()

    assert len(values) == 6 * 5
    assert {value["zone"] for value in values} == set(scored.zones)


def test_the_office_records_and_approves_a_decision(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)
    key = scored.selection_round.slug
    chosen = RoundResult.objects.get().chosen

    recorded = client.post(
        url("selection-round-decision", key=key),
        {"meeting_zh": "第八次会议", "decided_on": "2024-11-20", "chosen": chosen},
        content_type=JSON,
    )
    approved = client.post(
        url("selection-round-approve", key=key), {"starts_on": "2024-12-02"}, content_type=JSON
    )

    assert recorded.status_code == 201
    assert recorded.json()["differs_from_recommendation"] is False
    assert approved.status_code == 200
    assert approved.json()["batch"] == 2
    assert Batch.objects.get(number=2).starts_on == datetime.date(2024, 12, 2)
    assert client.get(url("selection-round-decision", key=key)).json()["status"] == "approved"


def test_a_different_choice_without_reasons_comes_back_with_its_code(
    client: Client, office_user: User, evaluator: User, scored: SmallRound
) -> None:
    client.force_login(office_user)
    key = scored.selection_round.slug
    other = sorted(set(scored.zones) - set(RoundResult.objects.get().chosen))
    body = {"meeting_zh": "会议", "decided_on": "2024-11-20", "chosen": other}

    refused = client.post(url("selection-round-decision", key=key), body, content_type=JSON)
    client.force_login(evaluator)
    forbidden = client.post(url("selection-round-decision", key=key), body, content_type=JSON)

    assert refused.status_code == 400
    assert refused.json()["code"] == "reasons_required"
    assert forbidden.status_code == 403


def test_the_office_starts_a_round_like_another_over_the_api(
    client: Client, personas: dict[str, User], scored: SmallRound
) -> None:
    template = scored.selection_round
    body = {"slug": "third", "year": 2026, "title_zh": "第三批", "title_en": "Third",
            "batch_number": 3, "candidates_as_of": "2026-06-30", "selection_size": 2}  # fmt: skip
    for persona in ("evaluator", "auditor"):
        client.force_login(personas[persona])
        refused = client.post(
            url("selection-round-like", key=template.slug), body, content_type=JSON
        )
        assert refused.status_code == 403, persona
    client.force_login(personas["office"])

    response = client.post(url("selection-round-like", key=template.slug), body, content_type=JSON)
    taken = client.post(
        url("selection-round-like", key=template.slug), body | {"slug": template.slug},
        content_type=JSON,
    )  # fmt: skip

    assert response.status_code == 201
    created = response.json()
    assert (created["slug"], created["batch_number"], created["selection_size"]) == ("third", 3, 2)
    assert [criterion["code"] for criterion in created["criteria"]] == list(
        template.criteria.order_by("position").values_list("code", flat=True)
    )
    assert (taken.status_code, taken.json()["code"]) == (400, "duplicate")


def test_a_missing_reason_the_importer_wrote_reads_in_the_requests_language(
    client: Client, auditor: User, scored: SmallRound
) -> None:
    value = CandidateValue.objects.filter(sub_indicator__round=scored.selection_round).first()
    assert value is not None
    CandidateValue.objects.filter(pk=value.pk).update(
        value=None, is_missing=True, missing_reason=system_text("candidate_value.blank_in_file")
    )
    client.force_login(auditor)
    address = url("selection-round-candidates", key=scored.selection_round.slug)

    reasons = {
        language: {
            row["missing_reason"]
            for row in client.get(address, HTTP_ACCEPT_LANGUAGE=language).json()
            if row["is_missing"]
        }
        for language in ("en", "zh-hans")
    }

    assert reasons == {"en": {"Blank in the file."}, "zh-hans": {"文件中为空白。"}}
