"""The demo for tests: ``seeded_demo(...)`` takes the same options as ``seed`` and gives the same
database, restored from a snapshot when one was built before (``core.testing.snapshots``).

The snapshot's key holds the options and today's date, so a test that freezes the date (or
passes ``as_of``) never gets a demo seeded for another day.

Building the whole demo takes a minute or more, once per distinct set of options: a test that
needs the whole demo calls ``full_demo()``, the demo with its logins on ``DEMO_DAY``, so that one
snapshot serves every such module in every worker. A test about another day of the programme
seeds that day itself and says why.
"""

import datetime
from typing import Any

from django.utils import timezone

from devolve.core.testing.snapshots import restore_or_build
from devolve.demo.seed import SeedReport, seed

# The day the tests see the whole demo on: both batches have grants, the current reporting cycle
# is open, and the performance scores of 2023 to 2025 are published.
DEMO_DAY = datetime.date(2026, 12, 6)
FULL_DEMO_OPTIONS: dict[str, Any] = {"with_users": True, "with_lists": True, "as_of": DEMO_DAY}


def seeded_demo(**options: Any) -> SeedReport:
    key = "-".join(f"{name}={options[name]}" for name in sorted(options))
    name = f"demo-{key}-today={timezone.localdate().isoformat()}"
    return restore_or_build(name, lambda: seed(**options))


def full_demo() -> SeedReport:
    """The whole demo, with its logins, as it stood on ``DEMO_DAY``."""
    return seeded_demo(**FULL_DEMO_OPTIONS)
