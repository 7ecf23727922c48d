"""Benchmarks of the pages and queries the public hits most, and of the list import.

Baseline: the sign-in page through the same test client (a plain form page: roughly the cost
of the request cycle itself). Each benchmark prints its median time and its ratio to that
baseline, so a slow machine slows both and the ratio stays comparable. Runs on a throwaway
SQLite database.

The list import has its own baseline: openpyxl alone reading every cell of a generated
10,000-row workbook (read-only mode). The full validated dry run of the same workbook should
take at most 3x that (issue 3); applying it (bulk inserts in one transaction) is shown for
information. Then a 100,000-row workbook: openpyxl's raw read and the dry run (guarded reader,
streamed rows, bounded plan) each run in a fresh process that reports its time and peak memory
(VmHWM); the dry run should stay within 3x the raw read and under 200 MB (issue 19).

Then markup drawn in Python (table rows, select boxes) against Django's templates for the
same markup (``benchmarks/rendering.py``).

Then every page and API endpoint issue 19 lists, on the demo plus a small set from
``devolve generate_scale`` (``benchmarks/pages.py``): p50, p95, SQL queries per request and the
ratio to the sign-in page. ``make bench-scale`` runs the same cases against a database holding a
national-scale set (``SCALE_DATABASE_URL``; docs/how-to/measure-at-scale.md).

Last, scoring a national-size selection round (2,334 candidates x 30 indicators) through the
service against the same maths on arrays (``benchmarks/round_scoring.py``, target under 5 s).
"""

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.database import throwaway_seeded_database

LIST_IMPORT_ROWS = 10_000
LIST_IMPORT_TARGET = 3.0
LARGE_LIST_ROWS = 100_000
LARGE_LIST_MEMORY_MB = 200


def median_seconds(action: Callable[[], object], *, repeat: int) -> float:
    action()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    data_dir = throwaway_seeded_database()
    from django.test import Client
    from django.utils import timezone

    from devolve.regions.selectors import get_programme_shape

    client = Client()
    baseline = median_seconds(lambda: client.get("/accounts/login/"), repeat=50)
    cases: dict[str, Callable[[], object]] = {
        "overview page": lambda: client.get("/en/"),
        "pilot area list": lambda: client.get("/en/pilot-areas/?batch=2"),
        "pilot areas API": lambda: client.get("/api/v1/pilot-areas/"),
        "programme shape": lambda: get_programme_shape(on=timezone.localdate()),
    }
    print(f"{'baseline (sign-in page)':<28} {baseline * 1000:8.2f} ms   1.00x")  # noqa: T201
    for name, action in cases.items():
        seconds = median_seconds(action, repeat=50)
        print(f"{name:<28} {seconds * 1000:8.2f} ms {seconds / baseline:6.2f}x")  # noqa: T201
    bench_list_import(data_dir / "list.xlsx")
    from benchmarks.importers import main as bench_importers

    print()  # noqa: T201
    bench_importers()
    from benchmarks.search import main as bench_search

    print()  # noqa: T201
    bench_search()
    from benchmarks.rendering import main as bench_rendering

    print()  # noqa: T201
    bench_rendering()
    from benchmarks.pages import generate_small
    from benchmarks.pages import run as bench_pages

    print()  # noqa: T201
    generate_small()
    bench_pages(repeat=20, label="the demo plus a small generated set")
    # The analytics benchmarks need no Django; each measures its own baseline in the same run.
    from benchmarks.did import main as bench_did
    from benchmarks.selection import main as bench_selection

    print()  # noqa: T201
    bench_did()
    print()  # noqa: T201
    bench_selection()
    from benchmarks.round_scoring import main as bench_round_scoring

    print()  # noqa: T201
    bench_round_scoring()


