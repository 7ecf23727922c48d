"""Snapshots built from other code are kept while they are in use (another worktree or branch
sharing the cache), and removed once unused for a day (``devolve.core.testing.snapshots``)."""

import os
import time
from pathlib import Path

import pytest
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
