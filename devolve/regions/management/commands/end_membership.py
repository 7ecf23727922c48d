from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import iso_date, run_service
from devolve.regions import selectors
from devolve.regions.services import end_membership


class Command(BaseCommand):
    help = "Record that a pilot area leaves its batch (the first day it is no longer a pilot)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zone", help="The zone's key (slug).")
        parser.add_argument("batch", type=int, help="The batch number.")
        parser.add_argument("--left", type=iso_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = selectors.get_batch(number=options["batch"])
        membership = (
            selectors.list_memberships(batch=batch)
            .filter(zone__slug=options["zone"], left_on__isnull=True)
            .first()
            if batch is not None
            else None
        )
        if membership is None:
            raise CommandError(
                f"[unknown_membership] {options['zone']!r} has no open membership of batch "
                f"{options['batch']}"
            )
        run_service(
            end_membership,
            membership=membership,
            left_on=options["left"],
            reason=options["reason"],
            ended_by=SYSTEM,
        )
        self.stdout.write(f"{options['zone']} left batch {options['batch']} on {options['left']}")
