"""Schemes, computation, appeals and publication: each happy path, each refusal with nothing
changed, the audit events, and recomputation from stored inputs."""

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
from devolve.performance.services import GroupInput, ItemInput
from devolve.performance.tests import worlds


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """The messages are compared in English, the language they are written in."""
    with translation.override("en"):
        yield


D = Decimal
IN_WINDOW = datetime.date(2025, 3, 5)


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


# Schemes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (
            (GroupInput("a", "A", D(60), worlds.GROUPS[0].items), worlds.GROUPS[2]),
            "The groups' weights add up to 60 %, not 100 %.",
        ),
        (
            (
                GroupInput(
                    "a",
                    "A",
                    D(100),
                    (
                        ItemInput("x", "x", "x", "manual", "proportional_to_best", weight=D(70)),
                        ItemInput("y", "y", "y", "manual", "proportional_to_best", weight=D(20)),
                    ),
                ),
            ),
            "The weights of the items of “A” add up to 90 %, not 100 %.",
        ),
    ],
)
def test_weights_not_summing_to_one_hundred_are_refused(
    office_user: User, groups: tuple[GroupInput, ...], message: str
) -> None:
    before = state()
    with pytest.raises(DomainError) as refusal:
        services.create_scheme(
            code="s", name_zh="方案", name_en="S", subject_type="prefecture",
            excellent_from=D(90), good_from=D(80), pass_from=D(60), groups=groups,
            created_by=office_user,
        )  # fmt: skip
    assert refusal.value.code == "weights_do_not_sum"
    assert str(refusal.value) == message
    assert state() == before


def test_a_change_is_a_new_version_and_the_published_one_stays(
    scheme: Scheme, office_user: User
) -> None:
    second = services.create_scheme(
        code=scheme.code, name_zh="市州方案", name_en="Prefecture scheme",
        subject_type="prefecture",
        excellent_from=D(95), good_from=D(80), pass_from=D(60), groups=worlds.GROUPS,
        created_by=office_user,
    )  # fmt: skip
    assert (second.version, second.predecessor, second.status) == (2, scheme, "draft")
    scheme.refresh_from_db()
    assert (scheme.status, scheme.excellent_from) == ("published", D(90))
    with pytest.raises(DomainError) as refusal:
        services.publish_scheme(scheme=scheme, published_by=office_user)
    assert refusal.value.code == "illegal_transition"


def _tree(scheme: Scheme) -> dict[str, dict[str, Any]]:
    """Every item of a scheme by key, with its group's weight and every field scoring reads."""
    fields = (
        "kind",
        "weight",
        "measure",
        "indicator_code",
        "rule",
        "floor",
        "target",
        "higher_is_better",
        "rank_points",
        "points_per_unit",
        "cap",
        "when_no_data",
    )
    return {
        item.code: {
            "group": (group.sequence, group.name_en, group.weight),
            **{name: getattr(item, name) for name in fields},
        }
        for group in selectors.list_scheme_groups(scheme=scheme)
        for item in group.items.all()
    }


def test_the_next_version_changes_only_the_weights_and_targets_given(
    scheme: Scheme, office_user: User
) -> None:
    before = _tree(scheme)

    second = services.create_next_scheme_version(
        scheme=scheme,
        note="Quality counts for more in 2025.",
        created_by=office_user,
        group_weights={1: D(60), 2: D(40)},
        item_weights={"innovation": D(50), "cases": D(50)},
        item_targets={"innovation": D(5)},
    )

    assert (second.code, second.version, second.predecessor, second.status) == (
        scheme.code, 2, scheme, "draft"
    )  # fmt: skip
    assert second.note == "Quality counts for more in 2025."
    expected = before
    expected["innovation"] |= {"group": (1, "Results", D(60)), "weight": D(50), "target": D(5)}
    expected["cases"] |= {"group": (1, "Results", D(60)), "weight": D(50)}
    expected["quality"] |= {"group": (2, "Quality", D(40))}
    assert _tree(second) == expected
    assert AuditEvent.objects.filter(action="performance.scheme_created", target_id=str(second.pk))


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"group_weights": {1: D(80)}}, "weights_do_not_sum"),
        ({"item_weights": {"innovation": D(10)}}, "weights_do_not_sum"),
        ({"item_targets": {"cases": D(3)}}, "invalid"),
        ({"item_weights": {"nowhere": D(3)}}, "invalid"),
        ({"note": "  "}, "note_required"),
    ],
)
def test_a_bad_next_version_is_refused_and_nothing_written(
    scheme: Scheme, office_user: User, changes: dict[str, Any], code: str
) -> None:
    arguments: dict[str, Any] = {"note": "Changed.", **changes}

    with pytest.raises(DomainError) as refusal:
        services.create_next_scheme_version(scheme=scheme, created_by=office_user, **arguments)

    assert refusal.value.code == code
    assert Scheme.objects.count() == 1


