from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import domain_errors_as_command_errors
from devolve.matters.selectors import get_annual_list_by_key
from devolve.matters.services import derive_annual_list


class Command(BaseCommand):
    help = (
        "Derive next year's draft edition from a published one (every live entry carried "
        "forward). Prints the new edition's key on the last line, for scripts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("list_key", help="The published edition, e.g. 2024/batch-1.")
        parser.add_argument("--year", type=int, required=True, help="The new edition's year.")
        parser.add_argument("--title-zh", default="", help="The new edition's Chinese title.")
        parser.add_argument("--title-en", default="", help="The new edition's English title.")

    def handle(self, *args: Any, **options: Any) -> None:
        predecessor = get_annual_list_by_key(key=options["list_key"])
        if predecessor is None:
            raise CommandError(f"[unknown_list] no edition {options['list_key']!r}")
        with domain_errors_as_command_errors():
            derived = derive_annual_list(
                predecessor=predecessor,
                year=options["year"],
                created_by=SYSTEM,
                title_zh=options["title_zh"],
                title_en=options["title_en"],
            )
        self.stdout.write(f"derived {derived.entries.count()} entries from {predecessor.key}")
        self.stdout.write(derived.key)
