"""Reminders: the right people, once each, in the app and by e-mail (locmem backend)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests.factories import UserFactory
from devolve.core.actors import SYSTEM
from devolve.reporting.models import ReportingNotice
from devolve.reporting.services import (
    reopen_area_report,
    save_area_report,
    send_reporting_reminders,
    submit_area_report,
)
from devolve.reporting.tests.factories import Q2_OPEN, World, line

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(
    world: World, pilot_area_user: User, prefecture_user: User, department_user: User
) -> dict[str, User]:
    for user in (pilot_area_user, prefecture_user, department_user):
        user.email = f"{user.username}@example.org"
        user.save()
    other_area = UserFactory(
        username="zigong-officer", role=User.Role.PILOT_AREA, zone=world.other_zone, email=""
    )
    return {
        "area": pilot_area_user,
        "prefecture": prefecture_user,
        "department": department_user,
        "other_area": other_area,
    }


def _recipients() -> list[tuple[str, str]]:
    return sorted(ReportingNotice.objects.values_list("recipient__username", "key"))


def test_due_soon_reaches_the_areas_and_departments_that_owe_once(
    world: World, people: dict[str, User]
) -> None:
    q2 = world.area_report(world.q2)
    justice = world.department_report(world.q2, people["department"].department)
    zigong = world.area_report(world.q2, world.other_zone)
    summary = send_reporting_reminders(on=D(2024, 7, 5))
    assert _recipients() == sorted([
        ("zone-officer", f"due:area:{q2.pk}"),
        ("zigong-officer", f"due:area:{zigong.pk}"),
        ("justice-officer", f"due:department:{justice.pk}"),
    ])  # fmt: skip
    # The Zigong officer has no address: a notice in the app, no e-mail.
    assert (summary.notices, summary.emails) == (3, 2)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "justice-officer@example.org",
        "zone-officer@example.org",
    ]
    # E-mails go out in the site's language, the date as Chinese writes it.
    assert "2024年7月10日" in mail.outbox[0].body

    again = send_reporting_reminders(on=D(2024, 7, 6))
    assert (again.notices, again.emails, len(mail.outbox)) == (0, 0, 2)


def test_nothing_is_sent_before_the_reminder_window_or_for_submitted_reports(
    world: World, people: dict[str, User]
) -> None:
    assert send_reporting_reminders(on=D(2024, 7, 4)).notices == 0  # due 07-10, window is 5 days
    report = save_area_report(
        report=world.area_report(world.q2),
        lines=[line(world.grant)],
        saved_by=SYSTEM,
        today=Q2_OPEN,
    )
    submit_area_report(report=report, submitted_by=SYSTEM, today=Q2_OPEN)
    send_reporting_reminders(on=D(2024, 7, 5))
    assert not ReportingNotice.objects.filter(key=f"due:area:{report.pk}").exists()


def test_overdue_goes_to_the_area_and_its_prefecture_once(
    world: World, people: dict[str, User]
) -> None:
    q2 = world.area_report(world.q2)
    send_reporting_reminders(on=D(2024, 7, 11))
    overdue = ReportingNotice.objects.filter(key=f"overdue:area:{q2.pk}")
    assert sorted(overdue.values_list("recipient__username", flat=True)) == [
        "chengdu-officer",
        "zone-officer",
    ]
    assert set(overdue.values_list("kind", flat=True)) == {"overdue"}
    count = len(mail.outbox)
    send_reporting_reminders(on=D(2024, 7, 12))
    assert len(mail.outbox) == count


def test_the_management_command_sends_for_a_day(
    world: World, people: dict[str, User], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("send_reporting_reminders", "--on", "2024-07-05")
    assert "3 notice(s), 2 e-mail(s) sent for 2024-07-05" in capsys.readouterr().out


def test_the_task_runs_the_same_service(world: World, people: dict[str, User]) -> None:
    from devolve.reporting.tasks import send_reporting_reminders as task

    result = task.enqueue(on="2024-07-05")
    assert result.return_value == {"notices": 3, "emails": 2}


def test_reopening_tells_the_areas_users_until_when_once(
    world: World, people: dict[str, User], office_user: User
) -> None:
    report = world.area_report(world.q2)

    reopen_area_report(
        report=report, reason="Flooding closed the office", until=D(2024, 8, 31),
        reopened_by=office_user, today=D(2024, 8, 15),
    )  # fmt: skip
    send_reporting_reminders(on=D(2024, 8, 16))

    notice = ReportingNotice.objects.get()
    assert (notice.recipient, notice.kind, notice.due_on, notice.link) == (
        people["area"], "reopened", D(2024, 8, 31), report.get_absolute_url()
    )  # fmt: skip
    with translation.override("en"):
        assert "reopened until 31 Aug 2024" in notice.text
    assert [message.to for message in mail.outbox] == [["zone-officer@example.org"]]


def test_a_notice_reads_in_the_readers_language_with_the_names_it_had_when_sent(
    world: World, people: dict[str, User]
) -> None:
    """Sent while the site ran in Chinese, a notice still reads wholly in English to an English
    reader, and keeps naming the area as it was named then."""
    zone = world.zone
    zone.name_zh, zone.name_en = "天府新区", "Tianfu New Area"
    zone.save()
    report = world.area_report(world.q2)
    with translation.override("zh-hans"):
        send_reporting_reminders(on=D(2024, 7, 11))
    notice = ReportingNotice.objects.get(key=f"overdue:area:{report.pk}", recipient=people["area"])
    zone.name_en = "Tianfu (renamed)"
    zone.save()

    with translation.override("en"):
        assert notice.text == (
            f"The {world.q2.label} report of Tianfu New Area was due on 10 Jul 2024 and is overdue."
        )
    with translation.override("zh-hans"):
        assert "天府新区" in notice.text
        assert "2024年7月10日" in notice.text
        assert "Tianfu" not in notice.text
        assert "2024-07-10" not in notice.text


def test_a_notice_sent_before_both_names_were_kept_falls_back_to_its_label(
    world: World, people: dict[str, User]
) -> None:
    report = world.area_report(world.q2)
    send_reporting_reminders(on=D(2024, 7, 11))
    notice = ReportingNotice.objects.filter(key=f"overdue:area:{report.pk}").first()
    assert notice is not None
    ReportingNotice.objects.filter(pk=notice.pk).update(
        subject_label="Old label", subject_name_zh="", subject_name_en=""
    )
    notice.refresh_from_db()
    with translation.override("en"):
        assert notice.subject == "Old label"


def test_the_migration_names_earlier_notices_from_their_reports(
    world: World, people: dict[str, User]
) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("devolve.reporting.migrations.0005_notice_subject_names_filled")
    report = world.area_report(world.q2)
    send_reporting_reminders(on=D(2024, 7, 11))
    ReportingNotice.objects.update(subject_label="成都", subject_name_zh="", subject_name_en="")
    gone = ReportingNotice.objects.filter(key__startswith="overdue:department:").first()
    assert gone is not None
    ReportingNotice.objects.filter(pk=gone.pk).update(key="overdue:department:999999")

    migration.fill_subject_names(apps, None)

    named = ReportingNotice.objects.filter(key=f"overdue:area:{report.pk}")
    assert set(named.values_list("subject_name_zh", "subject_name_en")) == {
        (world.zone.name_zh, world.zone.name_en)
    }
    gone.refresh_from_db()
    assert (gone.subject_name_zh, gone.subject_name_en, gone.subject) == ("", "", "成都")
