from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.matters.list_export import ExportFormat, export_annual_list
from devolve.matters.selectors import get_annual_list_by_key


class Command(BaseCommand):
    help = "Export an edition in the official list layout as .xlsx, CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("list_key", help="The edition, e.g. 2024/batch-1 or 2024/batch-1/e2.")
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=[choice.value for choice in ExportFormat],
            default=ExportFormat.XLSX.value,
        )
        parser.add_argument(
            "-o", "--output", type=Path, default=None, help="Default: e.g. ./2024-batch-1.xlsx"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        annual_list = get_annual_list_by_key(key=options["list_key"])
        if annual_list is None:
            raise CommandError(f"[unknown_list] no edition {options['list_key']!r}")
        exported = export_annual_list(
            annual_list=annual_list, file_format=ExportFormat(options["file_format"])
        )
        output: Path = options["output"] or Path(exported.filename)
        output.write_bytes(exported.content)
        self.stdout.write(f"wrote {output} ({len(exported.content):,} bytes)")
