"""Rewrites the generated blocks of docs/architecture.md from the code, or checks them."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.architecture import missing_blocks, regenerate


class Command(BaseCommand):
    help = "Rewrite the generated parts of docs/architecture.md; --check fails when they are stale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="change nothing; exit 1 if the page is stale"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "architecture.md"
        text = path.read_text(encoding="utf-8")
        missing = missing_blocks(text)
        if missing:
            raise CommandError(f"{path} lacks the generated blocks {', '.join(missing)}")
        updated = regenerate(text)
        if updated == text:
            self.stdout.write(f"{path.name} is up to date")
            return
        if options["check"]:
            raise CommandError(
                f"{path} no longer matches the code: run "
                "'.venv/bin/devolve document_architecture' and commit the result."
            )
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(f"{path.name} rewritten")
