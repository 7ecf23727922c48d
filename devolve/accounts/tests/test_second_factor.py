"""Office and auditor accounts may add a second factor (TOTP); then signing in needs a code."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from devolve.accounts.models import User
from devolve.accounts.tests.factories import PASSWORD
from devolve.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SETUP = "/en/accounts/two-step/"


def _code(device: TOTPDevice) -> str:
    return str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(device.digits)


def _set_up(client: Client, user: User) -> TOTPDevice:
    client.force_login(user)
    started = client.post(SETUP, {"step": "start"})
    assert 'id="second-factor-qr"><svg' in started.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    confirmed = client.post(SETUP, {"step": "confirm", "token": _code(device)})
    assert confirmed.status_code == 302
    client.logout()
    device.refresh_from_db()
    return device


def test_an_office_user_sets_up_an_authenticator(client: Client, office_user: User) -> None:
    device = _set_up(client, office_user)

    assert device.confirmed is True
    event = AuditEvent.objects.get(action="user.second_factor_set_up")
    assert (event.actor, event.target_id) == (office_user, str(office_user.pk))


def test_a_wrong_code_does_not_confirm_the_authenticator(client: Client, auditor: User) -> None:
    client.force_login(auditor)
    client.post(SETUP, {"step": "start"})

    response = client.post(SETUP, {"step": "confirm", "token": "000000"})

    assert "That code is wrong or has expired." in response.content.decode()
    assert TOTPDevice.objects.get(user=auditor).confirmed is False


def test_roles_without_a_second_factor_cannot_open_the_page(
    client: Client, department_user: User
) -> None:
    client.force_login(department_user)

    assert client.get(SETUP).status_code == 403


def test_with_an_authenticator_the_password_alone_does_not_sign_in(
    client: Client, office_user: User
) -> None:
    device = _set_up(client, office_user)

    after_password = client.post(
        "/en/accounts/login/?next=/en/staff/",
        {"username": office_user.username, "password": PASSWORD},
    )

    assert after_password["Location"] == "/en/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/en/accounts/login/code/", {"token": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(seconds=device.step), tick=False):
        right = client.post("/en/accounts/login/code/", {"token": _code(device)})
    assert right["Location"] == "/en/staff/"
    assert client.session["_auth_user_id"] == str(office_user.pk)


def test_the_code_step_expires(client: Client, office_user: User) -> None:
    device = _set_up(client, office_user)
    client.post("/en/accounts/login/", {"username": office_user.username, "password": PASSWORD})

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = client.post("/en/accounts/login/code/", {"token": _code(device)})

    assert response["Location"] == "/en/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_the_admin_signs_in_through_the_staff_page(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/login/?next=%2Fadmin%2F")


def test_an_operator_removes_a_lost_authenticator(client: Client, office_user: User) -> None:
    _set_up(client, office_user)

    call_command("remove_second_factor", office_user.username, reason="Phone lost")

    assert TOTPDevice.objects.filter(user=office_user).count() == 0
    event = AuditEvent.objects.get(action="user.second_factor_removed")
    assert (event.actor, event.reason) == (None, "Phone lost")
    signed_in = client.post(
        "/en/accounts/login/", {"username": office_user.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(office_user.pk)
