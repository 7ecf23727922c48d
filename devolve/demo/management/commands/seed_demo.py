from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devolve.core.commands import domain_errors_as_command_errors, iso_date
from devolve.demo import sichuan
from devolve.demo.seed import seed


class Command(BaseCommand):
    help = (
        "Load the Sichuan demo as the programme stood on a day (batches, pilot areas, zones, "
        "departments, matters, the annual lists with their demand, grants and reports, demo users)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-users", action="store_true", help="Do not create the demo logins."
        )
        parser.add_argument(
            "--no-lists",
            action="store_true",
            help="Do not create the annual lists, demand items and grants.",
        )
        parser.add_argument(
            "--as-of",
            type=iso_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="The day the demo shows: nothing dated later is written (default: today; "
            "not before 2023-01-01, when the programme began).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with domain_errors_as_command_errors():
            report = seed(
                with_users=not options["no_users"],
                with_lists=not options["no_lists"],
                as_of=options["as_of"],
            )
        for kind in sorted(set(report.created) | set(report.existing)):
            self.stdout.write(
                f"{kind}: {report.created.get(kind, 0)} created, "
                f"{report.existing.get(kind, 0)} already there"
            )
        if not options["no_users"]:
            self.stdout.write(f"\nDemo logins (password for all: {sichuan.DEMO_PASSWORD}):")
            for demo_user in sichuan.DEMO_USERS:
                self.stdout.write(
                    f"  {demo_user.username:<10} {demo_user.role:<11} {demo_user.first_name}"
                )
