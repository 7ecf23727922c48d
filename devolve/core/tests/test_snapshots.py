"""Snapshots built from other code are kept while they are in use (another worktree or branch
sharing the cache), and removed once unused for a day; a change to a test module does not build
them again, as no code a seed runs imports one (``devolve.core.testing.snapshots``)."""

import ast
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from devolve.core.testing import snapshots
from devolve.core.testing.template_database import cache_directory


def test_versions_from_other_code_go_only_once_unused_for_a_day(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEVOLVE_TEST_CACHE", str(tmp_path))
    directory = cache_directory()
    vendor = connection.vendor
    built = directory / f"snapshot-demo-{vendor}-aaaa.pickle"
    in_use = directory / f"snapshot-demo-{vendor}-bbbb.pickle"
    unused = directory / f"snapshot-demo-{vendor}-cccc.pickle"
    another_name = directory / f"snapshot-other-{vendor}-dddd.pickle"
    for path in (built, in_use, unused, another_name):
        path.write_bytes(b"")
    long_ago = time.time() - snapshots.UNUSED_FOR_SECONDS - 60
    for path in (unused, another_name):
        os.utime(path, (long_ago, long_ago))

    snapshots._drop_older("demo", keep=built)

    assert sorted(path.name for path in directory.glob("snapshot-*")) == sorted(
        [built.name, in_use.name, another_name.name]
    )


def test_the_fingerprint_covers_the_code_and_data_but_not_the_test_modules() -> None:
    package = Path(settings.BASE_DIR) / "devolve"
    files = {str(path.relative_to(package)) for path in snapshots.fingerprinted_files(package)}

    assert {"demo/seed.py", "demo/testing.py", "matters/services/__init__.py"} <= files
    assert "selection/tests/factories.py" in files  # a helper, imported by what imports it
    assert "demo/tests/test_seed_as_of.py" not in files
    assert not any(Path(name).name.startswith("test_") for name in files)


def test_no_module_outside_the_tests_imports_a_test_module() -> None:
    """What lets a snapshot's fingerprint leave the test modules out: a seed runs only code
    outside the ``tests`` directories (and what that imports), so it never runs one."""
    package = Path(settings.BASE_DIR) / "devolve"
    importing = []
    for path in sorted(package.rglob("*.py")):
        if "tests" in path.relative_to(package).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(part.startswith("test_") for name in names for part in name.split(".")):
                importing.append(f"{path.relative_to(package)}: {names[0]}")
    assert importing == []
