"""`devolve report list|results|briefing …`: build an official document or a briefing report from
the stored data and write it to a file (PDF or DOCX). Refusals print ``[code] message`` and exit 1;
nothing is written then."""

import datetime
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from devolve.core.commands import domain_errors_as_command_errors, iso_date
from devolve.documents import builders
from devolve.documents.models import DocumentFormat, DocumentKind

KINDS = {
    "list": DocumentKind.LIST_NOTICE,
    "results": DocumentKind.RESULTS_NOTICE,
    "briefing": DocumentKind.BRIEFING,
}


def _common(parser: CommandParser) -> None:
    parser.add_argument(
        "--format",
        dest="file_format",
        choices=[choice.value for choice in DocumentFormat],
        default=DocumentFormat.PDF.value,
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="Default: the document's own file name."
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        default=None,
        help="Read the data as of this day (YYYY-MM-DD); default today.",
    )


class Command(BaseCommand):
    help = "Build an official document or a briefing report from the stored data (PDF or DOCX)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        notice = kinds.add_parser(
            "list", help="The notice publishing an edition, with the list attached (公文)."
        )
        notice.add_argument("subject", metavar="EDITION", help="e.g. 2024/batch-1")
        _common(notice)
        results = kinds.add_parser(
            "results", help="The notice of a year's published performance results (公文)."
        )
        results.add_argument("subject", metavar="YEAR", help="e.g. 2024")
        _common(results)
        briefing = kinds.add_parser("briefing", help="The briefing report for a year or a period.")
        briefing.add_argument(
            "subject",
            metavar="YEAR|FROM..TO",
            help="e.g. 2024, or 2024-01-01..2024-06-30 for a period",
        )
        briefing.add_argument("--lang", choices=["zh-hans", "zh", "en"], default="zh-hans")
        _common(briefing)

    def _progress(self, steps_done: int, steps_total: int, step: str) -> None:
        sys.stderr.write(f"[{steps_done}/{steps_total}] {step}\n")

    def handle(self, *args: Any, **options: Any) -> None:
        language = options.get("lang", "zh-hans")
        language = "zh-hans" if language in {"zh", "zh-hans"} else "en"
        as_of: datetime.date = options["as_of"] or timezone.localdate()
        with translation.override(language), domain_errors_as_command_errors():
            built = builders.build(
                kind=KINDS[options["kind"]],
                subject_key=options["subject"],
                file_format=DocumentFormat(options["file_format"]),
                language=language,
                as_of=as_of,
                progress=self._progress,
            )
        output: Path = options["output"] or Path(built.filename)
        try:
            output.write_bytes(built.content)
        except OSError as error:
            raise CommandError(f"[cannot_write] {output}: {error.strerror}") from error
        for note in built.notes:
            self.stderr.write(f"note: {note}")
        self.stdout.write(
            f"wrote {output} ({len(built.content):,} bytes, data as of {built.as_of})"
        )
