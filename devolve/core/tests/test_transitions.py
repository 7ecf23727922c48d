"""The lifecycle kit: a table that cannot be wrong at import, one refusal per reason, and offers
that are exactly the moves the checker accepts. No DB."""

import itertools
from dataclasses import dataclass

import pytest
from django.db import models
from django.utils import translation

from devolve.core.actors import SYSTEM, MissingActor
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.transitions import Lifecycle, Move, move


class Door(models.TextChoices):
    SHUT = "shut", "Shut"
    OPEN = "open", "Open"
    LOCKED = "locked", "Locked"
    GONE = "gone", "Gone"


@dataclass
class Person:
    role: str
    is_active: bool = True


@dataclass
class Record:
    status: str


DOOR = Lifecycle(
    Door,
    [
        move("open", "Open it", sources=[Door.SHUT], target=Door.OPEN, roles=["porter", "guest"]),
        move("shut", "Shut it", sources=[Door.OPEN], target=Door.SHUT, roles=["porter"]),
        move("lock", "Lock it", sources=[Door.SHUT], target=Door.LOCKED, roles=["porter"]),
        move("lock", "Lock it", sources=[Door.OPEN, Door.SHUT], target=Door.LOCKED,
             roles=["warden"]),
        move("demolish", "Demolish", sources=[Door.LOCKED], target=Door.GONE, automatic=True),
    ],
)  # fmt: skip

PORTER, GUEST, WARDEN = Person("porter"), Person("guest"), Person("warden")


def test_targets_and_final_statuses() -> None:
    assert DOOR.targets(Door.SHUT) == {Door.OPEN, Door.LOCKED}
    assert DOOR.targets(Door.OPEN) == {Door.SHUT, Door.LOCKED}
    assert [status for status in Door if DOOR.is_final(status)] == [Door.GONE]


def test_a_verb_declared_per_role_reaches_each_role_from_its_own_statuses() -> None:
    assert DOOR.allows("lock", Door.SHUT, PORTER)
    assert not DOOR.allows("lock", Door.OPEN, PORTER)
    assert DOOR.allows("lock", Door.OPEN, WARDEN)


def test_wrong_role_is_not_allowed_and_wrong_status_is_an_illegal_transition() -> None:
    with pytest.raises(NotAllowed):
        DOOR.check("shut", Door.OPEN, GUEST)
    for language, message in (
        ("en", "“Shut it” is not possible while the status is “Shut”."),
        ("zh-hans", "状态为“Shut”时不能“Shut it”。"),
    ):
        with translation.override(language), pytest.raises(DomainError) as refusal:
            DOOR.check("shut", Door.SHUT, PORTER)
        assert (refusal.value.code, str(refusal.value)) == ("illegal_transition", message)


def test_an_inactive_account_makes_no_move() -> None:
    with pytest.raises(NotAllowed):
        DOOR.check("open", Door.SHUT, Person("porter", is_active=False))


def test_the_system_is_held_to_statuses_only() -> None:
    assert DOOR.check("shut", Door.OPEN, SYSTEM).target == Door.SHUT
    with pytest.raises(DomainError):
        DOOR.check("demolish", Door.OPEN, SYSTEM)


def test_apply_sets_the_status_and_refusal_leaves_it() -> None:
    record = Record(Door.SHUT)
    DOOR.apply(record, "open", GUEST)
    assert record.status == Door.OPEN
    with pytest.raises(DomainError):
        DOOR.apply(record, "open", GUEST)
    assert record.status == Door.OPEN


def test_automatic_moves_are_never_offered_and_the_system_is_offered_nothing() -> None:
    assert DOOR.offered_names(Door.LOCKED, WARDEN) == frozenset()
    assert DOOR.offered(Door.SHUT, SYSTEM) == ()
    assert DOOR.allows("demolish", Door.LOCKED, GUEST)


@pytest.mark.parametrize(
    ("status", "person"), list(itertools.product(Door, [PORTER, GUEST, WARDEN]))
)
def test_offered_is_exactly_what_check_accepts(status: Door, person: Person) -> None:
    accepted = set()
    for name in DOOR.names():
        if DOOR[name].automatic:
            continue
        try:
            DOOR.check(name, status, person)
        except DomainError:
            continue
        accepted.add(name)
    assert DOOR.offered_names(status, person) == accepted


@pytest.mark.parametrize(
    ("moves", "message"),
    [
        ([move("x", "X", sources=["nowhere"], target="shut", roles=["a"])], "unknown"),
        ([move("x", "X", sources=[], target="shut", roles=["a"])], "starts nowhere"),
        ([move("x", "X", sources=["shut"], target="open")], "nobody"),
        (
            [
                move("x", "X", sources=["shut"], target="open", roles=["a"]),
                move("x", "X", sources=["open"], target="gone", roles=["b"]),
            ],
            "two destinations",
        ),
    ],
)
def test_a_faulty_table_fails_when_built(moves: list[Move], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Lifecycle(Door, moves)


def test_an_unknown_verb_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no move"):
        DOOR.allows("paint", Door.SHUT, PORTER)


def test_no_actor_is_a_programming_error_not_the_system() -> None:
    with pytest.raises(MissingActor):
        DOOR.check("open", Door.SHUT, None)
