"""The order ``--dist loadscope`` hands the suite's modules to the workers
(``devolve.core.testing.scheduling``), checked on the suite's own modules."""

from collections import OrderedDict
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings

from devolve.core.testing.scheduling import (
    DemoBuiltAlongsideScheduling,
    _module_drives_a_browser,
    _module_needs_demo,
    _module_seeds_its_own_day,
    _seeds_first,
)

ROOT = Path(settings.BASE_DIR)
LATER_DAYS = "devolve/demo/tests/test_seed_later_days.py"
EARLY = "devolve/demo/tests/test_seed_early_in_a_year.py"
MATRIX = "tests/scenarios/test_authorization_matrix.py"
WALK = "tests/browser/test_public_walk.py"


def test_modules_that_seed_a_day_of_their_own_are_found_by_their_call() -> None:
    assert _module_seeds_its_own_day(ROOT / LATER_DAYS)
    assert _module_seeds_its_own_day(ROOT / EARLY)
    # The registry and catalogue alone (with_users=False) are no seed of a whole day.
    assert not _module_seeds_its_own_day(ROOT / "devolve/regions/tests/test_api.py")
    # It restores the whole demo instead; a fixture merely named seeded_demo is no call.
    assert not _module_seeds_its_own_day(ROOT / "tests/scenarios/test_one_language.py")
    assert _module_needs_demo(ROOT / "tests/scenarios/test_one_language.py")


def test_modules_that_drive_a_browser_are_found_by_their_mark() -> None:
    assert _module_drives_a_browser(ROOT / WALK)
    assert not _module_drives_a_browser(ROOT / "devolve/core/tests/test_history.py")
    # The browser fixtures themselves are no module of tests.
    assert not _module_drives_a_browser(ROOT / "tests/browser")


def test_the_seeds_go_first_then_the_heavy_modules_and_the_rest_keep_their_order() -> None:
    queue = OrderedDict(
        (scope, {f"{scope}::test": False})
        for scope in [
            "devolve/core/tests/test_history.py",
            MATRIX,
            "devolve/core/tests/test_transitions.py",
            "tests/scenarios/test_one_language.py",
            f"{LATER_DAYS}::[2027-03-01]",
            "devolve/core/tests/test_snapshots.py",
            f"{LATER_DAYS}::[2030-06-01]",
            WALK,
            EARLY,
        ]
    )

    ordered = _seeds_first(queue, ROOT)

    assert list(ordered) == [
        MATRIX,
        f"{LATER_DAYS}::[2027-03-01]",
        f"{LATER_DAYS}::[2030-06-01]",
        EARLY,
        # A crawl of the whole demo and a browser walk: few tests, of seconds each.
        "tests/scenarios/test_one_language.py",
        WALK,
        "devolve/core/tests/test_history.py",
        "devolve/core/tests/test_transitions.py",
        "devolve/core/tests/test_snapshots.py",
    ]
    assert all(ordered[scope] is queue[scope] for scope in queue)


def test_a_module_that_seeds_one_day_per_parameter_is_one_unit_per_day() -> None:
    scheduler = object.__new__(DemoBuiltAlongsideScheduling)
    scheduler.config = SimpleNamespace(rootpath=ROOT)

    assert scheduler._split_scope(f"{LATER_DAYS}::test_a[2027-03-01]") == (
        f"{LATER_DAYS}::[2027-03-01]"
    )
    assert scheduler._split_scope(f"{LATER_DAYS}::test_b[2027-03-01]") == (
        f"{LATER_DAYS}::[2027-03-01]"
    )
    assert scheduler._split_scope(f"{EARLY}::test_a") == EARLY
    # Parameters of other modules seed nothing of their own: the module stays one unit.
    assert scheduler._split_scope(f"{MATRIX}::test_a[office]") == MATRIX
