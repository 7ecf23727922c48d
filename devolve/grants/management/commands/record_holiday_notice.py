import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import iso_date, run_service
from devolve.grants.services import record_holiday_notice


def holiday_span(value: str) -> tuple[datetime.date, datetime.date]:
    """argparse type for ``YYYY-MM-DD`` or ``YYYY-MM-DD:YYYY-MM-DD`` (first and last day)."""
    first, _, last = value.partition(":")
    try:
        return datetime.date.fromisoformat(first), datetime.date.fromisoformat(last or first)
    except ValueError as error:
        raise CommandError(
            f"expected YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD, not {value!r}"
        ) from error


class Command(BaseCommand):
    help = (
        "Record the State Council's holiday notice for a year (holidays and adjusted working "
        "days, with its document number). The year then counts from the notice, and handover "
        "dates that were provisional are recomputed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--document-number", required=True)
        parser.add_argument("--issued-on", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--holiday",
            type=holiday_span,
            action="append",
            default=[],
            help="A holiday as YYYY-MM-DD or first:last; repeat for each.",
        )
        parser.add_argument(
            "--working-day",
            type=iso_date,
            action="append",
            default=[],
            help="A weekend day worked instead (YYYY-MM-DD); repeat for each.",
        )
        parser.add_argument("--source", default="", help="Where the notice was published.")

    def handle(self, *args: Any, **options: Any) -> None:
        notice = run_service(
            record_holiday_notice,
            year=options["year"],
            document_number=options["document_number"],
            issued_on=options["issued_on"],
            holidays=options["holiday"],
            working_days=options["working_day"],
            source=options["source"],
            recorded_by=SYSTEM,
        )
        self.stdout.write(f"Recorded the holiday notice for {notice.year} ({notice})")
