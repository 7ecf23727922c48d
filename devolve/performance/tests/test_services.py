"""Computation, appeals and publication of one computed assessment, built once for the module
(``devolve.performance.tests.assessed``): each happy path, each refusal with nothing changed, the
audit events, and recomputation from stored inputs. Schemes, and assessments built by the test
itself, are in ``test_services_alone.py``."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.performance import selectors, services
from devolve.performance.models import (
    Appeal,
    IndicatorItem,
    PerformanceAssessment,
    Scheme,
    Score,
    ScoreItem,
)
from devolve.performance.tests import assessed, worlds


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """The messages are compared in English, the language they are written in."""
    with translation.override("en"):
        yield


D = Decimal
IN_WINDOW = datetime.date(2025, 3, 5)

# The computed assessment and the personas it names, in place of the per-test ones.
assessment, chengdu_score, scheme, edition, office_user, pilot_area_user, justice = (
    assessed.FIXTURES
)


def state() -> tuple[Any, ...]:
    """Everything a refused write could have changed."""
    return (
        list(Scheme.objects.order_by("pk").values_list("pk", "version", "status")),
        list(PerformanceAssessment.objects.order_by("pk").values_list("pk", "status")),
        list(Score.objects.order_by("pk").values_list("pk", "total", "rank", "revision")),
        list(ScoreItem.objects.order_by("pk").values_list("pk", "input_value", "points")),
        list(Appeal.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


def item(scheme: Scheme, code: str) -> IndicatorItem:
    return IndicatorItem.objects.get(group__scheme=scheme, code=code)


# Computation -----------------------------------------------------------------------------------


def test_compute_stores_inputs_points_tiers_and_ranks(assessment: PerformanceAssessment) -> None:
    chengdu = assessment.scores.get(subject_key=worlds.CHENGDU)
    mianyang = assessment.scores.get(subject_key=worlds.MIANYANG)
    assert (chengdu.total, chengdu.tier, chengdu.rank) == (D("74.50"), "pass", 2)
    assert (mianyang.total, mianyang.tier, mianyang.rank) == (D("103.00"), "excellent", 1)
    assert chengdu.scheme == assessment.scheme
    rows = {
        row.item.code: (row.input_value, row.source, row.outcome, row.max_points, row.points)
        for row in chengdu.items.select_related("item")
    }
    assert rows == {
        "innovation": (D(3), "manual", "scored", D(70), D("52.50")),
        "cases": (None, "none", "excluded", D(0), D(0)),
        "quality": (D(8), "manual", "scored", D(30), D("24.00")),
        "honours": (D(1), "manual", "scored", D(3), D("2.00")),
        "faults": (D(6), "manual", "scored", D(4), D("-4.00")),
    }
    assert chengdu.items.get(item__code="quality").best == D(10)
    assert AuditEvent.objects.filter(action="performance.assessment_computed").count() == 1
    assert assessment.status == "computed"


def test_recomputing_from_stored_inputs_gives_the_stored_points_item_by_item(
    assessment: PerformanceAssessment,
) -> None:
    recomputed = selectors.recompute_from_stored_inputs(assessment=assessment)
    for score in assessment.scores.all():
        result = recomputed[score.subject_key]
        assert (result.total, result.tier.value, result.rank) == (
            score.total,
            score.tier,
            score.rank,
        )
        for row in score.items.select_related("item"):
            points = result.item_by_code[row.item.code]
            assert (points.value, points.max_points, points.share, points.points) == (
                row.input_value, row.max_points, row.share, row.points,
            )  # fmt: skip


def test_manual_input_needs_evidence_and_a_manual_item(
    assessment: PerformanceAssessment, office_user: User
) -> None:
    before = state()
    for code, evidence, expected in (
        ("innovation", " ", "reason_required"),
        ("cases", "x", "invalid"),
    ):
        with pytest.raises(DomainError) as refusal:
            services.record_manual_input(
                assessment=assessment, item=item(assessment.scheme, code),
                subject_key=worlds.CHENGDU, value=D(1), evidence=evidence, entered_by=office_user,
            )  # fmt: skip
        assert refusal.value.code == expected
    assert state() == before


# Appeals ---------------------------------------------------------------------------------------


def test_appeal_after_the_window_is_refused_and_nothing_changes(
    chengdu_score: Score, prefecture_user: User
) -> None:
    before = state()
    with pytest.raises(DomainError) as refusal:
        services.file_appeal(
            score=chengdu_score, item=item(chengdu_score.scheme, "innovation"),
            grounds="Two experiences adopted", filed_by=prefecture_user,
            on=datetime.date(2025, 3, 16),
        )  # fmt: skip
    assert refusal.value.code == "appeal_window_closed"
    assert str(refusal.value) == (
        "Appeals are accepted from 2025-03-01 to 2025-03-15; nothing was filed."
    )
    assert state() == before


def test_only_the_subject_appeals_its_score(chengdu_score: Score, pilot_area_user: User) -> None:
    before = state()
    with pytest.raises(NotAllowed):
        services.file_appeal(
            score=chengdu_score, item=item(chengdu_score.scheme, "innovation"), grounds="x",
            filed_by=pilot_area_user, on=IN_WINDOW,
        )  # fmt: skip
    assert state() == before


def test_upheld_appeal_corrects_the_item_and_recomputes_with_history(
    chengdu_score: Score, prefecture_user: User, office_user: User
) -> None:
    appeal = services.file_appeal(
        score=chengdu_score, item=item(chengdu_score.scheme, "quality"),
        grounds="The quality review missed our second audit.", filed_by=prefecture_user,
        claimed_value=D(12), on=IN_WINDOW,
        evidence_file=SimpleUploadedFile("audit.pdf", b"%PDF-1.4 evidence"),
    )  # fmt: skip
    assert appeal.evidence_file.name.startswith("performance/appeals/audit")
    services.decide_appeal(
        appeal=appeal, upheld=True, corrected_value=D(12), reason="Audit report checked.",
        decided_by=office_user, on=datetime.date(2025, 3, 10),
    )  # fmt: skip
    chengdu_score.refresh_from_db()
    mianyang = Score.objects.get(subject_key=worlds.MIANYANG)
    # Chengdu's 12 is now the best quality: 30 points, total 52.50 + 30 + 2 - 4 = 80.50 (good);
    # Mianyang's 10 of best 12 → 25.00, total 70 + 25 + 3 = 98.00.
    assert (chengdu_score.total, chengdu_score.tier, chengdu_score.revision) == (
        D("80.50"), "good", 2,
    )  # fmt: skip
    assert (mianyang.total, mianyang.revision) == (D("98.00"), 2)
    quality = chengdu_score.items.get(item__code="quality")
    assert (quality.input_value, quality.source, quality.points) == (D(12), "appeal", D("30.00"))
    assert list(quality.history.order_by("history_date").values_list("input_value", flat=True)) == [
        D(8), D(12), D(12),
    ]  # fmt: skip
    appeal.refresh_from_db()
    assert (appeal.status, appeal.previous_value, appeal.previous_total) == (
        "upheld", D(8), D("74.50"),
    )  # fmt: skip
    assert list(
        AuditEvent.objects.filter(action__startswith="performance.appeal")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["performance.appeal_filed", "performance.appeal_decided"]
    recomputed = selectors.recompute_from_stored_inputs(assessment=chengdu_score.assessment)
    assert recomputed[worlds.CHENGDU].total == chengdu_score.total


def test_rejected_appeal_changes_only_the_appeal(
    chengdu_score: Score, prefecture_user: User, office_user: User
) -> None:
    appeal = services.file_appeal(
        score=chengdu_score, item=item(chengdu_score.scheme, "innovation"), grounds="More",
        filed_by=prefecture_user, on=IN_WINDOW,
    )  # fmt: skip
    scores = list(Score.objects.order_by("pk").values_list("total", "revision"))
    with pytest.raises(DomainError) as refusal:
        services.decide_appeal(appeal=appeal, upheld=False, reason=" ", decided_by=office_user)
    assert refusal.value.code == "reason_required"
    services.decide_appeal(
        appeal=appeal, upheld=False, reason="No new evidence.", decided_by=office_user
    )
    assert list(Score.objects.order_by("pk").values_list("total", "revision")) == scores
    with pytest.raises(DomainError) as refusal:
        services.decide_appeal(appeal=appeal, upheld=False, reason="x", decided_by=office_user)
    assert refusal.value.code == "illegal_transition"


def test_compute_is_refused_once_appeals_are_filed(
    chengdu_score: Score, prefecture_user: User, office_user: User
) -> None:
    services.file_appeal(
        score=chengdu_score, item=item(chengdu_score.scheme, "innovation"), grounds="More",
        filed_by=prefecture_user, on=IN_WINDOW,
    )  # fmt: skip
    before = state()
    with pytest.raises(DomainError) as refusal:
        services.compute_performance_assessment(
            assessment=chengdu_score.assessment, computed_by=office_user
        )
    assert refusal.value.code == "appeals_filed"
    assert state() == before


# Publication -----------------------------------------------------------------------------------


def test_publication_waits_for_the_window_and_the_decisions(
    chengdu_score: Score, prefecture_user: User, office_user: User
) -> None:
    assessment = chengdu_score.assessment
    appeal = services.file_appeal(
        score=chengdu_score, item=item(chengdu_score.scheme, "innovation"), grounds="More",
        filed_by=prefecture_user, on=IN_WINDOW,
    )  # fmt: skip
    for on, code in (
        (worlds.CLOSES, "window_open"),
        (datetime.date(2025, 3, 20), "appeals_pending"),
    ):
        before = state()
        with pytest.raises(DomainError) as refusal:
            services.publish_performance_assessment(
                assessment=assessment, published_by=office_user, on=on
            )
        assert refusal.value.code == code
        assert state() == before
    services.decide_appeal(appeal=appeal, upheld=False, reason="No.", decided_by=office_user)
    services.publish_performance_assessment(
        assessment=assessment, published_by=office_user, on=datetime.date(2025, 3, 20)
    )
    assessment.refresh_from_db()
    assert assessment.status == "published"
    with pytest.raises(DomainError) as refusal:
        services.file_appeal(
            score=chengdu_score, item=item(chengdu_score.scheme, "innovation"), grounds="Late",
            filed_by=prefecture_user, on=IN_WINDOW,
        )  # fmt: skip
    assert refusal.value.code == "already_published"
