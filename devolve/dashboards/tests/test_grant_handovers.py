"""The handovers to make: who may open the list and record several at once, the recording (all or
nothing, each refusal shown against its grant, in the reader's language) and where the list is
linked from."""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.models import AuditEvent
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.grants.models import Grant
from devolve.grants.tests.factories import effective_grant
from devolve.matters.models import Department
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db
HANDED_OVER_ON = "2024-05-06"


@pytest.fixture(autouse=True)
def _in_may_2024() -> Iterator[None]:
    moment = datetime.datetime(2024, 5, 30, 10, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), translation.override("en"):
        yield


def _url(name: str) -> str:
    return reverse(f"dashboards:{name}")


@pytest.fixture
def two_due(justice: Department, pilot_area_user: User) -> list[Grant]:
    assert pilot_area_user.zone is not None
    return [
        effective_grant(department=justice, zone=pilot_area_user.zone),
        effective_grant(department=justice, zone=pilot_area_user.zone),
    ]


def test_who_may_open_the_list_and_record_handovers(
    client: Client, personas: dict[str, User | None], two_due: list[Grant]
) -> None:
    assert_authorization_matrix(
        client,
        personas,
        "get",
        _url("grant_handover_list"),
        allowed={"office", "department", "other_department", "pilot_area"},
    )
    assert_authorization_matrix(
        client,
        personas,
        "post",
        _url("grant_handover_bulk"),
        allowed={"office", "department", "other_department", "pilot_area"},
        data={"handed_over_on": HANDED_OVER_ON},
    )


def test_the_list_shows_the_grants_due_with_a_box_each(
    client: Client, justice: Department, two_due: list[Grant], pilot_area_user: User
) -> None:
    elsewhere = effective_grant(department=justice, zone=ZoneFactory(slug="elsewhere"))
    client.force_login(pilot_area_user)

    page = client.get(_url("grant_handover_list"))

    html = page.content.decode()
    assert [row.record for row in page.context["table"].paginated_rows] == two_due
    for grant in two_due:
        assert f'name="grant" value="{grant.pk}"' in html
    assert f'value="{elsewhere.pk}"' not in html


def test_the_area_records_the_chosen_handovers_in_one_go(
    client: Client, two_due: list[Grant], pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    response = client.post(
        _url("grant_handover_bulk") + "?sort=zone",
        {"handed_over_on": HANDED_OVER_ON, "grant": [str(grant.pk) for grant in two_due]},
        follow=True,
    )

    assert response.redirect_chain == [(_url("grant_handover_list") + "?sort=zone", 302)]
    assert "The handover of 2 grants was recorded." in response.content.decode()
    assert list(response.context["table"].paginated_rows) == []
    for grant in two_due:
        grant.refresh_from_db()
        assert (grant.status, grant.handed_over_on) == ("handed_over", datetime.date(2024, 5, 6))
    assert AuditEvent.objects.filter(action="grant.handed_over").count() == 2


def test_a_refusal_changes_nothing_and_names_each_grant(
    client: Client, justice: Department, two_due: list[Grant], pilot_area_user: User
) -> None:
    elsewhere = effective_grant(department=justice, zone=ZoneFactory(slug="elsewhere"))
    done = two_due[1]
    done.status, done.handed_over_on = Grant.Status.HANDED_OVER, datetime.date(2024, 5, 1)
    done.save()
    client.force_login(pilot_area_user)

    response = client.post(
        _url("grant_handover_bulk"),
        {
            "handed_over_on": HANDED_OVER_ON,
            "grant": [str(two_due[0].pk), str(done.pk), str(elsewhere.pk)],
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 of the chosen records could not be changed, so nothing was changed." in html
    assert f'data-refused="{done.pk}" data-code="illegal_transition"' in html
    assert f'data-refused="{elsewhere.pk}" data-code="not_found"' in html
    assert f"Grant {elsewhere.pk}: No such grant among those you may see." in html
    # The chosen box stays ticked for a second try.
    assert f'name="grant" value="{two_due[0].pk}" checked="checked"' in html
    assert not AuditEvent.objects.filter(action="grant.handed_over").exists()
    two_due[0].refresh_from_db()
    assert two_due[0].status == "effective"


def test_refusals_are_in_the_readers_language(
    client: Client, justice: Department, pilot_area_user: User
) -> None:
    elsewhere = effective_grant(department=justice, zone=ZoneFactory(slug="elsewhere"))
    client.force_login(pilot_area_user)

    with translation.override("zh-hans"):
        url = _url("grant_handover_bulk")
    response = client.post(url, {"handed_over_on": HANDED_OVER_ON, "grant": [str(elsewhere.pk)]})

    html = response.content.decode()
    assert not url.startswith("/en/")  # Chinese is the default, unprefixed
    assert "未作任何变更" in html
    assert f"授权{elsewhere.pk}: 在您可查看的授权中没有这一项。" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"handed_over_on": HANDED_OVER_ON}, "Choose at least one grant."),
        ({"handed_over_on": HANDED_OVER_ON, "grant": ["x"]}, "The chosen grants are not grant"),
        ({"handed_over_on": "", "grant": ["1"]}, "This field is required."),
    ],
)
def test_bad_input_is_said_and_changes_nothing(
    client: Client,
    two_due: list[Grant],
    pilot_area_user: User,
    data: dict[str, object],
    message: str,
) -> None:
    client.force_login(pilot_area_user)

    response = client.post(_url("grant_handover_bulk"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Grant.objects.filter(status="handed_over").exists()


def test_a_link_followed_from_a_refused_page_leads_back_to_the_list(
    client: Client, pilot_area_user: User
) -> None:
    client.force_login(pilot_area_user)

    response = client.get(_url("grant_handover_bulk") + "?sort=-zone&page=1")

    assert response.status_code == 302
    assert response["Location"] == _url("grant_handover_list") + "?sort=-zone&page=1"


def test_the_owed_list_and_the_areas_inbox_lead_to_it(
    client: Client, two_due: list[Grant], department_user: User, pilot_area_user: User
) -> None:
    client.force_login(department_user)
    owed = client.get(_url("grant_owed_list")).content.decode()
    client.force_login(pilot_area_user)
    home = client.get(_url("dashboard_home")).content.decode()

    assert f'href="{_url("grant_handover_list")}" data-testid="record-handovers"' in owed
    assert f'href="{_url("grant_handover_list")}"' in home
