"""The order pytest-xdist hands test modules to the workers (``--dist loadscope``).

xdist's ``loadscope`` sends the modules with the most tests first. The costliest work of a run,
though, is seeding whole demos, and the number of tests does not show it: the whole demo
(``devolve.demo.testing.full_demo``), built once and restored by every module that needs it,
and the demos of other days that a module seeds for itself (``seeded_demo(..., with_lists=True)``
with an ``as_of`` of its own; each is a seed of about the same cost). Left to ``loadscope``, a
module of one or six tests that seeds a day of its own ran last, alone, while the other worker
sat idle; and both workers started on a module that needs the whole demo, so one built it while
the other waited on the snapshot's lock.

Here the first worker starts on the largest module that needs the whole demo (it builds the
snapshot) and the other on a unit that seeds a day of its own; the remaining own-day units go
to whichever worker runs short first (xdist sends a worker its next unit when fewer than two of
its tests are left). By the time a worker reaches a module that needs the whole demo, it is
built and restored in a second, and no seed is left for the end of the run.

Then come the other heavy modules, largest first: those that need the whole demo (they crawl
every page or route of it, a few tests of tens of seconds each) and those that drive a browser.
Counted by their tests they are small, so ``loadscope`` handed them out last, and the run ended
with one worker on a crawl or a browser walk while the other sat idle. Last come the rest,
largest first, as xdist does: tenths of a second a test, they fill in the end of the run evenly.

A module that seeds one day per parameter of a module-scoped fixture (``params=DAYS``) is split
into one unit per parameter, so that its days are seeded on both workers at once.

Modules that share work kept for the session (a cache of pages that one module fills and another
reads, ``tests/scenarios/site_crawl.py``) share it only on the same worker: ``loadscope`` would
hand them to whichever worker runs short, and each worker would do the work again. A module
marked ``pytestmark = pytest.mark.xdist_group("name")`` (pytest-xdist's own mark, which its
``loadgroup`` reads per test) goes in one unit with every other module marked with the same
name; the unit is heavy, a seed or the demo's builder when one of its modules is.

A module needs the whole demo when it names ``full_demo``, or imports from a test module that
does (the API matrix and the API fuzz take the authorization matrix's seeded fixture). A module
seeds a day of its own when it calls ``seeded_demo`` with ``with_lists=True``. A module drives a
browser when it marks its tests ``pytest.mark.browser``.
"""

import ast
from collections import OrderedDict
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

_BUILDER = "full_demo"
_OWN_SEED = "seeded_demo"
_BROWSER_MARK = "pytest.mark.browser"
_GROUP_MARK = "xdist_group"


class DemoBuiltAlongsideScheduling(LoadScopeScheduling):
    """``loadscope`` with the demo seeds started first, on both workers."""

    workqueue: "OrderedDict[str, dict[str, bool]]"
    _ordered = False

    def __init__(self, config: pytest.Config, log: Any | None = None) -> None:
        super().__init__(config, log)
        # The modules of each group's unit (``@name``), as ``_split_scope`` finds them.
        self.groups: dict[str, set[Path]] = {}

    def _split_scope(self, nodeid: str) -> str:
        scope: str = super()._split_scope(nodeid)
        module = self.config.rootpath / nodeid.split("::", 1)[0]
        group = _module_group(module)
        if group is not None:
            unit = f"@{group}"
            self.groups.setdefault(unit, set()).add(module)
            return unit
        if _module_seeds_its_own_day(module) and nodeid.endswith("]") and "[" in nodeid:
            return f"{scope}::[{nodeid.rsplit('[', 1)[1]}"
        return scope

    def _assign_work_unit(self, node: Any) -> None:
        # Called first by ``schedule()`` right after it has built the queue, largest first.
        if not self._ordered:
            self.workqueue = _seeds_first(self.workqueue, self.config.rootpath, self.groups)
            self._ordered = True
        super()._assign_work_unit(node)


def _seeds_first(
    queue: "OrderedDict[str, dict[str, bool]]",
    root: Path,
    groups: Mapping[str, Collection[Path]] | None = None,
) -> "OrderedDict[str, dict[str, bool]]":
    """The whole demo's builder, then the units that seed a day of their own, then the other
    heavy units, then the rest, each group in the queue's order (the first two units go one to
    each worker, the next to whichever runs short first). ``groups`` names the modules of each
    group's unit (``@name``)."""

    def modules(scope: str) -> Collection[Path]:
        return (groups or {}).get(scope) or [root / scope.split("::", 1)[0]]

    def needs_demo(scope: str) -> bool:
        return any(_module_needs_demo(path) for path in modules(scope))

    def seeds_its_own_day(scope: str) -> bool:
        return any(_module_seeds_its_own_day(path) for path in modules(scope))

    def is_heavy(scope: str) -> bool:
        """Whether the unit's tests take seconds each: it needs the whole demo or drives a
        browser."""
        return needs_demo(scope) or any(_module_drives_a_browser(path) for path in modules(scope))

    scopes = list(queue)
    builders = [scope for scope in scopes if needs_demo(scope)][:1]
    own_days = [scope for scope in scopes if seeds_its_own_day(scope)]
    first = [*builders, *own_days]
    heavy = [scope for scope in scopes if scope not in first and is_heavy(scope)]
    light = [scope for scope in scopes if scope not in first and scope not in heavy]
    return OrderedDict((scope, queue[scope]) for scope in [*first, *heavy, *light])


@cache
def _module_group(path: Path) -> str | None:
    """The name the module's ``pytestmark`` gives in ``pytest.mark.xdist_group("name")`` (or
    ``name="name"``), if it gives one."""
    if path.suffix != ".py" or not path.is_file():
        return None
    for node in ast.parse(path.read_text()).body:
        if not (
            isinstance(node, ast.Assign)
            and any(
                isinstance(target, ast.Name) and target.id == "pytestmark"
                for target in node.targets
            )
        ):
            continue
        for call in ast.walk(node.value):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == _GROUP_MARK
            ):
                names = [
                    *call.args,
                    *(keyword.value for keyword in call.keywords if keyword.arg == "name"),
                ]
                if names and isinstance(names[0], ast.Constant) and isinstance(names[0].value, str):
                    return names[0].value
    return None


@cache
def _module_drives_a_browser(path: Path) -> bool:
    return path.suffix == ".py" and path.is_file() and _BROWSER_MARK in path.read_text()


@cache
def _module_needs_demo(path: Path) -> bool:
    if path.suffix != ".py" or not path.is_file():
        return False
    source = path.read_text()
    if _BUILDER in source:
        return True
    root = next(parent for parent in path.parents if not (parent / "__init__.py").is_file())
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and ".tests." in f".{node.module}.":
            imported = root.joinpath(*node.module.split(".")).with_suffix(".py")
            if imported != path and _module_needs_demo(imported):
                return True
    return False


@cache
def _module_seeds_its_own_day(path: Path) -> bool:
    """Whether the module calls ``seeded_demo(..., with_lists=True, ...)``: the lists are what
    make a seed cost as much as the whole demo (the registry and catalogue alone take a
    second)."""
    if path.suffix != ".py" or not path.is_file():
        return False
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == _OWN_SEED
            and any(
                keyword.arg == "with_lists"
                and isinstance(keyword.value, ast.Constant)
                and keyword.value.value is True
                for keyword in node.keywords
            )
        ):
            return True
    return False


def make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    """For the ``pytest_xdist_make_scheduler`` hook: this order for ``--dist loadscope``,
    xdist's own otherwise."""
    if config.getvalue("dist") != "loadscope":
        return None
    return DemoBuiltAlongsideScheduling(config, log)