def write_list_workbook(path: Path, *, rows: int) -> None:
    """A list in the official layout over the seeded batch 1, its areas and departments: two
    powers (delegated, entrusted) for each support matter, every fifth row for a subset of areas.
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]

    from devolve.matters.list_workbook import ALL_AREAS, COLUMNS, ColumnKey
    from devolve.matters.models import Department
    from devolve.regions.selectors import get_batch, list_memberships

    batch = get_batch(number=1)
    departments = [department.name_zh for department in Department.objects.order_by("code")]
    areas = [membership.zone.name_zh for membership in list_memberships(batch=batch)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["2030年第1批集成授权事项清单（基准）"])
    sheet.append([column.header for column in COLUMNS])
    for number in range(1, rows + 1):
        is_support = number % 3 == 0
        department = departments[number % len(departments)]
        values = {
            ColumnKey.SEQUENCE: number,
            ColumnKey.MATTER_NAME: f"基准事项{number:06d}",
            ColumnKey.MATTER_CODE: "" if is_support else f"BENCH{number:09d}",
            ColumnKey.MATTER_TYPE: "" if is_support else "行政许可",
            ColumnKey.DEPARTMENT: department,
            ColumnKey.GRANTING_DEPARTMENT: department,
            ColumnKey.LEGAL_BASIS: "" if is_support else "《中华人民共和国行政许可法》第十五条",
            ColumnKey.MODE: "支持事项" if is_support else ("下放", "委托")[number % 2],
            ColumnKey.RECEIVING_AREAS: "、".join(areas[number % 3 : number % 3 + 2])
            if number % 5 == 0
            else ALL_AREAS,
            ColumnKey.SUPERVISING_DEPARTMENT: departments[(number + 1) % len(departments)]
            if number % 4 == 0
            else "",
            ColumnKey.CONDITIONS: "具备承接条件" if number % 2 else "",
            ColumnKey.NOTES: "",
            ColumnKey.EFFECTIVE_ON: "",
            ColumnKey.ENDS_ON: "",
        }
        sheet.append([values[column.key] for column in COLUMNS])
    book.save(path)


def bench_list_import(path: Path) -> None:
    from openpyxl import load_workbook

    from devolve.core.actors import SYSTEM
    from devolve.matters.list_import import plan_list_import
    from devolve.matters.services import create_annual_list, import_list_workbook
    from devolve.regions.selectors import get_batch

    batch = get_batch(number=1)
    assert batch is not None  # noqa: S101 — the seed creates batch 1
    draft = create_annual_list(year=2030, batch=batch, created_by=SYSTEM)
    write_list_workbook(path, rows=LIST_IMPORT_ROWS)

    def raw_read() -> None:
        book = load_workbook(path, read_only=True)
        for cells in book.worksheets[0].iter_rows(values_only=True):
            for _cell in cells:
                pass
        book.close()

    def dry_run() -> None:
        with path.open("rb") as workbook:
            plan = plan_list_import(annual_list=draft, workbook=workbook)
        if not plan.is_valid or plan.counts["add"] != LIST_IMPORT_ROWS:
            raise RuntimeError(f"the benchmark workbook does not import: {plan.errors[:3]}")

    raw = median_seconds(raw_read, repeat=3)
    checked = median_seconds(dry_run, repeat=3)
    started = time.perf_counter()
    with path.open("rb") as workbook:
        import_list_workbook(annual_list=draft, workbook=workbook, imported_by=SYSTEM)
    applied = time.perf_counter() - started
    rate = LIST_IMPORT_ROWS / checked
    print(f"list import, {LIST_IMPORT_ROWS:,} rows (baseline: openpyxl read)")  # noqa: T201
    print(f"{'openpyxl raw read':<28} {raw * 1000:8.0f} ms   1.00x")  # noqa: T201
    print(  # noqa: T201
        f"{'validated dry run':<28} {checked * 1000:8.0f} ms {checked / raw:6.2f}x"
        f"   target <= {LIST_IMPORT_TARGET:.0f}x, {rate:,.0f} rows/s"
    )
    print(f"{'apply (bulk, one transaction)':<28} {applied * 1000:8.0f} ms {applied / raw:6.2f}x")  # noqa: T201
    bench_large_list_import(path.with_name("large-list.xlsx"))


_DRY_RUN = """
from devolve.matters.list_import import plan_list_import
from devolve.matters.models import AnnualList
draft = AnnualList.objects.get(pk=DRAFT)
with open(PATH, "rb") as workbook:
    plan = plan_list_import(annual_list=draft, workbook=workbook, keep_rows=False)
assert plan.is_valid and plan.counts["add"] == ROWS, plan.errors[:3]
"""


def bench_large_list_import(path: Path) -> None:
    from devolve.core.actors import SYSTEM
    from devolve.matters.services import create_annual_list
    from devolve.regions.selectors import get_batch

    batch = get_batch(number=1)
    assert batch is not None  # noqa: S101 — the seed creates batch 1
    draft = create_annual_list(year=2031, batch=batch, created_by=SYSTEM)
    write_list_workbook(path, rows=LARGE_LIST_ROWS)
    from benchmarks.importers import DJANGO_SETUP, RAW_READ, measure

    raw, raw_peak = measure(RAW_READ, PATH=str(path))
    checked, peak = measure(
        _DRY_RUN, setup=DJANGO_SETUP, PATH=str(path), DRAFT=draft.pk, ROWS=LARGE_LIST_ROWS
    )
    print(f"list import, {LARGE_LIST_ROWS:,} rows, each in a fresh process")  # noqa: T201
    print(f"{'openpyxl raw read':<28} {raw * 1000:8.0f} ms   1.00x  peak {raw_peak:5.0f} MB")  # noqa: T201
    print(  # noqa: T201
        f"{'dry run (bounded plan)':<28} {checked * 1000:8.0f} ms {checked / raw:6.2f}x"
        f"  peak {peak:5.0f} MB   target <= {LIST_IMPORT_TARGET:.0f}x, < {LARGE_LIST_MEMORY_MB} MB"
    )


if __name__ == "__main__":
    main()
