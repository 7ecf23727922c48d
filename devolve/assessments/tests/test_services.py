"""Rounds open with metrics from accepted reports and zero-use flags, evaluators score, the office
decides each entry, and the decisions draft the next edition with every change linked."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.assessments import services
from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment
from devolve.assessments.rules import Criterion
from devolve.assessments.tests.conftest import World, report
from devolve.core.actions import system_text
from devolve.core.concurrency import StaleEdit, version_of
from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent
from devolve.grants import services as grant_services
from devolve.matters.models import AnnualList, ListEntry

D = datetime.date
FULL = {"take_up": 20, "use": 30, "supervision": 15, "demand": 10}


def open_round(world: World, office_user: User, **kwargs: Any) -> AssessmentRound:
    arguments: dict[str, Any] = {
        "annual_list": world.edition,
        "title_zh": "2023年度评估",
        "title_en": "2023 assessment",
        "period_starts_on": D(2023, 3, 10),
        "period_ends_on": D(2023, 12, 31),
        "opened_on": D(2024, 1, 10),
        "opened_by": office_user,
    }
    arguments.update(kwargs)
    return services.open_assessment_round(**arguments)


def assessment(assessment_round: AssessmentRound, world: World, matter: Any, zone: Any) -> Any:
    return GrantAssessment.objects.get(round=assessment_round, grant=world.grant(matter, zone))


def snapshot() -> tuple[int, int, int, int, list[Any]]:
    return (
        AssessmentRound.objects.count(),
        GrantAssessment.objects.count(),
        EntryDecision.objects.count(),
        AuditEvent.objects.count(),
        list(GrantAssessment.objects.order_by("pk").values_list("scores", "recommendation")),
    )


# Opening ----------------------------------------------------------------------------------------


def test_metrics_come_from_accepted_reports_only(world: World, office_user: User) -> None:
    law_home = world.grant(world.law_firms, world.home)
    law_east = world.grant(world.law_firms, world.east)
    report(law_home, world.cycles[0], received=10, completed=8, days="5.0", limit=20)
    report(law_home, world.cycles[1], received=4, completed=2, days="10.0", limit=15)
    report(law_east, world.cycles[0], received=99, days="1.0", limit=20, status="submitted")
    report(law_east, world.cycles[1], received=50, days="2.0", limit=20, status="reviewed")

    assessment_round = open_round(world, office_user)

    home = assessment(assessment_round, world, world.law_firms, world.home)
    east = assessment(assessment_round, world, world.law_firms, world.east)
    assert (home.periods_reported, home.cases_received, home.cases_completed) == (2, 14, 10)
    assert (home.average_handling_days, home.promised_limit_days) == (Decimal("6.00"), 15)
    assert home.is_taken_up is True
    assert home.grant_status == "effective"
    assert (east.periods_reported, east.cases_received, east.average_handling_days) == (0, 0, None)
    assert assessment_round.grant_assessments.count() == 5  # every grant of the edition
    assert assessment_round.rubric[1] == {
        "code": "use",
        "name_zh": "用得好：办件量与时效",
        "name_en": "Use: cases and handling time",
        "max_points": 40,
    }


def test_periods_outside_the_round_do_not_count(world: World, office_user: User) -> None:
    grant = world.grant(world.law_firms, world.home)
    report(grant, world.cycles[0], received=10)
    report(grant, world.cycles[2], received=3)

    assessment_round = open_round(world, office_user, period_ends_on=D(2023, 9, 30))

    found = assessment(assessment_round, world, world.law_firms, world.home)
    assert (found.periods_reported, found.cases_received) == (1, 10)


def test_supervision_filing_is_prefilled(world: World, office_user: User) -> None:
    grant_services.file_supervision_measures(
        grant=world.grant(world.law_firms, world.home),
        filed_on=D(2023, 5, 4),
        document="成天府监〔2023〕1号",
        filed_by=office_user,
    )

    assessment_round = open_round(world, office_user)

    found = assessment(assessment_round, world, world.law_firms, world.home)
    assert found.supervision_filed_on == D(2023, 5, 4)


def test_grants_with_n_consecutive_zero_periods_are_flagged_on_opening(
    world: World, office_user: User
) -> None:
    law_home = world.grant(world.law_firms, world.home)  # 0, 0, 5: a run of two
    law_east = world.grant(world.law_firms, world.east)  # 0, 4, 0: reset, runs of one
    aid_home = world.grant(world.legal_aid, world.home)  # 3, 0: one period only
    for grant, cases in [(law_home, (0, 0, 5)), (law_east, (0, 4, 0)), (aid_home, (3, 0))]:
        for cycle, received in zip(world.cycles, cases, strict=False):
            report(grant, cycle, received=received)

    assessment_round = open_round(world, office_user, zero_use_periods=2)

    flagged = GrantAssessment.objects.filter(round=assessment_round, is_flagged_zero_use=True)
    assert [item.grant for item in flagged] == [law_home]
    assert (flagged.get().zero_use_periods, flagged.get().zero_use_ended_on) == (
        2,
        D(2023, 9, 30),
    )
    event = AuditEvent.objects.get(action="grant_assessment.flagged_zero_use")
    assert event.target_id == str(flagged.get().pk)
    assert AuditEvent.objects.get(action="assessment_round.opened").details["grants"] == 5


def test_the_threshold_is_the_rounds(world: World, office_user: User) -> None:
    grant = world.grant(world.law_firms, world.east)
    for cycle in world.cycles[:2]:
        report(grant, cycle, received=0)

    assessment_round = open_round(world, office_user, zero_use_periods=3)

    assert not GrantAssessment.objects.filter(
        round=assessment_round, is_flagged_zero_use=True
    ).exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"rubric": [Criterion("a", "", "", 5), Criterion("a", "", "", 5)]}, "bad_rubric"),
        ({"rubric": []}, "bad_rubric"),
        ({"period_ends_on": D(2023, 1, 1)}, "dates_out_of_order"),
        ({"zero_use_periods": 0}, "invalid"),
    ],
)
def test_a_bad_round_is_refused_and_nothing_written(
    world: World, office_user: User, change: dict[str, Any], code: str
) -> None:
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        open_round(world, office_user, **change)

    assert refused.value.code == code
    assert snapshot() == before


def test_only_published_editions_are_assessed(world: World, office_user: User) -> None:
    draft = AnnualList.objects.create(year=2030, batch=world.edition.batch)

    with pytest.raises(DomainError) as refused:
        open_round(world, office_user, annual_list=draft)

    assert refused.value.code == "not_published"


def test_only_the_office_opens_a_round(world: World, evaluator: User) -> None:
    with pytest.raises(DomainError) as refused:
        open_round(world, evaluator)

    assert refused.value.code == "not_allowed"


def test_evaluators_must_hold_the_evaluator_or_office_role(
    world: World, office_user: User, department_user: User
) -> None:
    with pytest.raises(DomainError) as refused:
        open_round(world, office_user, evaluators=[department_user])

    assert refused.value.code == "not_an_evaluator"


def test_refreshing_picks_up_reports_accepted_since(world: World, office_user: User) -> None:
    grant = world.grant(world.law_firms, world.home)
    line = report(grant, world.cycles[0], received=6, status="submitted")
    assessment_round = open_round(world, office_user)
    line.report.status = "accepted"
    line.report.accepted_on = D(2024, 1, 20)
    line.report.save()

    services.refresh_round_metrics(assessment_round=assessment_round, refreshed_by=office_user)

    assert assessment(assessment_round, world, world.law_firms, world.home).cases_received == 6


# Scoring ----------------------------------------------------------------------------------------


@pytest.fixture
def scoring(world: World, office_user: User, evaluator: User) -> AssessmentRound:
    assessment_round = open_round(world, office_user, evaluators=[evaluator])
    return services.start_scoring(assessment_round=assessment_round, started_by=office_user)


def test_an_evaluator_scores_and_recommends(
    world: World, scoring: AssessmentRound, evaluator: User
) -> None:
    target = assessment(scoring, world, world.law_firms, world.east)

    scored = services.score_grant(
        grant_assessment=target,
        scores={"take_up": 25, "use": "12.5", "supervision": 10, "demand": 5},
        recommendation="withdraw",
        reason="No case all year.",
        scored_by=evaluator,
    )

    assert scored.score_total == Decimal("52.5")
    assert scored.scores == {"take_up": "25", "use": "12.5", "supervision": "10", "demand": "5"}
    assert (scored.recommendation, scored.scored_by) == ("withdraw", evaluator)
    assert AuditEvent.objects.get(action="grant_assessment.scored").details == {
        "total": "52.5",
        "recommendation": "withdraw",
    }


@pytest.mark.parametrize(
    ("scores", "recommendation", "reason", "code"),
    [
        ({**FULL, "use": 41}, "keep", "", "bad_scores"),
        ({**FULL, "use": -1}, "keep", "", "bad_scores"),
        ({"take_up": 1}, "keep", "", "bad_scores"),
        ({**FULL, "speed": 3}, "keep", "", "bad_scores"),
        ({**FULL, "use": "lots"}, "keep", "", "bad_scores"),
        (FULL, "adjust", "  ", "reason_required"),
        (FULL, "expand", "", "reason_required"),
        (FULL, "abolish", "x", "invalid"),
    ],
)
def test_bad_scores_and_missing_reasons_are_refused(
    world: World,
    scoring: AssessmentRound,
    evaluator: User,
    scores: dict[str, Any],
    recommendation: str,
    reason: str,
    code: str,
) -> None:
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.score_grant(
            grant_assessment=assessment(scoring, world, world.law_firms, world.home),
            scores=scores,
            recommendation=recommendation,
            reason=reason,
            scored_by=evaluator,
        )

    assert refused.value.code == code
    assert snapshot() == before


def test_an_evaluator_not_on_the_round_cannot_score(world: World, scoring: AssessmentRound) -> None:
    outsider = UserFactory(username="other-evaluator", role=User.Role.EVALUATOR)

    with pytest.raises(DomainError) as refused:
        services.score_grant(
            grant_assessment=assessment(scoring, world, world.law_firms, world.home),
            scores=FULL,
            recommendation="keep",
            reason="",
            scored_by=outsider,
        )

    assert refused.value.code == "not_allowed"


def test_no_scores_before_scoring_starts(world: World, office_user: User, evaluator: User) -> None:
    assessment_round = open_round(world, office_user, evaluators=[evaluator])

    with pytest.raises(DomainError) as refused:
        services.score_grant(
            grant_assessment=assessment(assessment_round, world, world.law_firms, world.home),
            scores=FULL,
            recommendation="keep",
            reason="",
            scored_by=evaluator,
        )

    assert refused.value.code == "illegal_transition"


# Deciding and drafting --------------------------------------------------------------------------


def score_all(
    assessment_round: AssessmentRound, world: World, user: User, advice: dict[Any, str]
) -> None:
    """``advice`` maps (matter, zone) to a recommendation; unnamed grants are kept."""
    for item in GrantAssessment.objects.filter(round=assessment_round).select_related(
        "grant__entry"
    ):
        recommendation = advice.get((item.grant.entry.matter, item.grant.zone), "keep")
        services.score_grant(
            grant_assessment=item,
            scores=FULL,
            recommendation=recommendation,
            reason="" if recommendation == "keep" else f"{recommendation} advised",
            scored_by=user,
        )


def decide(
    assessment_round: AssessmentRound, world: World, matter: Any, decision: str, **kwargs: Any
) -> EntryDecision:
    return services.decide_entry(
        assessment_round=assessment_round,
        entry=world.entry(matter),
        decision=decision,
        reason=kwargs.pop("reason", ""),
        decided_on=D(2024, 1, 31),
        decided_by=kwargs.pop("decided_by", None),
        **kwargs,
    )


def test_an_entry_waits_for_every_grant_recommendation(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    services.score_grant(
        grant_assessment=assessment(scoring, world, world.law_firms, world.home),
        scores=FULL,
        recommendation="keep",
        reason="",
        scored_by=evaluator,
    )

    with pytest.raises(DomainError) as refused:
        decide(scoring, world, world.law_firms, "keep", decided_by=office_user)

    assert refused.value.code == "not_ready"


def test_accepting_the_recommendation_needs_no_reason_to_keep(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    score_all(scoring, world, evaluator, {})

    decision = decide(scoring, world, world.law_firms, "keep", decided_by=office_user)

    assert (decision.recommended, decision.decision, decision.is_override) == (
        "keep",
        "keep",
        False,
    )
    assert AuditEvent.objects.get(action="entry_decision.accepted").target_id == str(decision.pk)


@pytest.mark.parametrize(
    ("decision", "terms", "code"),
    [
        ("withdraw", {}, "reason_required"),  # an override without a reason
        ("adjust", {"reason": "narrow it"}, "no_terms"),
        ("expand", {"reason": "more", "conditions": "x"}, "not_an_expansion"),
        ("keep", {"reason": "fine", "notes": "x"}, "invalid"),
    ],
)
def test_bad_decisions_are_refused(
    world: World,
    scoring: AssessmentRound,
    office_user: User,
    evaluator: User,
    decision: str,
    terms: dict[str, Any],
    code: str,
) -> None:
    score_all(scoring, world, evaluator, {})
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        decide(scoring, world, world.law_firms, decision, decided_by=office_user, **terms)

    assert refused.value.code == code
    assert snapshot() == before


def test_an_override_is_recorded_with_its_reason(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    score_all(scoring, world, evaluator, {})

    decision = decide(
        scoring,
        world,
        world.legal_aid,
        "withdraw",
        reason="Replaced by a province-wide reform.",
        decided_by=office_user,
    )

    assert decision.is_override is True
    assert AuditEvent.objects.get(action="entry_decision.overridden").reason == (
        "Replaced by a province-wide reform."
    )


def test_the_round_is_decided_only_when_every_entry_is(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    score_all(scoring, world, evaluator, {})
    decide(scoring, world, world.law_firms, "keep", decided_by=office_user)

    with pytest.raises(DomainError) as refused:
        services.complete_decisions(
            assessment_round=scoring, decided_on=D(2024, 2, 1), completed_by=office_user
        )

    assert refused.value.code == "undecided_entries"


def test_decisions_draft_the_next_edition_each_change_linked(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    score_all(
        scoring,
        world,
        evaluator,
        {
            (world.law_firms, world.east): "withdraw",
            (world.tax_support, world.home): "expand",
        },
    )
    narrowed = decide(
        scoring,
        world,
        world.law_firms,
        "adjust",
        reason="No case in the east; keep it at home.",
        receiving_areas=[world.home],
        decided_by=office_user,
    )
    withdrawn = decide(
        scoring,
        world,
        world.legal_aid,
        "withdraw",
        reason="Replaced by a province-wide reform.",
        decided_by=office_user,
    )
    expanded = decide(
        scoring,
        world,
        world.tax_support,
        "expand",
        reason="Every area asked for it.",
        receiving_areas=[],
        decided_by=office_user,
    )
    services.complete_decisions(
        assessment_round=scoring, decided_on=D(2024, 2, 1), completed_by=office_user
    )

    draft = services.draft_next_edition(
        assessment_round=scoring, year=2024, drafted_on=D(2024, 2, 2), drafted_by=office_user
    )

    scoring.refresh_from_db()
    assert (scoring.status, scoring.next_edition, scoring.closed_on) == (
        "closed",
        draft,
        D(2024, 2, 2),
    )
    assert (draft.status, draft.predecessor, draft.year) == ("draft", world.edition, 2024)
    entries = {entry.matter: entry for entry in ListEntry.objects.filter(annual_list=draft)}
    law, aid, tax = entries[world.law_firms], entries[world.legal_aid], entries[world.tax_support]
    assert (law.change, law.change_reason) == ("modified", narrowed.reason)
    assert list(law.receiving_areas.all()) == [world.home]
    assert law.supervising_department == world.entry(world.law_firms).supervising_department
    assert law.supervising_department is not None
    assert (aid.change, aid.change_reason) == ("withdrawn", withdrawn.reason)
    assert (tax.change, tax.all_areas) == ("modified", True)
    assert tax.change_reason == expanded.reason
    for decision, entry in [(narrowed, law), (withdrawn, aid), (expanded, tax)]:
        decision.refresh_from_db()
        assert decision.next_entry == entry
        # The link has its history row, which carries the decision's areas as they stand.
        linked = decision.history.latest("history_id")
        assert (linked.history_type, linked.next_entry_id, linked.history_change_reason) == (
            "~",
            entry.pk,
            system_text("entry_decision.carried_into", key=draft.key),
        )
        assert [area.zone for area in linked.receiving_areas.all()] == list(
            decision.receiving_areas.all()
        )
    assert narrowed.history.latest("history_id").receiving_areas.count() == 1
    assert set(
        AuditEvent.objects.filter(action="list_entry.updated").values_list("target_id", flat=True)
    ) == {str(law.pk), str(tax.pk)}


def test_a_kept_entry_is_carried_and_linked(
    world: World, scoring: AssessmentRound, office_user: User, evaluator: User
) -> None:
    score_all(scoring, world, evaluator, {})
    for matter in (world.law_firms, world.legal_aid, world.tax_support):
        decide(scoring, world, matter, "keep", decided_by=office_user)
    services.complete_decisions(
        assessment_round=scoring, decided_on=D(2024, 2, 1), completed_by=office_user
    )

    draft = services.draft_next_edition(
        assessment_round=scoring, year=2024, drafted_on=D(2024, 2, 2), drafted_by=office_user
    )

    kept = EntryDecision.objects.get(entry=world.entry(world.law_firms)).next_entry
    assert kept is not None
    assert (kept.annual_list, kept.change, kept.matter) == (draft, "kept", world.law_firms)


def test_no_draft_before_the_round_is_decided(scoring: AssessmentRound, office_user: User) -> None:
    with pytest.raises(DomainError) as refused:
        services.draft_next_edition(
            assessment_round=scoring, year=2024, drafted_on=D(2024, 2, 2), drafted_by=office_user
        )

    assert refused.value.code == "illegal_transition"
    assert AnnualList.objects.filter(year=2024).count() == 0


def test_scores_saved_after_the_scorer_opened_them_are_not_replaced(
    world: World, scoring: AssessmentRound, evaluator: User, office_user: User
) -> None:
    target = assessment(scoring, world, world.law_firms, world.east)
    opened = version_of(target)
    services.score_grant(
        grant_assessment=target,
        scores=FULL,
        recommendation="keep",
        reason="",
        scored_by=office_user,
        expected_version=opened,
    )

    with pytest.raises(StaleEdit) as refused:
        services.score_grant(
            grant_assessment=target,
            scores=FULL,
            recommendation="withdraw",
            reason="No case all year.",
            scored_by=evaluator,
            expected_version=opened,
        )

    assert refused.value.code == "stale"
    assert refused.value.since.changed_by == office_user.username
    assert {change.field for change in refused.value.since.changes} >= {"recommendation"}
    target.refresh_from_db()
    assert (target.recommendation, target.scored_by) == ("keep", office_user)
    assert AuditEvent.objects.filter(action="grant_assessment.scored").count() == 1
