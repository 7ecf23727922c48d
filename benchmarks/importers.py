"""Benchmark of the statistics importer and the candidate importer (issue 19): each dry run on a
generated file of realistic size, in a fresh process that reports its time and peak memory,
against openpyxl alone reading every cell of the same file in a fresh process (the baseline the
list import's case uses, ``benchmarks/__main__.py``).

- **Statistics**: ``ROWS`` rows in the long layout (indicator, subject, year, value), the
  database's annual indicators for each of its zones, year after year down from 2100, checked by
  ``statistics_file.check_file`` for a release no observation has yet (a year's release at
  national scale: 2,700 zones x 8 indicators is about 20,000 rows). It only reads, so it runs on a
  read-only set too.
- **Candidates**: a national selection round's file, 2,334 zones x 30 sub-indicators in the wide
  layout (``benchmarks/round_scoring.py`` writes the round and its zones, in a transaction the
  child process rolls back), checked by ``plan_candidate_import``. The round is written before the
  peak is reset (``/proc/self/clear_refs``), so the peak is the dry run's.

``DATABASE_URL=… .venv/bin/python -m benchmarks.importers`` on any migrated database holding
indicators and zones (the demo, a generated set); ``make bench`` and ``make bench-scale`` run it.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = 20_000
TARGET = 3.0
MEMORY_MB = 200

RAW_READ = """
from openpyxl import load_workbook
book = load_workbook(PATH, read_only=True)
for cells in book.worksheets[0].iter_rows(values_only=True):
    for _cell in cells:
        pass
book.close()
"""

_MEASURED = """
import time
{setup}
try:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # the peak so far (Django, the setup) is not the dry run's
except OSError:
    pass
started = time.perf_counter()
{body}
seconds = time.perf_counter() - started
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
print(seconds, peak / 1024)
{teardown}
"""

DJANGO_SETUP = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
"""

_STATISTICS = """
import datetime
from devolve.indicators.statistics_file import check_file
with open(PATH, "rb") as upload:
    checked = check_file(upload=upload, name="bench.xlsx", vintage=datetime.date(2099, 12, 31))
assert checked.is_valid and len(checked.rows) == ROWS, checked.errors[:3]
"""

_CANDIDATE_SETUP = """
import numpy as np
from django.db import transaction
from benchmarks import round_scoring
atomic = transaction.atomic()
atomic.__enter__()
generator = np.random.default_rng(19)
prefecture_of = np.sort(generator.integers(0, 21, round_scoring.CANDIDATES))
selection_round = round_scoring._write_round(None, prefecture_of, with_values=False)
from devolve.selection.candidate_import import plan_candidate_import
"""

_CANDIDATES = """
with open(PATH, "rb") as upload:
    plan = plan_candidate_import(selection_round=selection_round, upload=upload)
assert plan.is_valid and len(plan.values) == VALUES, plan.errors[:3]
"""

_CANDIDATE_TEARDOWN = """
transaction.set_rollback(True)
atomic.__exit__(None, None, None)
"""


def measure(
    body: str, *, setup: str = "", teardown: str = "", **names: object
) -> tuple[float, float]:
    """Seconds and peak resident megabytes of ``body`` run in a fresh interpreter after
    ``setup``; each NAME in the code is replaced by the value's ``repr``."""
    code = _MEASURED.format(setup=setup, body=body, teardown=teardown)
    for name, value in names.items():
        code = code.replace(name, repr(value))
    result = subprocess.run(  # noqa: S603 — our interpreter on our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"the measured run failed:\n{result.stderr[-2000:]}")
    seconds, megabytes = result.stdout.split()[:2]
    return float(seconds), float(megabytes)


def write_statistics_workbook(path: Path, *, rows: int) -> None:
    """``rows`` observations of the database's annual indicators for each of its zones, each
    (indicator, zone, year) once, years counting down from 2100."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    from devolve.indicators.models import Indicator
    from devolve.regions.models import Zone

    indicators = list(
        Indicator.objects.filter(frequency=Indicator.Frequency.YEAR)
        .order_by("code")
        .values_list("code", flat=True)
    )
    zones = list(Zone.objects.order_by("slug").values_list("slug", flat=True))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["基准统计数据"])
    sheet.append(["指标", "地区", "年份", "数值"])
    written, year = 0, 2100
    while written < rows:
        for code in indicators:
            for slug in zones:
                if written == rows:
                    break
                sheet.append([code, slug, year, round(1000 + (written % 977) * 1.37, 2)])
                written += 1
        year -= 1
    book.save(path)


def write_candidate_workbook(path: Path) -> int:
    """A national round's candidate file in the wide layout; how many values it holds."""
    import numpy as np
    from openpyxl import Workbook

    from benchmarks import round_scoring

    indicators = [
        f"c{criterion}i{indicator}"
        for criterion in range(round_scoring.CRITERIA)
        for indicator in range(round_scoring.INDICATORS_PER_CRITERION)
    ]
    values = np.random.default_rng(19).lognormal(size=(round_scoring.CANDIDATES, len(indicators)))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["zone", "year", *indicators])
    for row in range(round_scoring.CANDIDATES):
        zone = f"{round_scoring.ZONE_PREFIX}{row:05d}"
        sheet.append([zone, 2030, *(round(float(value), 4) for value in values[row])])
    book.save(path)
    return round_scoring.CANDIDATES * len(indicators)


def _line(name: str, seconds: float, peak: float, raw: float) -> str:
    return f"{name:<28} {seconds * 1000:8.0f} ms {seconds / raw:6.2f}x  peak {peak:5.0f} MB"


def main(*, writes: bool = True) -> None:
    """Both importers; the candidate one only with ``writes`` (its round is written, then
    rolled back)."""
    directory = Path(tempfile.mkdtemp(prefix="devolve-bench-import-"))
    try:
        statistics = directory / "statistics.xlsx"
        write_statistics_workbook(statistics, rows=ROWS)
        raw, raw_peak = measure(RAW_READ, PATH=str(statistics))
        checked, peak = measure(_STATISTICS, setup=DJANGO_SETUP, PATH=str(statistics), ROWS=ROWS)
        print(f"statistics import, {ROWS:,} rows, each in a fresh process")  # noqa: T201
        print(_line("openpyxl raw read", raw, raw_peak, raw))  # noqa: T201
        print(  # noqa: T201
            _line("dry run (check_file)", checked, peak, raw)
            + f"   target <= {TARGET:.0f}x, < {MEMORY_MB} MB"
        )
        if not writes:
            print("candidate import: skipped, the database is read-only")  # noqa: T201
            return
        candidates = directory / "candidates.xlsx"
        values = write_candidate_workbook(candidates)
        raw, raw_peak = measure(RAW_READ, PATH=str(candidates))
        planned, peak = measure(
            _CANDIDATES,
            setup=DJANGO_SETUP + _CANDIDATE_SETUP,
            teardown=_CANDIDATE_TEARDOWN,
            PATH=str(candidates),
            VALUES=values,
        )
        print(f"candidate import, {values:,} values (wide), each in a fresh process")  # noqa: T201
        print(_line("openpyxl raw read", raw, raw_peak, raw))  # noqa: T201
        print(  # noqa: T201
            _line("dry run (plan)", planned, peak, raw)
            + f"   target <= {TARGET:.0f}x, < {MEMORY_MB} MB"
        )
    finally:
        for file in directory.iterdir():
            file.unlink()
        directory.rmdir()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from benchmarks.pages import is_read_only

    main(writes=not is_read_only())
