from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from devolve.core.actors import SYSTEM
from devolve.core.commands import iso_date, one_node_at_a_time, run_service
from devolve.grants.services import activate_due_grants


class Command(BaseCommand):
    help = (
        "Make delegated grants effective once their date has come (run daily from cron; running "
        "it again changes nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=iso_date, default=None, help="YYYY-MM-DD; default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["on"] or timezone.localdate()
        with one_node_at_a_time("activate_grants") as mine:
            if not mine:
                self.stdout.write("activate_grants is running on another node; nothing done")
                return
            count = run_service(activate_due_grants, on=on, activated_by=SYSTEM)
        self.stdout.write(f"{count} grant(s) took effect on or before {on.isoformat()}")
