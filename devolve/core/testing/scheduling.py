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

A module needs the whole demo when it names ``full_demo``, or imports from a test module that
does (the API matrix and the API fuzz take the authorization matrix's seeded fixture). A module
seeds a day of its own when it calls ``seeded_demo`` with ``with_lists=True``. A module drives a
browser when it marks its tests ``pytest.mark.browser``.
"""

import ast
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

_BUILDER = "full_demo"
_OWN_SEED = "seeded_demo"
_BROWSER_MARK = "pytest.mark.browser"


class DemoBuiltAlongsideScheduling(LoadScopeScheduling):
    """``loadscope`` with the demo seeds started first, on both workers."""

    workqueue: "OrderedDict[str, dict[str, bool]]"
    _ordered = False

    def _split_scope(self, nodeid: str) -> str:
        scope: str = super()._split_scope(nodeid)
        module = self.config.rootpath / nodeid.split("::", 1)[0]
        if _module_seeds_its_own_day(module) and nodeid.endswith("]") and "[" in nodeid:
            return f"{scope}::[{nodeid.rsplit('[', 1)[1]}"
        return scope

    def _assign_work_unit(self, node: Any) -> None:
        # Called first by ``schedule()`` right after it has built the queue, largest first.
        if not self._ordered:
            self.workqueue = _seeds_first(self.workqueue, self.config.rootpath)
            self._ordered = True
        super()._assign_work_unit(node)


def _seeds_first(
    queue: "OrderedDict[str, dict[str, bool]]", root: Path
) -> "OrderedDict[str, dict[str, bool]]":
    """The whole demo's builder, then the units that seed a day of their own, then the other
    heavy units, then the rest, each group in the queue's order (the first two units go one to
    each worker, the next to whichever runs short first)."""
    scopes = list(queue)
    builders = [scope for scope in scopes if _needs_demo(root, scope)][:1]
    own_days = [scope for scope in scopes if _seeds_its_own_day(root, scope)]
    first = [*builders, *own_days]
    heavy = [scope for scope in scopes if scope not in first and _is_heavy(root, scope)]
    light = [scope for scope in scopes if scope not in first and scope not in heavy]
    return OrderedDict((scope, queue[scope]) for scope in [*first, *heavy, *light])


def _module_path(root: Path, scope: str) -> Path:
    return root / scope.split("::", 1)[0]


def _needs_demo(root: Path, scope: str) -> bool:
    return _module_needs_demo(_module_path(root, scope))


def _seeds_its_own_day(root: Path, scope: str) -> bool:
    return _module_seeds_its_own_day(_module_path(root, scope))


def _is_heavy(root: Path, scope: str) -> bool:
    """Whether the unit's tests take seconds each: it needs the whole demo or drives a browser."""
    path = _module_path(root, scope)
    return _module_needs_demo(path) or _module_drives_a_browser(path)


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
