"""`devolve backup FILE`: the whole database to one file (docs/how-to/back-up-and-restore.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.backup import BackupError, backup_database


class Command(BaseCommand):
    help = "Back up the whole database to FILE (pg_dump custom format, or an SQLite file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = backup_database(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {written} ({written.stat().st_size} bytes).")
