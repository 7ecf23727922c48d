"""The order pytest-xdist hands test modules to the workers (``--dist loadscope``).

xdist's ``loadscope`` sends the modules with the most tests first, and the largest ones seed
the whole demo (``devolve.demo.testing.full_demo``): both workers started on one, the first
built the demo's snapshot and the other waited for it on the snapshot's lock, idle for as long
as the build took. Here the first worker starts on the largest module that builds the demo and
its next one, and the other on the two largest modules that do not, so the demo is built while
the other worker tests; by the time that worker reaches a module that needs the demo, it is
restored in a second. After those four modules the order is xdist's: largest first.

A module needs the demo when it names ``full_demo``, or imports from a test module that does
(the API matrix and the API fuzz take the authorization matrix's seeded fixture).
"""

import ast
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

_BUILDER = "full_demo"


class DemoBuiltAlongsideScheduling(LoadScopeScheduling):
    """``loadscope`` with the modules that need the whole demo kept apart at the start."""

    workqueue: "OrderedDict[str, dict[str, bool]]"
    _ordered = False

    def _assign_work_unit(self, node: Any) -> None:
        # Called first by ``schedule()`` right after it has built the queue, largest first.
        if not self._ordered:
            self.workqueue = _demo_alongside(self.workqueue, self.config.rootpath)
            self._ordered = True
        super()._assign_work_unit(node)


def _demo_alongside(
    queue: "OrderedDict[str, dict[str, bool]]", root: Path
) -> "OrderedDict[str, dict[str, bool]]":
    scopes = list(queue)
    demo = [scope for scope in scopes if _needs_demo(root, scope)]
    other = [scope for scope in scopes if scope not in demo]
    first = [*demo[:1], *other[:1], *demo[1:2], *other[1:2]]
    order = [*first, *(scope for scope in scopes if scope not in first)]
    return OrderedDict((scope, queue[scope]) for scope in order)


def _needs_demo(root: Path, scope: str) -> bool:
    return _module_needs_demo(root / scope.split("::", 1)[0])


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


def make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    """For the ``pytest_xdist_make_scheduler`` hook: this order for ``--dist loadscope``,
    xdist's own otherwise."""
    if config.getvalue("dist") != "loadscope":
        return None
    return DemoBuiltAlongsideScheduling(config, log)
