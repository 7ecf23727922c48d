"""The demo's assessment of the 2023 edition (``sichuan_assessments``): one closed round whose
decisions are the changes of the 2024 edition, each changed entry linked to its decision, every
invented value flagged illustrative.

The seed takes seconds, so the module seeds once; each test runs in a savepoint of that seed.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment
from devolve.assessments.rules import PeriodUsage, is_zero_use, roll_up, zero_use_run
from devolve.assessments.selectors import grant_scores, list_flagged_grants
from devolve.demo import sichuan_assessments as assessment_facts
from devolve.demo import sichuan_lists as facts
from devolve.demo.seed import SeedReport
from devolve.demo.testing import full_demo
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList, ListEntry
from devolve.matters.selectors import get_annual_list_by_key
from devolve.reporting.models import GrantZeroRun
from devolve.reporting.selectors import accepted_usage
from devolve.reporting.services.zero_runs import runs_sql

CHANGE_OF = {"keep": "kept", "withdraw": "withdrawn", "adjust": "modified", "expand": "modified"}


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = full_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def report(_seeded_once: SeedReport, db: None) -> SeedReport:
    return _seeded_once


def _edition(year: int) -> AnnualList:
    edition = get_annual_list_by_key(key=f"{year}/batch-{facts.BATCH}")
    assert edition is not None
    return edition


def _round() -> AssessmentRound:
    return AssessmentRound.objects.get(annual_list=_edition(2023))


def test_one_closed_round_drafted_the_2024_edition(report: SeedReport) -> None:
    assessment_round = _round()
    fact = assessment_facts.ROUND_2023

    assert (assessment_round.status, assessment_round.next_edition) == ("closed", _edition(2024))
    assert (assessment_round.decided_on, assessment_round.closed_on) == (
        fact.decided_on,
        fact.drafted_on,
    )
    assert _edition(2024).predecessor == _edition(2023)
    assert assessment_round.grant_assessments.count() == (
        Grant.objects.filter(entry__annual_list=_edition(2023)).count()
    )


def test_the_rounds_decisions_are_the_changes_of_the_2024_edition(report: SeedReport) -> None:
    decisions = EntryDecision.objects.filter(round=_round()).select_related("next_entry", "entry")
    live_2023 = ListEntry.objects.filter(annual_list=_edition(2023)).exclude(change="withdrawn")

    assert decisions.count() == live_2023.count()
    for decision in decisions:
        entry = decision.next_entry
        assert entry is not None
        assert (entry.annual_list, entry.matter_id) == (_edition(2024), decision.entry.matter_id)
        assert entry.change == CHANGE_OF[decision.decision]
        assert entry.change_reason == decision.reason
    changed = ListEntry.objects.filter(
        annual_list=_edition(2024), change__in=["kept", "modified", "withdrawn"]
    )
    assert set(changed.values_list("pk", flat=True)) == set(
        decisions.values_list("next_entry", flat=True)
    )
    added = ListEntry.objects.filter(annual_list=_edition(2024), change="added")
    assert not EntryDecision.objects.filter(next_entry__in=added).exists()


def test_the_decisions_follow_the_designed_withdrawals_and_modifications(
    report: SeedReport,
) -> None:
    decisions = EntryDecision.objects.filter(round=_round()).select_related("entry__matter")
    by_name = {decision.entry.matter.name_zh: decision for decision in decisions}

    assert {
        name: (decision.decision, decision.reason)
        for name, decision in by_name.items()
        if decision.decision != "keep"
    } == {
        fact.matter.name_zh: (fact.decision, fact.reason)
        for fact in assessment_facts.DECISIONS_2023
    }
    assert {name for name, decision in by_name.items() if decision.decision == "withdraw"} == {
        withdrawal.matter.name_zh for withdrawal in facts.WITHDRAWALS_2024
    }
    assert {name for name, decision in by_name.items() if decision.is_override} == {
        matter.name_zh for matter in assessment_facts.OVERRIDDEN
    }


def test_each_decision_records_its_grants_rolled_up_recommendation(report: SeedReport) -> None:
    assessments = GrantAssessment.objects.filter(round=_round()).select_related("grant")
    by_entry: dict[int, list[str]] = {}
    for item in assessments:
        by_entry.setdefault(item.grant.entry_id, []).append(item.recommendation)

    for decision in EntryDecision.objects.filter(round=_round()):
        assert decision.recommended == roll_up(by_entry[decision.entry_id])


def test_unused_grants_are_flagged_and_every_grant_scored(report: SeedReport) -> None:
    assessments = GrantAssessment.objects.filter(round=_round()).select_related(
        "grant__entry__matter"
    )
    flagged = {item.grant_id for item in assessments if item.is_flagged_zero_use}
    hotel = {
        item.grant_id
        for item in assessments
        if item.grant.entry.matter.name_zh == facts.HOTEL_LICENCE.name_zh
        and item.periods_reported >= assessment_facts.ROUND_2023.zero_use_periods
    }

    assert hotel
    assert hotel <= flagged
    assert flagged == {
        flag.grant_id for flag in list_flagged_grants(annual_list=_edition(2023), min_periods=2)
    }
    scores = grant_scores(annual_list=_edition(2023))
    assert scores == {item.grant_id: item.score_total for item in assessments}
    assert None not in scores.values()


def test_everything_the_assessment_invented_is_flagged_illustrative(report: SeedReport) -> None:
    assert not AssessmentRound.objects.filter(is_illustrative=False).exists()
    assert not GrantAssessment.objects.filter(is_illustrative=False).exists()
    assert not EntryDecision.objects.filter(is_illustrative=False).exists()


def test_the_seeds_stored_zero_use_runs_are_those_counted_afresh(report: SeedReport) -> None:
    """The seed accepts its reports through the services, which store each grant's zero-use run
    (ADR 0066): the stored runs are those the window-function count over every accepted line
    gives, and the flags read from them those ``rules.zero_use_run`` gives in Python."""
    sql, parameters = runs_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        afresh = {
            (
                grant,
                edition,
                length,
                ends if isinstance(ends, datetime.date) else datetime.date.fromisoformat(ends),
            )
            for grant, edition, length, ends in cursor.fetchall()
        }
    stored = set(
        GrantZeroRun.objects.values_list("grant_id", "annual_list_id", "length", "ends_on")
    )
    editions = [_edition(2023), _edition(2024)]
    periods: dict[int, list[PeriodUsage]] = defaultdict(list)
    for edition in editions:
        for fact in accepted_usage(annual_list=edition):
            periods[fact.grant_id].append(
                PeriodUsage(fact.period_end, fact.cases_received, 0, None, None)
            )
    in_python = sorted(
        ((-run.length, grant_id), run)
        for grant_id, run in ((grant, zero_use_run(usage)) for grant, usage in periods.items())
        if is_zero_use(run, 2)
    )

    assert stored == afresh
    assert stored  # the seed has grants without a case for a period or more
    assert [
        (flag.grant_id, flag.consecutive_zero_periods, flag.last_period_end)
        for flag in list_flagged_grants(annual_lists=editions, min_periods=2)
    ] == [(grant_id, run.length, run.ends_on) for (_, grant_id), run in in_python]
