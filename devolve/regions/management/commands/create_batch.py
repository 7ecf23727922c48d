from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import iso_date, run_service
from devolve.regions.services import create_batch


class Command(BaseCommand):
    help = "Create a batch of pilot areas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", type=int)
        parser.add_argument("--starts", type=iso_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--approved", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--announced", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--meeting-zh", default="")
        parser.add_argument("--meeting-en", default="")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = run_service(
            create_batch,
            number=options["number"],
            starts_on=options["starts"],
            approved_on=options["approved"],
            announced_on=options["announced"],
            approving_meeting_zh=options["meeting_zh"],
            approving_meeting_en=options["meeting_en"],
            reason=options["reason"],
            created_by=SYSTEM,
        )
        self.stdout.write(f"created batch {batch.number} starting {batch.starts_on}")
