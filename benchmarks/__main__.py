"""Benchmarks of the pages and queries the public hits most, and of the list import.

Baseline: the sign-in page through the same test client (a plain form page: roughly the cost
of the request cycle itself). Each benchmark prints its median time and its ratio to that
baseline, so a slow machine slows both and the ratio stays comparable. Runs on a throwaway
SQLite database.

The list import has its own baseline: openpyxl alone reading every cell of a generated
10,000-row workbook (read-only mode). The full validated dry run of the same workbook should
take at most 3x that (issue 3); applying it (bulk inserts in one transaction) is shown for
information.
"""

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

LIST_IMPORT_ROWS = 10_000
LIST_IMPORT_TARGET = 3.0


def median_seconds(action: Callable[[], object], *, repeat: int) -> float:
    action()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="devolve-bench-")
    os.environ["DEVOLVE_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from devolve.demo.seed import seed
    from devolve.regions.selectors import get_programme_shape

    setup_test_environment()
    call_command("migrate", verbosity=0)
    seed(with_users=False)
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
    bench_list_import(Path(data_dir) / "list.xlsx")
    # The analytics benchmarks need no Django; each measures its own baseline in the same run.
    from benchmarks.did import main as bench_did
    from benchmarks.selection import main as bench_selection

    print()  # noqa: T201
    bench_did()
    print()  # noqa: T201
    bench_selection()


def write_list_workbook(path: Path, *, rows: int) -> None:
    """A list in the official layout over the seeded batch 1, its areas and departments: two
    powers (delegated, entrusted) for each support matter, every fifth row for a subset of areas.
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]

    from devolve.matters.list_workbook import ALL_AREAS, COLUMNS
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
        sheet.append(
            [
                number,
                f"基准事项{number:05d}",
                "" if is_support else f"BENCH{number:09d}",
                "" if is_support else "行政许可",
                departments[number % len(departments)],
                "" if is_support else "《中华人民共和国行政许可法》第十五条",
                "支持事项" if is_support else ("下放", "委托")[number % 2],
                "、".join(areas[number % 3 : number % 3 + 2]) if number % 5 == 0 else ALL_AREAS,
                departments[(number + 1) % len(departments)] if number % 4 == 0 else "",
                "具备承接条件" if number % 2 else "",
                "",
            ]
        )
    book.save(path)


def bench_list_import(path: Path) -> None:
    from openpyxl import load_workbook

    from devolve.matters.list_import import plan_list_import
    from devolve.matters.services import create_annual_list, import_list_workbook
    from devolve.regions.selectors import get_batch

    batch = get_batch(number=1)
    assert batch is not None  # noqa: S101 — the seed creates batch 1
    draft = create_annual_list(year=2030, batch=batch, created_by=None)
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
        import_list_workbook(annual_list=draft, workbook=workbook, imported_by=None)
    applied = time.perf_counter() - started
    rate = LIST_IMPORT_ROWS / checked
    print(f"list import, {LIST_IMPORT_ROWS:,} rows (baseline: openpyxl read)")  # noqa: T201
    print(f"{'openpyxl raw read':<28} {raw * 1000:8.0f} ms   1.00x")  # noqa: T201
    print(  # noqa: T201
        f"{'validated dry run':<28} {checked * 1000:8.0f} ms {checked / raw:6.2f}x"
        f"   target <= {LIST_IMPORT_TARGET:.0f}x, {rate:,.0f} rows/s"
    )
    print(f"{'apply (bulk, one transaction)':<28} {applied * 1000:8.0f} ms {applied / raw:6.2f}x")  # noqa: T201


if __name__ == "__main__":
    main()
