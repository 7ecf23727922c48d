import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from devolve.portal.facts import programme_facts


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--on expects a date as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Print the programme's shape (batches, pilot areas, prefectures …) and its published "
        "annual lists (entries, powers, support matters; grants by status) from the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")
        parser.add_argument(
            "--on",
            help="Date to count pilot areas and published lists on (YYYY-MM-DD); default today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["on"]) if options["on"] is not None else timezone.localdate()
        facts = programme_facts(on=on)
        if options["json"]:
            self.stdout.write(json.dumps(facts, ensure_ascii=False, indent=2))
            return
        for key, value in facts.items():
            self.stdout.write(f"{key}: {value}")
