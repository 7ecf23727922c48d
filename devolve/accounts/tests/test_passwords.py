"""Users change their own password and reset a forgotten one by an e-mailed link."""

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from devolve.accounts.models import User
from devolve.accounts.tests.factories import PASSWORD, UserFactory
from devolve.core.actions import system_text
from devolve.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and longer passphrase"


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(username="officer", role=User.Role.OFFICE, email="officer@sc.gov.cn")


def _reset_link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://testserver(/\S+)", str(message.body))
    assert match is not None, message.body
    return match.group(1)


def test_a_user_changes_their_password_with_the_old_one(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(
        "/en/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password/changed/"
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD) is True
    assert client.session["_auth_user_id"] == str(officer.pk)
    event = AuditEvent.objects.get(action="user.password_changed")
    assert (event.actor, event.target_id, event.reason) == (
        officer,
        str(officer.pk),
        system_text("user.password_changed_by_owner"),
    )


def test_a_change_ends_the_users_other_sessions(client: Client, officer: User) -> None:
    elsewhere = Client()
    elsewhere.force_login(officer)
    client.force_login(officer)

    client.post(
        "/en/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert elsewhere.get("/en/staff/").status_code == 302


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("wrong old password", NEW_PASSWORD, "old_password", "Your old password was entered"),
        (PASSWORD, "1", "new_password2", "This password is too short."),
        (PASSWORD, "12345678901234", "new_password2", "This password is entirely numeric."),
        (PASSWORD, "password12", "new_password2", "This password is too common."),
    ],
)
def test_a_change_is_refused_with_the_reason(
    client: Client, officer: User, old: str, new: str, field: str, message: str
) -> None:
    client.force_login(officer)

    response = client.post(
        "/en/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD) is True
    assert AuditEvent.objects.filter(action="user.password_changed").count() == 0


def test_the_change_page_needs_a_signed_in_user(client: Client) -> None:
    response = client.get("/en/accounts/password/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_a_reset_link_by_e_mail_sets_a_new_password_once(client: Client, officer: User) -> None:
    response = client.post("/en/accounts/password/reset/", {"email": "officer@sc.gov.cn"})

    assert response["Location"] == "/en/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["officer@sc.gov.cn"]
    assert "officer" in message.body
    link = _reset_link(message)
    assert link.startswith("/en/accounts/password/reset/")

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert set_response["Location"] == "/en/accounts/password/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD) is True
    assert AuditEvent.objects.get(action="user.password_changed").reason == (
        system_text("user.password_reset_by_link")
    )
    assert client.get(link, follow=True).context["validlink"] is False


def test_the_reset_mail_is_in_the_language_of_the_page(client: Client, officer: User) -> None:
    client.post("/accounts/password/reset/", {"email": "officer@sc.gov.cn"})

    (message,) = mail.outbox
    assert "重置" in message.subject
    assert "/accounts/password/reset/" in message.body
    assert "/en/" not in message.body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, officer: User) -> None:
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@sc.gov.cn"})

    assert response["Location"] == "/en/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_an_account_without_a_usable_password_gets_no_link(client: Client, officer: User) -> None:
    officer.set_unusable_password()
    officer.save()

    client.post("/en/accounts/password/reset/", {"email": "officer@sc.gov.cn"})

    assert mail.outbox == []


@pytest.fixture
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("_empty_cache")
def test_an_address_gets_a_few_reset_mails_an_hour_and_the_same_answer_after(
    client: Client, officer: User, settings: Any
) -> None:
    settings.DEVOLVE_PASSWORD_RESET_MAILS_PER_ADDRESS = 2
    statuses = [
        client.post(
            "/en/accounts/password/reset/",
            {"email": "Officer@sc.gov.cn"},
            REMOTE_ADDR=f"203.0.113.{number}",
        ).status_code
        for number in range(4)
    ]

    assert statuses == [302, 302, 302, 302]
    assert len(mail.outbox) == 2
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, seconds=1)):
        client.post("/en/accounts/password/reset/", {"email": "officer@sc.gov.cn"})
    assert len(mail.outbox) == 3


@pytest.mark.usefixtures("_empty_cache")
def test_a_client_asking_too_often_is_told_to_wait(
    client: Client, officer: User, settings: Any
) -> None:
    settings.DEVOLVE_PASSWORD_RESET_REQUESTS_PER_CLIENT = 3
    statuses = [
        client.post(
            "/en/accounts/password/reset/", {"email": f"someone{number}@sc.gov.cn"}
        ).status_code
        for number in range(4)
    ]

    assert statuses == [302, 302, 302, 429]
    response = client.post("/en/accounts/password/reset/", {"email": "officer@sc.gov.cn"})
    assert response.status_code == 429
    assert mail.outbox == []
