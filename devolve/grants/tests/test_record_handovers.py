"""Recording several handovers at once: each grant through ``record_handover``, all in one
transaction, every refusal reported against its grant and nothing kept unless all succeed."""

import datetime
from collections.abc import Iterator

import pytest
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.bulk import BulkRefused
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.grants.models import Grant
from devolve.grants.services import record_handovers
from devolve.grants.tests.factories import GrantFactory, effective_grant
from devolve.matters.models import Department
from devolve.regions.models import Zone
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TRACKED = (Grant, Grant.history.model, AuditEvent)
HANDED_OVER_ON = D(2024, 5, 6)


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _effective(department: Department, zone: Zone, mode_code: str = "delegate") -> Grant:
    return effective_grant(department=department, zone=zone, mode_code=mode_code)


@pytest.fixture
def two_effective(justice: Department, pilot_area_user: User) -> list[Grant]:
    return [_effective(justice, pilot_area_user.zone), _effective(justice, pilot_area_user.zone)]


def _refusals(error: BulkRefused) -> list[tuple[str, str]]:
    return [(refusal.object_id, refusal.code) for refusal in error.refusals]


@pytest.mark.parametrize("persona", ["office_user", "department_user", "pilot_area_user"])
def test_several_grants_are_handed_over_each_with_its_audit_event(
    request: pytest.FixtureRequest, persona: str, two_effective: list[Grant]
) -> None:
    actor = request.getfixturevalue(persona)

    done = record_handovers(
        grant_ids=[grant.pk for grant in two_effective],
        handed_over_on=HANDED_OVER_ON,
        recorded_by=actor,
    )

    assert done == 2
    for grant in two_effective:
        grant.refresh_from_db()
        assert (grant.status, grant.handed_over_on) == ("handed_over", HANDED_OVER_ON)
    events = AuditEvent.objects.filter(action="grant.handed_over").order_by("pk")
    assert [(event.actor, event.target_id) for event in events] == [
        (actor, str(grant.pk)) for grant in two_effective
    ]


def test_a_grant_outside_the_actors_scope_changes_nothing_and_is_listed(
    justice: Department, two_effective: list[Grant], pilot_area_user: User
) -> None:
    elsewhere = _effective(justice, ZoneFactory(slug="elsewhere"))
    chosen = [*(grant.pk for grant in two_effective), elsewhere.pk]

    error = assert_refused(
        "bulk_refused",
        lambda: record_handovers(
            grant_ids=chosen, handed_over_on=HANDED_OVER_ON, recorded_by=pilot_area_user
        ),
        *TRACKED,
    )

    assert isinstance(error, BulkRefused)
    assert _refusals(error) == [(str(elsewhere.pk), "not_found")]
    assert error.refusals[0].message == "No such grant among those you may see."
    assert str(error.message) == (
        "1 of the chosen records could not be changed, so nothing was changed."
    )


def test_a_grant_the_department_does_not_give_is_not_found(
    finance: Department, two_effective: list[Grant], department_user: User
) -> None:
    not_ours = _effective(finance, two_effective[0].zone)

    error = assert_refused(
        "bulk_refused",
        lambda: record_handovers(
            grant_ids=[two_effective[0].pk, not_ours.pk],
            handed_over_on=HANDED_OVER_ON,
            recorded_by=department_user,
        ),
        *TRACKED,
    )

    assert _refusals(error) == [(str(not_ours.pk), "not_found")]


def test_a_grant_the_actor_sees_but_may_not_hand_over_is_not_allowed(
    two_effective: list[Grant], prefecture_user: User, pilot_area_user: User
) -> None:
    # A prefecture reads its areas' grants but gives and receives none of them.
    zone = two_effective[0].zone
    zone.prefecture = prefecture_user.prefecture
    zone.save()

    error = assert_refused(
        "bulk_refused",
        lambda: record_handovers(
            grant_ids=[two_effective[0].pk],
            handed_over_on=HANDED_OVER_ON,
            recorded_by=prefecture_user,
        ),
        *TRACKED,
    )

    assert _refusals(error) == [(str(two_effective[0].pk), "not_allowed")]


def test_grants_in_the_wrong_state_are_each_listed_and_nothing_changes(
    justice: Department, two_effective: list[Grant], pilot_area_user: User, office_user: User
) -> None:
    done_already = GrantFactory(
        entry=two_effective[0].entry, zone=ZoneFactory(slug="done"), handed_over=True
    )
    support = _effective(justice, pilot_area_user.zone, "support")
    awaiting = GrantFactory(entry=two_effective[1].entry, zone=ZoneFactory(slug="awaiting"))
    chosen = [two_effective[0].pk, done_already.pk, support.pk, awaiting.pk, two_effective[1].pk]

    error = assert_refused(
        "bulk_refused",
        lambda: record_handovers(
            grant_ids=chosen, handed_over_on=HANDED_OVER_ON, recorded_by=office_user
        ),
        *TRACKED,
    )

    assert _refusals(error) == [
        (str(done_already.pk), "illegal_transition"),
        (str(support.pk), "illegal_transition"),
        (str(awaiting.pk), "illegal_transition"),
    ]
    assert [refusal.label for refusal in error.refusals] == [
        str(done_already),
        str(support),
        str(awaiting),
    ]


def test_a_day_before_a_grant_took_effect_is_refused_for_that_grant(
    two_effective: list[Grant], office_user: User
) -> None:
    later = two_effective[1]
    later.effective_on = D(2024, 6, 1)
    later.save()

    error = assert_refused(
        "bulk_refused",
        lambda: record_handovers(
            grant_ids=[grant.pk for grant in two_effective],
            handed_over_on=HANDED_OVER_ON,
            recorded_by=office_user,
        ),
        *TRACKED,
    )

    assert _refusals(error) == [(str(later.pk), "dates_out_of_order")]


def test_an_empty_choice_is_refused(office_user: User) -> None:
    error = assert_refused(
        "nothing_chosen",
        lambda: record_handovers(
            grant_ids=[], handed_over_on=HANDED_OVER_ON, recorded_by=office_user
        ),
        *TRACKED,
    )
    assert str(error.message) == "Choose at least one record."


def test_a_grant_chosen_twice_is_handed_over_once(
    two_effective: list[Grant], office_user: User
) -> None:
    grant = two_effective[0]

    done = record_handovers(
        grant_ids=[grant.pk, grant.pk], handed_over_on=HANDED_OVER_ON, recorded_by=office_user
    )

    assert done == 1
    assert AuditEvent.objects.filter(action="grant.handed_over").count() == 1
    grant.refresh_from_db()
    assert grant.status == "handed_over"


def test_refusals_are_in_the_readers_language(justice: Department, pilot_area_user: User) -> None:
    elsewhere = _effective(justice, ZoneFactory(slug="elsewhere"))

    with translation.override("zh-hans"), pytest.raises(BulkRefused) as caught:
        record_handovers(
            grant_ids=[elsewhere.pk], handed_over_on=HANDED_OVER_ON, recorded_by=pilot_area_user
        )

    assert caught.value.refusals[0].label == f"授权{elsewhere.pk}"
    assert "您" in caught.value.refusals[0].message
