from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import iso_date, run_service
from devolve.regions import selectors
from devolve.regions.services import add_zone_to_batch


class Command(BaseCommand):
    help = "Make a registered zone a pilot area of a batch from a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zone", help="The zone's key (slug).")
        parser.add_argument("batch", type=int, help="The batch number.")
        parser.add_argument("--joined", type=iso_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--left", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        zone = selectors.get_zone(slug=options["zone"])
        if zone is None:
            raise CommandError(f"[unknown_zone] no zone with key {options['zone']!r}")
        batch = selectors.get_batch(number=options["batch"])
        if batch is None:
            raise CommandError(f"[unknown_batch] no batch number {options['batch']}")
        membership = run_service(
            add_zone_to_batch,
            zone=zone,
            batch=batch,
            joined_on=options["joined"],
            left_on=options["left"],
            reason=options["reason"],
            added_by=SYSTEM,
        )
        self.stdout.write(f"{zone.slug} joined batch {batch.number} on {membership.joined_on}")
