"""The growth curve of the pages and API (issue 19): ``benchmarks/pages.py`` on several
databases, one after the other (the demo, 10x the demo, the national set), then one table of p50,
p95, SQL queries and the ratio to the raw SQL returning the same numbers, a column per scale.
The query counts should not grow from one scale to the next.

``.venv/bin/python -m benchmarks.growth [--repeat N] NAME=DATABASE_URL ...``, or
``make bench-growth SCALES="demo=postgres://… 10x=postgres://… national=postgres://…"``
(docs/how-to/measure-at-scale.md says how to generate each set). Each scale runs in a process of
its own, whose own lines are printed as they come.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def measure_scale(url: str, *, repeat: int, only: str = "") -> list[dict[str, Any]]:
    """``benchmarks.pages`` run on the database ``url`` names, in a process of its own."""
    with tempfile.NamedTemporaryFile(suffix=".json") as saved:
        environment = {**os.environ, "DATABASE_URL": url, "DEVOLVE_BENCH_RESULTS": saved.name}
        subprocess.run(  # noqa: S603 — our interpreter on our own code
            [sys.executable, "-m", "benchmarks.pages", str(repeat), only],
            env=environment,
            check=True,
        )
        return list(json.loads(Path(saved.name).read_text() or "[]"))


def table(measured: dict[str, list[dict[str, Any]]]) -> str:
    """One line per case, a column per scale: p50 / p95 ms, queries, p50 over the raw SQL."""
    scales = list(measured)
    names: list[str] = []
    for results in measured.values():
        names += [result["name"] for result in results if result["name"] not in names]
    by_scale = {scale: {row["name"]: row for row in rows} for scale, rows in measured.items()}
    width = 30
    lines = [
        f"{'p50 / p95 ms, SQL, x raw SQL':<32}" + "".join(f"{scale:>{width}}" for scale in scales)
    ]
    for name in names:
        cells = []
        for scale in scales:
            row = by_scale[scale].get(name)
            if row is None:
                cells.append(f"{'—':>{width}}")
                continue
            over = f"{row['p50'] / row['raw']:6.1f}x" if row["raw"] else "     —"
            figures = f"{row['p50'] * 1000:8.1f} /{row['p95'] * 1000:7.1f} {row['queries']:3d}q"
            cells.append(f"{figures} {over}".rjust(width))
        lines.append(f"{name:<32}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="only the cases whose name holds this")
    parser.add_argument("scales", nargs="+", metavar="NAME=DATABASE_URL")
    arguments = parser.parse_args(argv)
    measured: dict[str, list[dict[str, Any]]] = {}
    for scale in arguments.scales:
        name, _, url = scale.partition("=")
        if not url:
            parser.error(f"“{scale}” is not NAME=DATABASE_URL")
        measured[name] = measure_scale(url, repeat=arguments.repeat, only=arguments.only)
    print()  # noqa: T201
    print(f"growth, p50 / p95 over {arguments.repeat} requests")  # noqa: T201
    print(table(measured))  # noqa: T201


if __name__ == "__main__":
    main()
