"""What the system wrote reads in the reader's language: the same stored event, notice and
grant end read in Chinese at / and in English at /en/ (issue 14, one language per page)."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.events import record_event
from devolve.grants.tests.factories import GrantFactory
from devolve.regions.tests.factories import ZoneFactory
from devolve.reporting.models import ReportingNotice
from devolve.reporting.services import send_reporting_reminders
from devolve.reporting.tests.factories import World, build_world

pytestmark = pytest.mark.django_db

PUBLISHED = {"zh-hans": "版次2025/batch-1已公布。", "en": "Edition 2025/batch-1 published."}


def _get(client: Client, name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        url = reverse(f"dashboards:{name}", kwargs=kwargs or None)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _other(language: str) -> str:
    return "en" if language == "zh-hans" else "zh-hans"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_change_log_reads_a_stored_event_in_the_readers_language(
    client: Client, auditor: User, language: str
) -> None:
    record_event(
        actor=None,
        action="grant.superseded",
        target=ZoneFactory(),
        reason=system_text("grant.edition_published", key="2025/batch-1"),
    )
    client.force_login(auditor)

    html = _get(client, "audit_event_list", language)

    assert PUBLISHED[language] in html
    assert PUBLISHED[_other(language)] not in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_grants_end_and_events_read_in_the_readers_language(
    client: Client, office_user: User, language: str
) -> None:
    reason = system_text("grant.edition_published", key="2025/batch-1")
    grant = GrantFactory(superseded=True, end_reason=reason)
    record_event(actor=None, action="grant.superseded", target=grant, reason=reason)
    client.force_login(office_user)

    html = _get(client, "grant_detail", language, pk=grant.pk)

    assert html.count(PUBLISHED[language]) >= 3  # the end, its milestone and the event
    assert PUBLISHED[_other(language)] not in html


@pytest.fixture
def world(pilot_area_user: User, justice: Any) -> Iterator[World]:
    moment = datetime.datetime(2024, 7, 3, 10, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        assert pilot_area_user.zone is not None
        yield build_world(zone=pilot_area_user.zone, department=justice)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_notice_reads_in_the_readers_language_and_links_to_its_pages(
    client: Client, world: World, pilot_area_user: User, language: str
) -> None:
    send_reporting_reminders(on=world.q2.due_on - datetime.timedelta(days=1))
    notice = ReportingNotice.objects.filter(recipient=pilot_area_user).first()
    assert notice is not None
    texts = {}
    for each in ("zh-hans", "en"):
        with translation.override(each):
            texts[each] = notice.text
    client.force_login(pilot_area_user)

    html = _get(client, "reporting_dashboard", language)

    assert texts[language] in html
    assert texts[_other(language)] not in html
    with translation.override(language):
        link = world.area_report(world.q2).get_absolute_url()
    assert notice.link != link or language == "zh-hans"
    assert f'href="{link}"' in html
