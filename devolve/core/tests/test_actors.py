"""The system actor: stored as no user, and no actor at all refused. No DB."""

import pytest

from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM, MissingActor, is_system, person


def test_the_system_is_stored_as_no_user() -> None:
    assert person(SYSTEM) is None
    assert is_system(SYSTEM)
    assert str(SYSTEM) == "system"
    assert repr(SYSTEM) == "SYSTEM"


def test_a_saved_user_is_stored_as_that_user_and_an_unsaved_one_as_none() -> None:
    saved = UserFactory.build(pk=7)
    assert person(saved) is saved
    assert not is_system(saved)
    assert person(UserFactory.build()) is None


def test_no_actor_is_refused_with_a_message_that_names_the_way_out() -> None:
    with pytest.raises(MissingActor, match=r"devolve\.core\.actors\.SYSTEM"):
        person(None)
    with pytest.raises(MissingActor):
        is_system(None)
