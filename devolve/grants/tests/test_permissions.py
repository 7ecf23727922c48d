"""Who may manage, hand over and view a grant, per persona, and the grant list agrees with it."""

import pytest
import rules

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.grants.models import Grant
from devolve.grants.permissions import can_manage_grant, can_record_handover, can_view_grant
from devolve.grants.selectors import list_grants_visible_to
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import Department
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import ListEntryFactory
from devolve.regions.tests.factories import ZoneFactory, prefecture

pytestmark = pytest.mark.django_db

PERSONAS = [
    "office_user",
    "department_user",
    "other_department_user",
    "prefecture_user",
    "pilot_area_user",
    "evaluator",
    "auditor",
]


@pytest.fixture
def grant(justice: Department, pilot_area_user: User) -> Grant:
    """The Department of Justice grants it to the pilot area persona's zone, in Chengdu."""
    entry = ListEntryFactory(matter=MatterFactory(competent_department=justice))
    return GrantFactory(entry=entry, zone=pilot_area_user.zone, effective=True)


# (manage, record handover, view)
EXPECTED = {
    "office_user": (True, True, True),
    "department_user": (True, True, True),
    "other_department_user": (False, False, False),
    "prefecture_user": (False, False, True),
    "pilot_area_user": (False, True, True),
    "evaluator": (False, False, True),
    "auditor": (False, False, True),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permissions_per_persona(
    request: pytest.FixtureRequest, grant: Grant, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert (
        can_manage_grant(user, grant),
        can_record_handover(user, grant),
        can_view_grant(user, grant),
    ) == EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_permissions_are_registered(
    request: pytest.FixtureRequest, grant: Grant, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert (
        rules.has_perm("grants.manage_grant", user, grant),
        rules.has_perm("grants.record_handover", user, grant),
        rules.has_perm("grants.view_grant", user, grant),
    ) == EXPECTED[persona]


def test_another_area_and_another_prefecture_have_no_say(grant: Grant) -> None:
    other_area_user = UserFactory(
        username="other-zone", role=User.Role.PILOT_AREA, zone=ZoneFactory(), is_staff=False
    )
    deyang_user = UserFactory(
        username="deyang", role=User.Role.PREFECTURE, prefecture=prefecture("510600")
    )
    assert [
        (
            can_manage_grant(user, grant),
            can_record_handover(user, grant),
            can_view_grant(user, grant),
        )
        for user in (other_area_user, deyang_user)
    ] == [(False, False, False), (False, False, False)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_inactive_user_may_do_nothing(
    request: pytest.FixtureRequest, grant: Grant, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    user.is_active = False
    user.save()
    assert (
        can_manage_grant(user, grant),
        can_record_handover(user, grant),
        can_view_grant(user, grant),
    ) == (False, False, False)


def test_no_grant_gives_no_scope(department_user: User, pilot_area_user: User) -> None:
    assert (
        can_manage_grant(department_user, None),
        can_record_handover(pilot_area_user, None),
        can_view_grant(pilot_area_user, None),
    ) == (False, False, False)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_grant_list_shows_exactly_the_grants_a_user_may_view(
    request: pytest.FixtureRequest, grant: Grant, finance: Department, persona: str
) -> None:
    """A list row whose detail page the same user may not open is a broken promise."""
    user = request.getfixturevalue(persona)
    elsewhere = GrantFactory(
        entry=ListEntryFactory(matter=MatterFactory(competent_department=finance)),
        zone=ZoneFactory(prefecture=prefecture("510600")),
    )

    listed = set(list_grants_visible_to(user=user))

    assert listed == {
        candidate for candidate in (grant, elsewhere) if can_view_grant(user, candidate)
    }