def test_only_the_latest_published_version_is_continued(scheme: Scheme, office_user: User) -> None:
    second = services.create_next_scheme_version(
        scheme=scheme, note="Second.", created_by=office_user
    )

    with pytest.raises(DomainError) as older:
        services.create_next_scheme_version(scheme=scheme, note="Again.", created_by=office_user)
    with pytest.raises(DomainError) as draft:
        services.create_next_scheme_version(scheme=second, note="Third.", created_by=office_user)

    assert (older.value.code, draft.value.code) == ("not_latest", "duplicate")
    assert Scheme.objects.count() == 2


def test_only_the_office_writes_schemes(department_user: User) -> None:
    with pytest.raises(NotAllowed):
        services.create_scheme(
            code="s", name_zh="方案", name_en="S", subject_type="prefecture",
            excellent_from=D(90), good_from=D(80), pass_from=D(60), groups=worlds.GROUPS,
            created_by=department_user,
        )  # fmt: skip


def test_an_assessment_needs_a_published_scheme(office_user: User) -> None:
    draft = services.create_scheme(
        code="s", name_zh="方案", name_en="S", subject_type="prefecture", excellent_from=D(90),
        good_from=D(80), pass_from=D(60), groups=worlds.GROUPS, created_by=office_user,
    )  # fmt: skip
    with pytest.raises(DomainError) as refusal:
        services.create_performance_assessment(
            scheme=draft, year=2024, appeal_opens_on=worlds.OPENS, appeal_closes_on=worlds.CLOSES,
            created_by=office_user,
        )  # fmt: skip
    assert refusal.value.code == "scheme_not_published"


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


def test_compute_without_subjects_is_refused(scheme: Scheme, office_user: User) -> None:
    assessment = services.create_performance_assessment(
        scheme=scheme, year=2030, appeal_opens_on=worlds.OPENS, appeal_closes_on=worlds.CLOSES,
        created_by=office_user,
    )  # fmt: skip
    before = state()
    with pytest.raises(DomainError) as refusal:
        services.compute_performance_assessment(assessment=assessment, computed_by=office_user)
    assert refusal.value.code == "no_subjects"
    assert state() == before


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


def test_publication_needs_a_computation(scheme: Scheme, office_user: User) -> None:
    assessment = services.create_performance_assessment(
        scheme=scheme, year=2024, appeal_opens_on=worlds.OPENS, appeal_closes_on=worlds.CLOSES,
        created_by=office_user,
    )  # fmt: skip
    with pytest.raises(DomainError) as refusal:
        services.publish_performance_assessment(
            assessment=assessment, published_by=office_user, on=datetime.date(2025, 4, 1)
        )
    assert refusal.value.code == "illegal_transition"


def test_pilot_areas_are_scored_and_each_sees_its_own(
    edition: Any, office_user: User, pilot_area_user: User
) -> None:
    pilot = services.create_scheme(
        code="areas", name_zh="试点区域方案", name_en="Area scheme", subject_type="pilot_area",
        excellent_from=D(90), good_from=D(80), pass_from=D(60),
        groups=(
            GroupInput("成效", "Results", D(100), (
                ItemInput("innovation", "创新", "Innovation", "manual", "linear_to_target",
                          weight=D(100), floor=D(0), target=D(4)),
            )),
        ),
        created_by=office_user,
    )  # fmt: skip
    pilot = services.publish_scheme(scheme=pilot, published_by=office_user)
    assessment = services.create_performance_assessment(
        scheme=pilot, year=2024, appeal_opens_on=worlds.OPENS, appeal_closes_on=worlds.CLOSES,
        created_by=office_user,
    )  # fmt: skip
    services.record_manual_input(
        assessment=assessment, item=item(pilot, "innovation"), subject_key="mianyang-zone",
        value=D(2), evidence="Notice", entered_by=office_user,
    )  # fmt: skip
    scores = services.compute_performance_assessment(assessment=assessment, computed_by=office_user)
    assert [(s.subject_key, s.zone.slug, s.total) for s in scores] == [
        ("mianyang-zone", "mianyang-zone", D("50.00")),
        ("persona-zone", "persona-zone", D("0.00")),
    ]
    own = selectors.list_scores_visible_to(user=pilot_area_user).filter(assessment=assessment)
    assert [score.subject_key for score in own] == ["persona-zone"]
