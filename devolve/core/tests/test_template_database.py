"""The names of PostgreSQL template databases (``devolve.core.testing.template_database``) fit
PostgreSQL's 63 bytes whatever the database's name; only a run's controller starts the template."""

from types import SimpleNamespace
from typing import Any

import pytest

from devolve.core.testing.template_database import _TemplateCreation, start_template_build


def _template_names(name: str) -> tuple[str, str]:
    connection = SimpleNamespace(vendor="postgresql", settings_dict={"NAME": name})
    creation: Any = SimpleNamespace(connection=connection, create_test_db=None)
    stand_in = _TemplateCreation(creation, rebuild=False)
    template = f"{stand_in._template_prefix()}{stand_in.fingerprint}"
    return template, f"{template}_building"


@pytest.mark.parametrize("name", ["devolve", "devolve_pg_suite_speed_b", "d" * 63])
def test_a_template_and_the_name_it_is_built_under_fit_63_bytes(name: str) -> None:
    template, building = _template_names(name)

    assert len(building.encode()) <= 63
    assert template.startswith(f"test_{name}"[:28])


def test_a_short_name_keeps_the_template_name_it_had() -> None:
    template, _building = _template_names("devolve")

    assert template.startswith("test_devolve_template_")


class _Config:
    """What ``start_template_build`` reads of a pytest config."""

    def __init__(self, *, workers: int | None, create_db: bool = False, worker: bool = False):
        self.options = {"numprocesses": workers, "create_db": create_db}
        if worker:
            self.workerinput = {"workerid": "gw0"}

    def getoption(self, name: str, default: object = None) -> object:
        return self.options.get(name, default)


@pytest.mark.parametrize(
    "config",
    [
        _Config(workers=None),
        _Config(workers=0),
        _Config(workers=2, worker=True),
        _Config(workers=2, create_db=True),
    ],
    ids=["no-workers", "n-0", "in-a-worker", "create-db"],
)
def test_only_the_controller_of_a_run_with_workers_starts_the_template(config: _Config) -> None:
    assert start_template_build(config) is None
