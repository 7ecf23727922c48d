"""Background entrypoints of the reporting app: each calls one service.

Services are imported when a task runs, so that services may enqueue tasks without a cycle.
"""

import datetime

from django.tasks import task


@task
def send_reporting_reminders(*, on: str | None = None) -> dict[str, int]:
    """Run daily (cron: ``devolve send_reporting_reminders``). ``on`` is an ISO date; today by
    default."""
    from django.utils import timezone

    from devolve.reporting.services import reminders

    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    summary = reminders.send_reporting_reminders(on=day)
    return {"notices": summary.notices, "emails": summary.emails}
