"""Reminders about reports: before the due date and once overdue, in the app and by e-mail;
and the notice that the office reopened an area's report after the lock.

Each reminder has a key (``due:area:<report>`` or ``overdue:department:<report>``); a person gets
a given reminder once, however often the task runs. Recipients: the pilot area's users (an
overdue area report also goes to its prefecture's users) or the department's users.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.events import record_event
from devolve.reporting import selectors
from devolve.reporting.models import AreaReport, DepartmentReport, ReportingCycle, ReportingNotice
from devolve.reporting.selectors import OWED_STATUSES
from devolve.reporting.services.cycles import ensure_expected_reports

# Days before the due date from which the "due soon" reminder goes out.
DUE_SOON_DAYS = 5


@dataclass(frozen=True)
class ReminderSummary:
    notices: int
    emails: int


def _recipients_of(report: AreaReport | DepartmentReport, *, overdue: bool) -> list[User]:
    users = User.objects.filter(is_active=True)
    if isinstance(report, AreaReport):
        scope = Q(role=User.Role.PILOT_AREA, zone_id=report.zone_id)
        if overdue:
            scope |= Q(role=User.Role.PREFECTURE, prefecture_id=report.zone.prefecture_id)
    else:
        scope = Q(role=User.Role.DEPARTMENT, department_id=report.department_id)
    return list(users.filter(scope).order_by("pk"))


def _owed_reports(cycle: ReportingCycle) -> list[AreaReport | DepartmentReport]:
    area = selectors.list_area_reports().filter(cycle=cycle, status__in=OWED_STATUSES)
    department = selectors.list_department_reports().filter(cycle=cycle, status__in=OWED_STATUSES)
    return [*area, *department]


def _kind_of(cycle: ReportingCycle, on: datetime.date) -> str | None:
    if cycle.due_on < on:
        return ReportingNotice.Kind.OVERDUE.value
    if cycle.due_on - datetime.timedelta(days=DUE_SOON_DAYS) <= on:
        return ReportingNotice.Kind.DUE_SOON.value
    return None


@transaction.atomic
def send_reporting_reminders(*, on: datetime.date) -> ReminderSummary:
    """Remind whoever owes a report of an open cycle: once when it falls due within
    ``DUE_SOON_DAYS`` and once when it is overdue (until entry locks)."""
    notices = emails = 0
    for cycle in selectors.list_open_cycles(on=on):
        ensure_expected_reports(cycle=cycle)
        kind = _kind_of(cycle, on)
        if kind is None:
            continue
        sent = _remind_cycle(cycle, kind=kind)
        if sent.notices:
            record_event(
                actor=SYSTEM,
                action=f"reporting.reminders_sent.{kind}",
                target=cycle,
                details={"on": on.isoformat(), "notices": sent.notices, "emails": sent.emails},
            )
        notices += sent.notices
        emails += sent.emails
    return ReminderSummary(notices=notices, emails=emails)


def _remind_cycle(cycle: ReportingCycle, *, kind: str) -> ReminderSummary:
    overdue = kind == ReportingNotice.Kind.OVERDUE.value
    notices = emails = 0
    for report in _owed_reports(cycle):
        which = "area" if isinstance(report, AreaReport) else "department"
        sent = _notify(
            report,
            kind=kind,
            key=f"{'overdue' if overdue else 'due'}:{which}:{report.pk}",
            due_on=cycle.due_on,
            recipients=_recipients_of(report, overdue=overdue),
        )
        notices += sent.notices
        emails += sent.emails
    return ReminderSummary(notices=notices, emails=emails)


def unread_notices_of(report: AreaReport | DepartmentReport) -> QuerySet[ReportingNotice]:
    """Every unread reminder about ``report`` (due, overdue, reopened), for everyone it reached."""
    which = "area" if isinstance(report, AreaReport) else "department"
    about = Q(key__in=[f"due:{which}:{report.pk}", f"overdue:{which}:{report.pk}"]) | Q(
        key__startswith=f"reopened:{which}:{report.pk}:"
    )
    return ReportingNotice.objects.filter(about, read_at__isnull=True)


def clear_notices_of(report: AreaReport | DepartmentReport) -> int:
    """Mark every unread reminder about ``report`` read (``unread_notices_of``): once the report
    is submitted there is nothing left to remind of. Returns how many were cleared."""
    return unread_notices_of(report).update(read_at=timezone.now())


def mark_notices_read(*, recipient: User) -> int:
    """Mark all of one person's reminders read (the reporting page's button)."""
    return ReportingNotice.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notify_reopened(report: AreaReport) -> ReminderSummary:
    """Tell the pilot area's users that the office reopened their report after the lock, and
    until when (once per reopening)."""
    assert report.reopened_until is not None  # noqa: S101 — called right after reopening
    return _notify(
        report,
        kind=ReportingNotice.Kind.REOPENED.value,
        key=f"reopened:area:{report.pk}:{report.reopened_until.isoformat()}",
        due_on=report.reopened_until,
        recipients=_recipients_of(report, overdue=False),
    )


def _notify(
    report: AreaReport | DepartmentReport,
    *,
    kind: str,
    key: str,
    due_on: datetime.date,
    recipients: list[User],
) -> ReminderSummary:
    notices = emails = 0
    subject = report.zone if isinstance(report, AreaReport) else report.department
    for recipient in recipients:
        notice, created = ReportingNotice.objects.get_or_create(
            recipient=recipient,
            key=key,
            defaults={
                "kind": kind,
                "cycle": report.cycle,
                "subject_label": str(subject)[:200],
                "subject_name_zh": subject.name_zh[:200],
                "subject_name_en": subject.name_en[:200],
                "due_on": due_on,
                "link": report.get_absolute_url(),
            },
        )
        if not created:
            continue
        notices += 1
        if recipient.email:
            _email(notice, recipient)
            emails += 1
    return ReminderSummary(notices=notices, emails=emails)


def _email(notice: ReportingNotice, recipient: User) -> None:
    """Sent in the site's default language (Chinese); the notice in the app follows the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        text = notice.text
    EmailMessage(subject=text[:150], body=f"{text}\n\n{notice.link}", to=[recipient.email]).send()
    notice.emailed = True
    notice.save(update_fields=["emailed"])
