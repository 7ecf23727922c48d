"""The order ``--dist loadscope`` hands the suite's modules to the workers
(``devolve.core.testing.scheduling``), checked on the suite's own modules."""

from collections import OrderedDict
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings

from devolve.core.testing.scheduling import (
    DemoBuiltAlongsideScheduling,
    _module_drives_a_browser,
    _module_group,
    _module_needs_demo,
    _module_seeds_its_own_day,
    _seeds_first,
)

ROOT = Path(settings.BASE_DIR)
LATER_DAYS = "devolve/demo/tests/test_seed_later_days.py"
EARLY = "devolve/demo/tests/test_seed_early_in_a_year.py"
MATRIX = "tests/scenarios/test_authorization_matrix.py"
WALK = "tests/browser/test_public_walk.py"
LABELS = "tests/scenarios/test_invented_labels.py"
ONE_LANGUAGE = "tests/scenarios/test_one_language.py"


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
    scheduler = _scheduler()

    assert scheduler._split_scope(f"{LATER_DAYS}::test_a[2027-03-01]") == (
        f"{LATER_DAYS}::[2027-03-01]"
    )
    assert scheduler._split_scope(f"{LATER_DAYS}::test_b[2027-03-01]") == (
        f"{LATER_DAYS}::[2027-03-01]"
    )
    assert scheduler._split_scope(f"{EARLY}::test_a") == EARLY
    # Parameters of other modules seed nothing of their own: the module stays one unit.
    assert scheduler._split_scope(f"{MATRIX}::test_a[office]") == MATRIX


def _scheduler() -> DemoBuiltAlongsideScheduling:
    scheduler = object.__new__(DemoBuiltAlongsideScheduling)
    scheduler.config = SimpleNamespace(rootpath=ROOT)
    scheduler.groups = {}
    return scheduler


def test_the_crawls_that_share_their_pages_are_one_unit() -> None:
    """The two crawls of ``tests/scenarios/site_crawl.py`` render a page once only on one
    worker: marked with one ``xdist_group``, their tests are one unit, on one worker."""
    assert _module_group(ROOT / LABELS) == _module_group(ROOT / ONE_LANGUAGE) == "site_crawl"
    assert _module_group(ROOT / MATRIX) is None
    scheduler = _scheduler()

    units = {
        scheduler._split_scope(f"{LABELS}::test_every_invented_value_is_labelled[office]"),
        scheduler._split_scope(f"{ONE_LANGUAGE}::test_public_pages_are_in_one_language[en]"),
        scheduler._split_scope(f"{ONE_LANGUAGE}::test_staff_pages_are_in_one_language"),
    }

    assert units == {"@site_crawl"}
    assert scheduler.groups == {"@site_crawl": {ROOT / LABELS, ROOT / ONE_LANGUAGE}}
    assert scheduler._split_scope(f"{MATRIX}::test_a[office]") == MATRIX


def test_a_group_is_placed_by_its_modules() -> None:
    """A group's unit needs the whole demo when one of its modules does: it goes with the heavy
    units, or first as the demo's builder."""
    groups = {"@site_crawl": {ROOT / LABELS, ROOT / ONE_LANGUAGE}}
    light = "devolve/core/tests/test_history.py"

    def queue(*scopes: str) -> "OrderedDict[str, dict[str, bool]]":
        return OrderedDict((scope, {f"{scope}::test": False}) for scope in scopes)

    assert list(_seeds_first(queue(light, MATRIX, "@site_crawl", WALK), ROOT, groups)) == [
        MATRIX,
        "@site_crawl",
        WALK,
        light,
    ]
    assert list(_seeds_first(queue(light, "@site_crawl", WALK), ROOT, groups)) == [
        "@site_crawl",
        WALK,
        light,
    ]
