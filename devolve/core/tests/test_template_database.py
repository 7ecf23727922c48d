"""The names of PostgreSQL template databases (``devolve.core.testing.template_database``) fit
PostgreSQL's 63 bytes whatever the database's name."""

from types import SimpleNamespace
from typing import Any

import pytest

from devolve.core.testing.template_database import _TemplateCreation


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
