from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from devolve.core.commands import iso_date, one_node_at_a_time, run_service
from devolve.reporting.services import send_reporting_reminders


class Command(BaseCommand):
    help = (
        "Remind areas and departments of reports due soon or overdue, in the app and by e-mail "
        "(run daily from cron; a reminder already sent is not sent again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=iso_date, default=None, help="YYYY-MM-DD; default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["on"] or timezone.localdate()
        with one_node_at_a_time("send_reporting_reminders") as mine:
            if not mine:
                self.stdout.write(
                    "send_reporting_reminders is running on another node; nothing done"
                )
                return
            summary = run_service(send_reporting_reminders, on=on)
        self.stdout.write(
            f"{summary.notices} notice(s), {summary.emails} e-mail(s) sent for {on.isoformat()}"
        )
