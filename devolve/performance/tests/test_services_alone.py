"""Schemes (versions, weights, who writes them) and assessments that a test builds itself, on
data of its own, without the computed assessment that every test of ``test_services.py`` shares:
each refusal with nothing changed."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from devolve.accounts.models import User
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.performance import selectors, services
from devolve.performance.models import Scheme
from devolve.performance.services import GroupInput, ItemInput
from devolve.performance.tests import worlds
from devolve.performance.tests.test_services import (  # noqa: F401 (fixture)
    _messages_in_english,
    item,
    state,
)

D = Decimal


# Schemes ---------------------------------------------------------------------------------------


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
