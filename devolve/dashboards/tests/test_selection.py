"""Selection pages: the office, evaluators and auditors read rounds; the office records the
decision and approves it into a batch, and starts the next round; both languages. Every test reads
one scored round, built once for the module; the import and the refused scoring, on rounds of
their own, are in ``test_selection_alone.py``."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import read_again
from devolve.regions.models import Batch
from devolve.selection.models import Decision, RoundResult, SelectionRound
from devolve.selection.services import score_round
from devolve.selection.tests.factories import SmallRound, make_round

pytestmark = pytest.mark.django_db
READERS = {"office", "evaluator", "auditor"}


def _url(name: str, *, language: str = "en", **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


@pytest.fixture(scope="module")
def _scored_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SmallRound]:
    """A small round with its values, scored, built once for the module in a transaction rolled
    back at its end; each test runs in a savepoint inside it (``db``) and gets it read again
    (``read_again``), so nothing one test does is seen by the next. Every test here uses it: the
    tests on rounds of their own are in ``test_selection_alone.py``."""
    with django_db_blocker.unblock(), transaction.atomic():
        small = make_round()
        score_round(selection_round=small.selection_round, scored_by=SYSTEM)
        yield small
        transaction.set_rollback(True)


@pytest.fixture
def scored(_scored_once: SmallRound, db: None) -> SmallRound:
    return read_again(_scored_once)


@pytest.mark.parametrize("name", ["selection_round_list", "selection_round_detail"])
def test_pages_are_for_the_office_evaluators_and_auditors(
    client: Client, personas: dict[str, User], scored: SmallRound, name: str
) -> None:
    kwargs = {} if name == "selection_round_list" else {"slug": scored.selection_round.slug}
    assert_authorization_matrix(client, personas, "get", _url(name, **kwargs), allowed=READERS)


@pytest.mark.parametrize(
    "name",
    ["selection_round_score", "selection_round_import", "selection_decision_record",
     "selection_decision_approve"],
)  # fmt: skip
def test_changes_are_refused_to_everyone_but_the_office(
    client: Client, personas: dict[str, User], scored: SmallRound, name: str
) -> None:
    url = _url(name, slug=scored.selection_round.slug)
    for persona, user in personas.items():
        if persona in {"anonymous", "office"}:
            continue
        client.force_login(user)
        assert client.post(url).status_code == 403, persona
    client.logout()
    assert client.post(url).status_code == 302


@pytest.mark.parametrize(
    ("language", "heading", "ranking"),
    [("zh-hans", "测试遴选", "排名"), ("en", "Test selection", "Ranking")],
)
def test_the_round_page_shows_ranking_coverage_swaps_and_sensitivity_in_both_languages(
    client: Client, evaluator: User, scored: SmallRound, language: str, heading: str,
    ranking: str,
) -> None:  # fmt: skip
    client.force_login(evaluator)
    result = RoundResult.objects.get()

    response = client.get(_url("selection_round_detail", language=language,
                               slug=scored.selection_round.slug))  # fmt: skip

    assert response.status_code == 200
    assertContains(response, f'<h1 class="govuk-heading-l">{heading}</h1>', html=True)
    assertContains(response, 'id="ranking"')
    for row in result.candidates:
        assertContains(response, f'data-zone="{row["zone"]}" data-rank="{row["rank"]}"')
    assertContains(response, 'id="prefecture-coverage"')
    assertContains(response, 'data-prefecture="510100"')
    assertContains(response, 'id="swap-costs"')
    assertContains(response, 'id="selection-frequency-chart"')
    assertContains(response, 'id="rank-range-data"')
    assertNotContains(response, 'id="decision-form"')  # evaluators read only


def test_the_list_shows_each_round_with_its_status(
    client: Client, auditor: User, scored: SmallRound
) -> None:
    client.force_login(auditor)

    response = client.get(_url("selection_round_list", language="zh-hans"))

    assertContains(response, f'data-round="{scored.selection_round.slug}"')
    assertContains(response, 'data-status="scored"')


def test_the_office_records_and_approves_the_decision_from_the_page(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)
    slug = scored.selection_round.slug
    chosen = RoundResult.objects.get().chosen
    page = client.get(_url("selection_round_detail", slug=slug))
    assertContains(page, 'id="decision-form"')

    different = client.post(_url("selection_decision_record", slug=slug), {
        "meeting_zh": "会议", "decided_on": "2024-11-20",
        "chosen": sorted(set(scored.zones) - set(chosen)),
    })  # fmt: skip
    assertContains(different, "give the reasons")
    assert not Decision.objects.exists()
    recorded = client.post(_url("selection_decision_record", slug=slug), {
        "meeting_zh": "会议", "decided_on": "2024-11-20", "chosen": chosen,
    })  # fmt: skip
    assertRedirects(recorded, _url("selection_round_detail", slug=slug))
    approved = client.post(_url("selection_decision_approve", slug=slug),
                           {"starts_on": "2024-12-02"})  # fmt: skip

    assertRedirects(approved, _url("selection_round_detail", slug=slug))
    assert Decision.objects.get().batch == Batch.objects.get(number=2)
    assert SelectionRound.objects.get().status == SelectionRound.Status.APPROVED


# --- Starting a new round -----------------------------------------------------------------------


def _new_round_form(template: SelectionRound, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "template": template.pk, "slug": "third-batch", "year": 2026, "title_zh": "第三批遴选",
        "title_en": "Third batch", "batch_number": 3, "candidates_as_of": "2026-06-30",
        "selection_size": 2, "min_prefectures_covered": 1, "max_per_prefecture": "",
        "reason": "",
    }  # fmt: skip
    values.update(changes)
    return values


def test_only_the_office_starts_a_round(
    client: Client, personas: dict[str, User], scored: SmallRound
) -> None:
    assert_authorization_matrix(
        client, personas, "get", _url("selection_round_create"), allowed={"office"}
    )
    client.force_login(personas["evaluator"])
    assertNotContains(client.get(_url("selection_round_list")), 'data-testid="round-create"')
    client.force_login(personas["office"])
    assertContains(client.get(_url("selection_round_list")), 'data-testid="round-create"')


def test_the_form_follows_the_latest_round(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)

    form = client.get(_url("selection_round_create")).context["form"]

    latest = scored.selection_round
    assert {key: form.initial[key] for key in ("template", "year", "batch_number")} == {
        "template": latest.pk,
        "year": latest.year + 1,
        "batch_number": latest.batch_number + 1,
    }


def test_the_office_starts_a_round_like_the_last_and_goes_on_to_import(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)

    response = client.post(_url("selection_round_create"), _new_round_form(scored.selection_round))

    created = SelectionRound.objects.get(slug="third-batch")
    assertRedirects(response, _url("selection_round_import", slug="third-batch"))
    assert (created.batch_number, created.selection_size, created.max_per_prefecture) == (
        3,
        2,
        None,
    )
    assert list(created.criteria.values_list("code", flat=True)) == list(
        scored.selection_round.criteria.values_list("code", flat=True)
    )


def test_a_taken_key_is_shown_beside_its_field_and_nothing_is_stored(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)

    response = client.post(
        _url("selection_round_create"),
        _new_round_form(scored.selection_round, slug=scored.selection_round.slug),
    )

    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert SelectionRound.objects.count() == 1


def test_the_new_round_page_reads_in_chinese(
    client: Client, office_user: User, scored: SmallRound
) -> None:
    client.force_login(office_user)

    response = client.get(_url("selection_round_create", language="zh-hans"))

    assertContains(response, "开始新一轮遴选")
