"""Staff pages of regular assessment: who may open each, what each reader sees of a round, and the
whole round walked through the pages (open, score, decide, close, draft the next edition) in
English and Chinese."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from devolve.accounts.models import User
from devolve.assessments import services
from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment
from devolve.assessments.tests import conftest as assessment_world
from devolve.assessments.tests.conftest import World, report
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.personas import STAFF_PERSONAS
from devolve.dashboards.tests.test_annual_lists import form_errors, url
from devolve.matters.models import ListEntry

D = datetime.date
STAFF = STAFF_PERSONAS
# The assessment tests' world, built once for the module, and the personas it names.
_world_once, built, world, justice, finance, pilot_area_user, office_user = (
    assessment_world.FIXTURES
)
FULL = {"score_take_up": "20", "score_use": "30", "score_supervision": "15", "score_demand": "10"}


@pytest.fixture
def assessment_round(world: World, office_user: User, evaluator: User) -> AssessmentRound:
    report(world.grant(world.law_firms, world.home), world.cycles[0], received=0)
    report(world.grant(world.law_firms, world.home), world.cycles[1], received=0)
    opened = services.open_assessment_round(
        annual_list=world.edition,
        title_zh="2023年度评估",
        title_en="Assessment of 2023",
        period_starts_on=D(2023, 3, 10),
        period_ends_on=D(2023, 12, 31),
        opened_on=D(2024, 1, 10),
        evaluators=[evaluator],
        opened_by=office_user,
    )
    return services.start_scoring(assessment_round=opened, started_by=office_user)


def assessment_of(assessment_round: AssessmentRound, world: World, matter: Any) -> GrantAssessment:
    return GrantAssessment.objects.get(
        round=assessment_round, grant=world.grant(matter, world.home)
    )


def test_every_programme_role_reads_the_rounds(
    client: Client, personas: dict[str, User], assessment_round: AssessmentRound
) -> None:
    for name in ("assessment_round_list",):
        assert_authorization_matrix(client, personas, "get", url(name), allowed=STAFF)
    assert_authorization_matrix(
        client,
        personas,
        "get",
        url("assessment_round_detail", pk=assessment_round.pk),
        allowed=STAFF,
    )


def test_only_the_office_opens_decides_and_drafts(
    client: Client,
    personas: dict[str, User],
    assessment_round: AssessmentRound,
    world: World,
) -> None:
    entry = world.entry(world.law_firms)
    for name, kwargs in [
        ("assessment_round_open", {}),
        ("assessment_round_decide", {"pk": assessment_round.pk, "entry_pk": entry.pk}),
        ("assessment_round_draft", {"pk": assessment_round.pk}),
    ]:
        assert_authorization_matrix(
            client, personas, "get", url(name, **kwargs), allowed={"office"}
        )


def test_a_grant_assessment_is_seen_within_scope(
    client: Client,
    personas: dict[str, User],
    assessment_round: AssessmentRound,
    world: World,
) -> None:
    target = assessment_of(assessment_round, world, world.law_firms)

    assert_authorization_matrix(
        client,
        personas,
        "get",
        url("grant_assessment_detail", pk=target.pk),
        allowed=STAFF - {"other_department"},
    )


def test_only_the_rounds_evaluators_and_the_office_score(
    client: Client,
    personas: dict[str, User],
    assessment_round: AssessmentRound,
    world: World,
) -> None:
    target = assessment_of(assessment_round, world, world.law_firms)
    for persona in ("auditor", "department", "pilot_area"):
        client.force_login(personas[persona])
        response = client.post(
            url("grant_assessment_detail", pk=target.pk), {**FULL, "recommendation": "keep"}
        )
        assert response.status_code == 403
    target.refresh_from_db()
    assert target.score_total is None


def test_a_department_sees_only_its_own_matters_in_a_round(
    client: Client,
    other_department_user: User,
    assessment_round: AssessmentRound,
    world: World,
) -> None:
    client.force_login(other_department_user)

    response = client.get(url("assessment_round_detail", pk=assessment_round.pk))

    rows = [rollup.entry for rollup in response.context["rollups"]]
    assert rows == [world.entry(world.tax_support)]
    assertNotContains(response, world.law_firms.name_en)


def test_the_round_page_flags_zero_use_and_rolls_up_entries(
    client: Client,
    office_user: User,
    assessment_round: AssessmentRound,
    world: World,
) -> None:
    client.force_login(office_user)

    response = client.get(url("assessment_round_detail", pk=assessment_round.pk))

    flagged = assessment_of(assessment_round, world, world.law_firms)
    assert [row.record for row in response.context["flagged"].page.object_list] == [flagged]
    assertContains(response, f'data-flagged="{flagged.grant_id}"')
    assert [rollup.entry for rollup in response.context["rollups"]] == [
        world.entry(world.law_firms),
        world.entry(world.legal_aid),
        world.entry(world.tax_support),
    ]
    assertContains(response, "Assessment of 2023")


def test_pages_speak_chinese_by_default_and_english_under_en(
    client: Client, office_user: User, assessment_round: AssessmentRound
) -> None:
    client.force_login(office_user)

    chinese = client.get(url("assessment_round_detail", language="zh-hans", pk=assessment_round.pk))
    english = client.get(url("assessment_round_detail", pk=assessment_round.pk))

    assert chinese.status_code == english.status_code == 200
    assertContains(chinese, '<h1 class="govuk-heading-l">2023年度评估</h1>', html=False)
    assertContains(english, '<h1 class="govuk-heading-l">Assessment of 2023</h1>', html=False)
    assertContains(english, "Use: cases and handling time")
    assertContains(chinese, "用得好：办件量与时效")
    assert not url("assessment_round_list", language="zh-hans").startswith("/en/")


def test_a_bad_score_is_shown_on_the_form_and_nothing_written(
    client: Client,
    evaluator: User,
    assessment_round: AssessmentRound,
    world: World,
) -> None:
    target = assessment_of(assessment_round, world, world.law_firms)
    client.force_login(evaluator)

    response = client.post(
        url("grant_assessment_detail", pk=target.pk),
        {**FULL, "score_use": "41", "recommendation": "withdraw", "reason": "unused"},
    )

    assert form_errors(response) == {
        "score_use": ["The score for Use: cases and handling time is at most 40."]
    }
    target.refresh_from_db()
    assert target.score_total is None


def test_a_round_walked_through_the_pages_drafts_the_next_edition(
    client: Client,
    office_user: User,
    evaluator: User,
    pilot_area_user: User,
    world: World,
) -> None:
    client.force_login(office_user)
    response = client.post(
        url("assessment_round_open"),
        {
            "annual_list": world.edition.pk,
            "title_zh": "2023年度评估",
            "title_en": "Assessment of 2023",
            "period_starts_on": "2023-03-10",
            "period_ends_on": "2023-12-31",
            "opened_on": "2024-01-10",
            "zero_use_periods": "2",
            "evaluators": [evaluator.pk],
        },
    )
    assessment_round = AssessmentRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("assessment_round_detail", pk=assessment_round.pk)
    client.post(url("assessment_round_start_scoring", pk=assessment_round.pk))

    client.force_login(evaluator)
    for item in GrantAssessment.objects.filter(round=assessment_round).select_related("grant"):
        withdraw = item.grant.entry.matter == world.legal_aid
        response = client.post(
            url("grant_assessment_detail", pk=item.pk),
            {
                **FULL,
                "recommendation": "withdraw" if withdraw else "keep",
                "reason": "No case in 2023." if withdraw else "",
            },
        )
        assert response.status_code == 302
    assert set(
        GrantAssessment.objects.filter(round=assessment_round).values_list("score_total", flat=True)
    ) == {Decimal(75)}

    client.force_login(office_user)
    for matter in (world.law_firms, world.legal_aid, world.tax_support):
        withdraw = matter == world.legal_aid
        response = client.post(
            url("assessment_round_decide", pk=assessment_round.pk, entry_pk=world.entry(matter).pk),
            {
                "decision": "withdraw" if withdraw else "keep",
                "reason": "No case." if withdraw else "",
            },
        )
        assert response.status_code == 302
    client.post(url("assessment_round_complete", pk=assessment_round.pk))
    response = client.post(
        url("assessment_round_draft", pk=assessment_round.pk), {"year": "2024", "title_zh": "2024"}
    )

    assessment_round.refresh_from_db()
    assert response.status_code == 302
    assert assessment_round.status == "closed"
    draft = assessment_round.next_edition
    assert draft is not None
    withdrawn = ListEntry.objects.get(annual_list=draft, matter=world.legal_aid)
    assert (withdrawn.change, withdrawn.change_reason) == ("withdrawn", "No case.")
    assert EntryDecision.objects.get(next_entry=withdrawn).entry == world.entry(world.legal_aid)
    page = client.get(url("assessment_round_detail", pk=assessment_round.pk))
    assertContains(page, f'data-next-entry="{withdrawn.pk}"')
    assertContains(page, draft.key)
    staff_page = url("annual_list_detail", pk=draft.pk)
    assertContains(page, f'href="{staff_page}"')

    # The pilot area reads the round too; it sees which edition was drafted, with no link to a
    # workflow page it would be refused.
    client.force_login(pilot_area_user)
    page = client.get(url("assessment_round_detail", pk=assessment_round.pk))
    assertContains(page, draft.key)
    assertNotContains(page, f'href="{staff_page}"')
    assert client.get(staff_page).status_code == 403
