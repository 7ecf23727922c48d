from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import iso_date, run_service
from devolve.regions.models import Zone
from devolve.regions.services import register_zone


class Command(BaseCommand):
    help = "Add a zone (new area or development zone) to the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Stable key used in public addresses, e.g. chengdu-etdz.")
        parser.add_argument("--name-zh", required=True)
        parser.add_argument("--name-en", required=True)
        parser.add_argument("--kind", required=True, choices=Zone.Kind.values)
        parser.add_argument("--prefecture", required=True, help="GB/T 2260 code, e.g. 510100.")
        parser.add_argument("--level", default="", choices=["", *Zone.Level.values])
        parser.add_argument("--established", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--source", default="")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        zone = run_service(
            register_zone,
            slug=options["slug"],
            name_zh=options["name_zh"],
            name_en=options["name_en"],
            kind=options["kind"],
            prefecture_code=options["prefecture"],
            level=options["level"],
            established_on=options["established"],
            source=options["source"],
            reason=options["reason"],
            registered_by=SYSTEM,
        )
        self.stdout.write(f"registered {zone.slug} in {zone.prefecture.code}")
