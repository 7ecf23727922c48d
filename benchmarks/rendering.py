"""Benchmark of the two places the project draws markup in Python instead of through Django's
templates (issue 19): a table's rows (``core.lists.render_rows``) and select boxes
(``core.forms.LanguageMarkingRenderer``, which also writes inputs and text areas).

Each line compares the Python drawing with the template drawing of the same markup, CPU time,
best of three, in the same run; the tests in ``devolve/core/tests`` prove the markup is equal,
this shows what it saves. Targets: rows at most half the template loop's time, a 352-option
select box (the national prefecture filter) at most a third of the templates'.

Run inside ``make bench`` (``benchmarks/__main__.py`` sets up Django), or alone:
``.venv/bin/python -m benchmarks.rendering``.
"""

import time
from collections.abc import Callable

ROWS_TARGET = 0.5
OPTIONS_TARGET = 1 / 3


def _best_cpu(action: Callable[[], object], *, repeat: int = 3) -> float:
    action()
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        action()
        best = min(best, time.process_time() - started)
    return best


def _line(name: str, python: float, templates: float, target: float) -> None:
    ratio = python / templates
    verdict = "ok" if ratio <= target else f"over target {target:.2f}"
    print(  # noqa: T201
        f"{name:<34} {python * 1000:8.2f} ms vs {templates * 1000:8.2f} ms {ratio:6.2f}x  {verdict}"
    )


def main() -> None:
    from django import forms
    from django.forms.renderers import BaseRenderer, DjangoTemplates
    from django.utils import translation

    from devolve.core.forms import LanguageMarkingRenderer
    from devolve.core.testing.table_rows import ROWS, Everything, looped, written

    print("Markup drawn in Python against Django's templates (CPU, best of three)")  # noqa: T201
    table = Everything(ROWS * 50)
    widget = forms.Select(choices=[(str(code), f"Prefecture {code}") for code in range(352)])

    def select(renderer: BaseRenderer) -> Callable[[], object]:
        return lambda: widget.render("prefecture", "7", attrs={"id": "p"}, renderer=renderer)

    with translation.override("en"):
        _line(
            "table rows (200)",
            _best_cpu(lambda: written(table)),
            _best_cpu(lambda: looped(table)),
            ROWS_TARGET,
        )
        _line(
            "select box (352 options)",
            _best_cpu(select(LanguageMarkingRenderer())),
            _best_cpu(select(DjangoTemplates())),
            OPTIONS_TARGET,
        )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    main()
