"""POST /api/v1/grants/bulk-handover/: several handovers on one day, all or nothing, each refused
grant listed in the 400 answer, in the caller's language."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.grants.models import Grant
from devolve.grants.tests.factories import effective_grant
from devolve.matters.models import Department
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/grants/bulk-handover/"
JSON = "application/json"
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def two_due(justice: Department, pilot_area_user: User) -> list[Grant]:
    assert pilot_area_user.zone is not None
    return [
        effective_grant(department=justice, zone=pilot_area_user.zone),
        effective_grant(department=justice, zone=pilot_area_user.zone),
    ]


def _body(grants: list[Grant], **extra: object) -> dict[str, object]:
    return {"grants": [grant.pk for grant in grants], "handed_over_on": "2024-05-06", **extra}


def test_the_route_is_the_one_named() -> None:
    assert reverse("api:grant-bulk-handover") == URL


def test_who_may_record_handovers_in_bulk(
    client: Client, personas: dict[str, User | None], two_due: list[Grant]
) -> None:
    outcomes = {}
    for persona, user in personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            response = client.post(URL, _body(two_due), content_type=JSON)
            outcomes[persona] = (response.status_code, response.json().get("code"))
            transaction.set_rollback(True)

    assert outcomes == {
        "anonymous": (401, "not_authenticated"),
        "office": (200, None),
        "department": (200, None),
        # Allowed at the door, but neither grant is among those it gives.
        "other_department": (400, "bulk_refused"),
        "prefecture": (403, "permission_denied"),
        "pilot_area": (200, None),
        "evaluator": (403, "permission_denied"),
        "auditor": (403, "permission_denied"),
    }


def test_the_area_records_both_and_is_told_how_many(
    client: Client, two_due: list[Grant], pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    response = client.post(URL, _body(two_due), content_type=JSON)

    assert (response.status_code, response.json()) == (200, {"done": 2})
    assert set(Grant.objects.values_list("status", flat=True)) == {"handed_over"}
    assert AuditEvent.objects.filter(action="grant.handed_over").count() == 2


def test_a_refusal_changes_nothing_and_lists_each_grant(
    client: Client, justice: Department, two_due: list[Grant], pilot_area_user: User
) -> None:
    elsewhere = effective_grant(department=justice, zone=ZoneFactory(slug="elsewhere"))
    done = two_due[1]
    done.status, done.handed_over_on = Grant.Status.HANDED_OVER, done.effective_on
    done.save()
    client.force_login(pilot_area_user)

    response = client.post(URL, _body([*two_due, elsewhere]), content_type=JSON, headers=ENGLISH)

    assert response.status_code == 400
    assert response.json() == {
        "code": "bulk_refused",
        "detail": "2 of the chosen records could not be changed, so nothing was changed.",
        "refusals": [
            # Those not found first, then each grant tried, in the order sent.
            {
                "id": str(elsewhere.pk),
                "label": f"Grant {elsewhere.pk}",
                "code": "not_found",
                "detail": "No such grant among those you may see.",
            },
            {
                "id": str(done.pk),
                "label": str(done),
                "code": "illegal_transition",
                "detail": "“Record handover” is not possible while the status is “Handed over”.",
            },
        ],
    }
    two_due[0].refresh_from_db()
    assert two_due[0].status == "effective"
    assert not AuditEvent.objects.filter(action="grant.handed_over").exists()


def test_refusals_are_in_the_callers_language(
    client: Client, justice: Department, pilot_area_user: User
) -> None:
    elsewhere = effective_grant(department=justice, zone=ZoneFactory(slug="elsewhere"))
    client.force_login(pilot_area_user)

    response = client.post(
        URL, _body([elsewhere]), content_type=JSON, headers={"Accept-Language": "zh-hans"}
    )

    assert response.json()["refusals"][0]["detail"] == "在您可查看的授权中没有这一项。"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"grants": [], "handed_over_on": "2024-05-06"}, "nothing_chosen"),
        ({"grants": ["x"], "handed_over_on": "2024-05-06"}, "invalid"),
        ({"grants": [1]}, "invalid"),
        ({"grants": list(range(1, 1002)), "handed_over_on": "2024-05-06"}, "invalid"),
        ({"grants": [2**63], "handed_over_on": "2024-05-06"}, "invalid"),  # no 64-bit id
    ],
)
def test_bad_input_is_refused_before_any_grant(
    client: Client, two_due: list[Grant], office_user: User, body: dict[str, object], code: str
) -> None:
    client.force_login(office_user)

    response = client.post(URL, body, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not Grant.objects.filter(status="handed_over").exists()


def test_a_grant_named_twice_is_handed_over_once(
    client: Client, two_due: list[Grant], office_user: User
) -> None:
    client.force_login(office_user)

    response = client.post(URL, _body([two_due[0], two_due[0]]), content_type=JSON)

    assert response.json() == {"done": 1}
