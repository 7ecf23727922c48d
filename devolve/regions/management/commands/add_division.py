from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import run_service
from devolve.regions.services import create_division


class Command(BaseCommand):
    help = "Add an administrative division by its GB/T 2260 code (its parent must exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Six-digit GB/T 2260 code, e.g. 510104.")
        parser.add_argument("--name-zh", required=True)
        parser.add_argument("--name-en", required=True)
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        division = run_service(
            create_division,
            code=options["code"],
            name_zh=options["name_zh"],
            name_en=options["name_en"],
            reason=options["reason"],
            created_by=SYSTEM,
        )
        self.stdout.write(f"added {division.code} ({division.level})")
