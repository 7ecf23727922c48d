import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from devolve.core.errors import DomainError
from devolve.demo.scale import ScaleOptions, describe, generate_scale

DEFAULTS = ScaleOptions()


class Command(BaseCommand):
    help = (
        "Write a simulated national-scale data set (zones, pilot areas, editions, grants, usage "
        "reports, observations, with history and audit rows) into a migrated database, to "
        "measure pages, API and jobs. Every row is labelled simulated; --seed makes it repeatable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sizes = {
            "provinces": "provinces (GB/T 2260 codes, Sichuan first)",
            "zones": "zones spread over the provinces' prefectures",
            "pilot_areas": "zones that join a batch",
            "departments": "provincial departments granting the matters",
            "entries": "list entries (one matter each) over all editions",
            "grants": "grants wanted; sets how many batches share the pilot areas",
            "usage_rows": "usage lines (one grant in one quarter)",
            "observations": "indicator observations (zones, prefectures, provinces)",
        }
        for name, text in sizes.items():
            default = getattr(DEFAULTS, name)
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                default=default,
                help=f"{text} (default {default:,})",
            )
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed, help="random seed")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULTS.batch_size,
            help=f"rows per insert or COPY (default {DEFAULTS.batch_size:,})",
        )
        parser.add_argument(
            "--orm",
            action="store_true",
            help="write the big tables through the ORM on PostgreSQL too, not by COPY (slower; "
            "the same rows)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = ScaleOptions(
            provinces=options["provinces"],
            zones=options["zones"],
            pilot_areas=options["pilot_areas"],
            departments=options["departments"],
            entries=options["entries"],
            grants=options["grants"],
            usage_rows=options["usage_rows"],
            observations=options["observations"],
            seed=options["seed"],
            batch_size=options["batch_size"],
        )
        shown: dict[str, float] = {}
        first: dict[str, tuple[float, int]] = {}
        started = time.perf_counter()

        def progress(label: str, done: int, total: int) -> None:
            # Progress goes to stderr, as every command's does: a line per table every two
            # seconds at most, and one when a table is complete, with its rows a second.
            now = time.perf_counter()
            since, before = first.setdefault(label, (now, done))
            if now - shown.get(label, 0.0) < 2 and done != total:
                return
            shown[label] = now
            share = f" / {total:,} ({done / total:.0%})" if total else ""
            rate = f", {(done - before) / (now - since):,.0f} a second" if now > since + 1 else ""
            self.stderr.write(f"[{now - started:7.1f} s] {label}: {done:,}{share}{rate}")

        try:
            report = generate_scale(
                scale, progress=progress, copy=False if options["orm"] else None
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            # Bulk inserts leave the planner without statistics until autovacuum gets round to
            # the tables; measured before then, publishing a 500-entry edition read its
            # predecessor's grants with nested loops over 19 M row pairs (18 s instead of 0.3 s).
            # VACUUM marks the rows visible to every transaction, which index-only scans need
            # (the economy headline's; autovacuum may be off, as on the measuring machine):
            # before it the headline's plan sorted on disk, 0.75 s against 0.2-0.35 s. Not
            # possible inside a transaction (a test's), where the statistics are what matters.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write("Simulated data set written:")
        for line in describe(report):
            self.stdout.write(f"  {line}")
