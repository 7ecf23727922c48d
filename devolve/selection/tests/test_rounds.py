"""Creating a round: criteria, weighting inputs and constraints are checked before anything is
stored."""

import datetime
from dataclasses import replace

import pytest

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.selection.models import Criterion, SelectionRound, SubIndicator
from devolve.selection.services import Constraints, create_round
from devolve.selection.tests.factories import CONSISTENT, CRITERIA, candidate_zones

pytestmark = pytest.mark.django_db


def _create(**overrides: object) -> SelectionRound:
    arguments: dict[str, object] = {
        "slug": "round", "year": 2024, "title_zh": "遴选", "title_en": "Selection",
        "batch_number": 2, "candidates_as_of": datetime.date(2024, 6, 30), "criteria": CRITERIA,
        "constraints": Constraints(selection_size=3), "criterion_pairwise": CONSISTENT,
        "created_by": None,
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
