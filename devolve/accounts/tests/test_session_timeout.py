"""A signed-in session ends after the idle timeout and, however active, at the absolute lifetime."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from devolve.accounts.models import User

pytestmark = pytest.mark.django_db

IDLE = timedelta(minutes=settings.DEVOLVE_SESSION_IDLE_MINUTES)
LIFETIME = timedelta(hours=settings.DEVOLVE_SESSION_MAX_HOURS)
STAFF_PAGE = "/en/staff/"


def _signed_in_at(client: Client, user: User, moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        assert client.get(STAFF_PAGE).status_code == 200


def test_a_request_within_the_idle_timeout_keeps_the_session(
    client: Client, office_user: User
) -> None:
    start = timezone.now()
    _signed_in_at(client, office_user, start)

    with time_machine.travel(start + IDLE - timedelta(minutes=1), tick=False):
        assert client.get(STAFF_PAGE).status_code == 200


def test_an_idle_session_ends_and_the_page_asks_to_sign_in_again(
    client: Client, office_user: User
) -> None:
    start = timezone.now()
    _signed_in_at(client, office_user, start)

    with time_machine.travel(start + IDLE + timedelta(minutes=2), tick=False):
        response = client.get(f"{STAFF_PAGE}?tab=grants")
        assert response.status_code == 302
        assert response["Location"] == "/en/accounts/login/?next=/en/staff/%3Ftab%3Dgrants"
        assert "_auth_user_id" not in client.session
        sign_in_page = client.get(response["Location"]).content.decode()

    minutes = settings.DEVOLVE_SESSION_IDLE_MINUTES
    assert f"You were signed out after {minutes} minutes without activity." in sign_in_page


def test_activity_slides_the_idle_timeout_but_not_the_absolute_lifetime(
    client: Client, office_user: User
) -> None:
    start = timezone.now()
    _signed_in_at(client, office_user, start)
    step = IDLE - timedelta(minutes=5)
    moment = start
    while moment + step < start + LIFETIME:
        moment += step
        with time_machine.travel(moment, tick=False):
            # The API is the cheapest signed-in request; it keeps the session alive like a page.
            client.get("/api/v1/")
            assert client.session["_auth_user_id"] == str(office_user.pk)

    with time_machine.travel(start + LIFETIME + timedelta(minutes=1), tick=False):
        response = client.get(STAFF_PAGE)
        assert response.status_code == 302
        sign_in_page = client.get(response["Location"]).content.decode()

    hours = settings.DEVOLVE_SESSION_MAX_HOURS
    assert f"You were signed out {hours} hours after signing in." in sign_in_page


def test_an_htmx_request_reloads_the_page_it_came_from_at_the_sign_in(
    client: Client, office_user: User
) -> None:
    start = timezone.now()
    _signed_in_at(client, office_user, start)

    with time_machine.travel(start + IDLE + timedelta(minutes=2), tick=False):
        response = client.get(
            STAFF_PAGE,
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/en/staff/?page=2"},
        )

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/en/accounts/login/?next=/en/staff/%3Fpage%3D2"


def test_an_expired_session_makes_the_api_caller_anonymous(
    client: Client, office_user: User
) -> None:
    start = timezone.now()
    _signed_in_at(client, office_user, start)

    with time_machine.travel(start + IDLE + timedelta(minutes=2), tick=False):
        response = client.get("/api/v1/")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
