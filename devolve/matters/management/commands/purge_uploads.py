from typing import Any

from django.core.management.base import BaseCommand

from devolve.core.commands import one_node_at_a_time
from devolve.matters.services.list_imports import purge_list_import_uploads


class Command(BaseCommand):
    help = (
        "Delete stored list workbooks that are no longer kept: refused imports' at once, applied "
        "imports' after DEVOLVE_UPLOAD_RETENTION_DAYS. Run daily; safe on every node (one runs "
        "at a time)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with one_node_at_a_time("purge_uploads") as mine:
            if not mine:
                self.stdout.write("purge_uploads is running on another node; nothing done")
                return
            deleted = purge_list_import_uploads()
        self.stdout.write(f"deleted {deleted} stored workbook(s)")
