"""Creating a round: criteria, weighting inputs and constraints are checked before anything is
stored."""

import datetime
from dataclasses import replace

import pytest

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.selection.models import CandidateValue, Criterion, SelectionRound, SubIndicator
from devolve.selection.services import Constraints, create_round, create_round_like
from devolve.selection.tests.factories import CONSISTENT, CRITERIA, candidate_zones, make_round

pytestmark = pytest.mark.django_db


def _create(**overrides: object) -> SelectionRound:
    arguments: dict[str, object] = {
        "slug": "round", "year": 2024, "title_zh": "遴选", "title_en": "Selection",
        "batch_number": 2, "candidates_as_of": datetime.date(2024, 6, 30), "criteria": CRITERIA,
        "constraints": Constraints(selection_size=3), "criterion_pairwise": CONSISTENT,
        "created_by": SYSTEM,
    }  # fmt: skip
    arguments.update(overrides)
    return create_round(**arguments)


def test_a_round_is_created_with_its_criteria_and_sub_indicators_in_order() -> None:
    candidate_zones()
    office = UserFactory(role=User.Role.OFFICE)

    selection_round = _create(
        created_by=office,
        constraints=Constraints(
            selection_size=3, must_include=("alpha",), min_per_kind={"etdz": 1}
        ),
    )

    assert selection_round.status == SelectionRound.Status.DRAFT
    assert list(selection_round.criteria.values_list("code", "position")) == [
        ("scale", 1), ("administration", 2), ("market", 3)
    ]  # fmt: skip
    assert list(
        SubIndicator.objects.filter(round=selection_round).values_list("code", flat=True)
    ) == ["grp", "tax", "staff", "days", "firms"]
    assert selection_round.must_include == ["alpha"]
    assert selection_round.min_per_kind == {"etdz": 1}
    assert AuditEvent.objects.get(action="selection_round.created").actor_id == office.pk
    assert selection_round.history.get().history_user == office


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"criteria": ()}, "no_criteria"),
        ({"criteria": (replace(CRITERIA[0], sub_indicators=()),)}, "no_sub_indicators"),
        ({"criteria": (CRITERIA[0], replace(CRITERIA[1], code="scale"), CRITERIA[2])},
         "duplicate"),
        ({"criterion_pairwise": ((1, 2), (0.5, 1))}, "invalid_weights"),
        ({"criterion_pairwise": ((1, 0, 1), (1, 1, 1), (1, 1, 1))}, "invalid_weights"),
        ({"criterion_weighting": "expert",
          "criteria": (replace(CRITERIA[0], expert_weight=None), *CRITERIA[1:])},
         "invalid_weights"),
        ({"constraints": Constraints(selection_size=3, must_include=("atlantis",))},
         "unknown_zone"),
        ({"constraints": Constraints(selection_size=3, must_include=("alpha",),
                                     must_exclude=("alpha",))}, "contradictory_constraints"),
        ({"constraints": Constraints(selection_size=1, must_include=("alpha", "bravo"))},
         "contradictory_constraints"),
        ({"constraints": Constraints(selection_size=3, min_per_kind={"castle": 1})},
         "invalid_category"),
        ({"constraints": Constraints(selection_size=0)}, "invalid"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_stored(
    overrides: dict[str, object], code: str
) -> None:
    candidate_zones()

    with pytest.raises(DomainError) as refused:
        _create(**overrides)

    assert refused.value.code == code
    assert not SelectionRound.objects.exists()
    assert not Criterion.objects.exists()


def test_only_the_office_creates_rounds() -> None:
    with pytest.raises(NotAllowed):
        _create(created_by=UserFactory(role=User.Role.AUDITOR))

    assert not SelectionRound.objects.exists()


# --- A round scored like an earlier one ---------------------------------------------------------


def _like(template: SelectionRound, **overrides: object) -> SelectionRound:
    arguments: dict[str, object] = {
        "template": template, "slug": "next-round", "year": 2026, "title_zh": "第三批遴选",
        "title_en": "Third batch", "batch_number": 3,
        "candidates_as_of": datetime.date(2026, 6, 30), "selection_size": 2,
        "min_prefectures_covered": 1, "max_per_prefecture": None, "created_by": SYSTEM,
    }  # fmt: skip
    arguments.update(overrides)
    return create_round_like(**arguments)


def _scoring_inputs(selection_round: SelectionRound) -> list[tuple[object, ...]]:
    return [
        (indicator.criterion.code, indicator.criterion.position, indicator.criterion.expert_weight,
         indicator.criterion.indicator_pairwise, indicator.code, indicator.name_zh,
         indicator.name_en, indicator.unit, indicator.direction, indicator.source,
         indicator.may_be_negative, indicator.position, indicator.expert_weight)
        for indicator in SubIndicator.objects.filter(round=selection_round)
        .select_related("criterion").order_by("criterion__position", "position")
    ]  # fmt: skip


def test_a_round_like_an_earlier_one_copies_how_it_scores_not_its_data() -> None:
    template = make_round(
        constraints=Constraints(
            selection_size=3, must_include=("alpha",), min_per_kind={"etdz": 1}
        ),
        method=SelectionRound.Method.VIKOR,
        missing_value_policy=SelectionRound.MissingValuePolicy.IMPUTE_WORST,
    ).selection_round
    office = UserFactory(role=User.Role.OFFICE)

    created = _like(template, created_by=office, reason="Third batch")

    assert created.status == SelectionRound.Status.DRAFT
    assert (created.slug, created.year, created.batch_number, created.selection_size) == (
        "next-round", 2026, 3, 2
    )  # fmt: skip
    assert _scoring_inputs(created) == _scoring_inputs(template)
    assert (created.method, created.criterion_weighting, created.indicator_weighting) == (
        template.method, template.criterion_weighting, template.indicator_weighting
    )  # fmt: skip
    assert created.criterion_pairwise == template.criterion_pairwise
    assert created.missing_value_policy == SelectionRound.MissingValuePolicy.IMPUTE_WORST
    assert created.min_per_kind == {"etdz": 1}
    assert (created.min_prefectures_covered, created.max_per_prefecture) == (1, None)
    assert (created.must_include, created.must_exclude) == ([], [])
    assert not CandidateValue.objects.filter(sub_indicator__round=created).exists()
    assert CandidateValue.objects.filter(sub_indicator__round=template).exists()
    assert template.slug in created.source
    assert created.is_illustrative is False
    event = AuditEvent.objects.get(action="selection_round.created", target_id=str(created.pk))
    assert (event.actor_id, event.reason) == (office.pk, "Third batch")


def test_sub_indicator_years_move_on_with_the_round() -> None:
    template = make_round(with_values=False).selection_round
    grp = SubIndicator.objects.get(round=template, code="grp")
    grp.year = 2023
    grp.save()

    created = _like(template, year=template.year + 2)

    years = dict(SubIndicator.objects.filter(round=created).values_list("code", "year"))
    assert years["grp"] == 2025
    assert {code: year for code, year in years.items() if code != "grp"} == dict.fromkeys(
        set(years) - {"grp"}
    )


def test_a_round_like_another_is_refused_whole_when_its_key_is_taken() -> None:
    template = make_round(with_values=False).selection_round

    with pytest.raises(DomainError) as refused:
        _like(template, slug=template.slug)

    assert refused.value.field == "slug"
    assert SelectionRound.objects.count() == 1
    assert Criterion.objects.filter(round__slug=template.slug).count() == len(CRITERIA)


def test_only_the_office_copies_rounds() -> None:
    template = make_round(with_values=False).selection_round

    with pytest.raises(NotAllowed):
        _like(template, created_by=UserFactory(role=User.Role.EVALUATOR))

    assert SelectionRound.objects.count() == 1
