"""A round's decisions taken together (``decide_entries``): many entries decided in one call, each
line checked as ``decide_entry`` checks it (``decide_entry`` is its one-line case), all or
nothing, writing what deciding them one at a time writes."""

import dataclasses
import datetime
from typing import Any

import pytest
from django.db import transaction

from devolve.accounts.models import User
from devolve.assessments import services
from devolve.assessments.models import AssessmentRound, EntryDecision
from devolve.assessments.services import EntryDecisionLine
from devolve.assessments.tests.conftest import World
from devolve.assessments.tests.test_services import FULL, open_round, snapshot
from devolve.core.bulk import BulkRefused
from devolve.core.errors import DomainError
from devolve.core.history import loading_known_good_data
from devolve.core.models import AuditEvent
from devolve.matters.models import ListEntry

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def scoring(world: World, office_user: User, evaluator: User) -> AssessmentRound:
    """A round whose grants are all scored: legal aid's (home only) recommended for
    withdrawal, every other grant kept."""
    assessment_round = open_round(world, office_user, evaluators=[evaluator])
    services.start_scoring(assessment_round=assessment_round, started_by=office_user)
    services.score_grants(
        assessment_round=assessment_round,
        sheet=[
            services.GrantScores(
                grant_assessment=item,
                scores=FULL,
                recommendation="withdraw" if item.grant.entry.matter == world.legal_aid else "keep",
                reason="Unused." if item.grant.entry.matter == world.legal_aid else "",
            )
            for item in assessment_round.grant_assessments.select_related("grant__entry__matter")
        ],
        scored_by=evaluator,
    )
    return assessment_round


def _lines(world: World) -> list[EntryDecisionLine]:
    """Law firms narrowed to the home area (an override with its areas), legal aid withdrawn as
    recommended, tax support kept."""
    return [
        EntryDecisionLine(
            entry=world.entry(world.law_firms),
            decision="adjust",
            reason="Only the home area uses it.",
            receiving_areas=[world.home],
        ),
        EntryDecisionLine(
            entry=world.entry(world.legal_aid), decision="withdraw", reason="Unused."
        ),
        EntryDecisionLine(entry=world.entry(world.tax_support), decision="keep"),
    ]


def _decide_all(
    assessment_round: AssessmentRound, lines: list[EntryDecisionLine], office_user: User
) -> list[EntryDecision]:
    return services.decide_entries(
        assessment_round=assessment_round,
        lines=lines,
        decided_on=D(2024, 1, 31),
        decided_by=office_user,
    )


def _written(assessment_round: AssessmentRound) -> dict[str, list[Any]]:
    """What deciding wrote, row by row in the order written, without the ids and times the
    database and the clock give."""
    decisions = EntryDecision.objects.filter(round=assessment_round).order_by("pk")
    fields = [
        "entry",
        "recommended",
        "decision",
        "reason",
        "changes_areas",
        "conditions",
        "notes",
        "decided_by",
        "decided_on",
    ]
    history = EntryDecision.history.filter(round=assessment_round).order_by("history_id")
    return {
        "decisions": list(decisions.values_list(*fields)),
        "areas": [list(decision.receiving_areas.all()) for decision in decisions],
        "history": list(
            history.values_list(*fields, "history_user", "history_change_reason", "history_type")
        ),
        "history_areas": [[area.zone_id for area in row.receiving_areas.all()] for row in history],
        "events": list(
            AuditEvent.objects.filter(action__startswith="entry_decision.")
            .order_by("pk")
            .values_list("action", "actor", "target_type", "target_label", "reason", "details")
        ),
    }


def test_deciding_together_writes_what_deciding_each_entry_writes(
    world: World, scoring: AssessmentRound, office_user: User
) -> None:
    with transaction.atomic():
        for line in _lines(world):
            services.decide_entry(
                assessment_round=scoring,
                entry=line.entry,
                decision=line.decision,
                reason=line.reason,
                receiving_areas=line.receiving_areas,
                decided_on=D(2024, 1, 31),
                decided_by=office_user,
            )
        one_at_a_time = _written(scoring)
        transaction.set_rollback(True)
    assert _written(scoring)["events"] == []

    decided = _decide_all(scoring, _lines(world), office_user)

    written = _written(scoring)
    assert written == one_at_a_time
    assert [decision.is_override for decision in decided] == [True, False, False]
    assert written["areas"] == [[world.home], [], []]
    # The adjustment's own row, then its areas' row; the others one row each.
    assert [row[-1] for row in written["history"]] == ["+", "~", "+", "+"]


def test_deciding_again_replaces_each_decision(
    world: World, scoring: AssessmentRound, office_user: User
) -> None:
    first = _decide_all(scoring, _lines(world), office_user)

    again = _decide_all(
        scoring,
        [EntryDecisionLine(entry=world.entry(world.law_firms), decision="keep")],
        office_user,
    )

    assert again[0].pk == first[0].pk
    law = EntryDecision.objects.get(pk=first[0].pk)
    assert (law.decision, law.changes_areas, list(law.receiving_areas.all())) == ("keep", False, [])
    assert EntryDecision.objects.filter(round=scoring).count() == 3


def test_decisions_cost_the_same_statements_whatever_their_number(
    world: World,
    scoring: AssessmentRound,
    office_user: User,
    django_assert_max_num_queries: Any,
) -> None:
    # The entries with their matters, which the events name.
    entries = ListEntry.objects.select_related("matter").in_bulk(
        [line.entry.pk for line in _lines(world)]
    )
    lines = [
        dataclasses.replace(line, entry=entries[line.entry.pk])
        for line in _lines(world)
        if line.receiving_areas is None
    ]
    assert len(lines) == 2

    # The round's lock, the recommendations, the existing decisions, the decisions, their
    # history rows and the events of each run of accepted or overridden decisions (here one);
    # the constraints are left to the database when loading known-good data (the seed).
    with loading_known_good_data(), django_assert_max_num_queries(6):
        _decide_all(scoring, lines, office_user)


def test_every_refused_line_is_reported_and_nothing_is_written(
    world: World, scoring: AssessmentRound, office_user: User
) -> None:
    law_firms, legal_aid, tax_support = _lines(world)
    before = snapshot()

    with pytest.raises(BulkRefused) as refused:
        _decide_all(
            scoring,
            [
                law_firms,
                EntryDecisionLine(entry=legal_aid.entry, decision="withdraw"),  # no reason
                tax_support,
                EntryDecisionLine(entry=tax_support.entry, decision="keep"),  # twice
                EntryDecisionLine(entry=tax_support.entry, decision="x"),
            ],
            office_user,
        )

    assert [refusal.code for refusal in refused.value.refusals] == [
        "reason_required",
        "invalid",
        "invalid",
    ]
    assert [refusal.object_id for refusal in refused.value.refusals] == [
        str(legal_aid.entry.pk),
        str(tax_support.entry.pk),
        str(tax_support.entry.pk),
    ]
    assert snapshot() == before


def test_one_entry_is_refused_with_its_own_error(
    world: World, scoring: AssessmentRound, office_user: User
) -> None:
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.decide_entry(
            assessment_round=scoring,
            entry=world.entry(world.law_firms),
            decision="adjust",
            reason="Narrow it.",
            decided_on=D(2024, 1, 31),
            decided_by=office_user,
        )

    assert (refused.value.code, refused.value.field) == ("no_terms", "decision")
    assert snapshot() == before


def test_only_the_office_decides(world: World, scoring: AssessmentRound, evaluator: User) -> None:
    with pytest.raises(DomainError) as refused:
        _decide_all(scoring, _lines(world), evaluator)

    assert refused.value.code == "not_allowed"
