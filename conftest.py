"""Personas shared by every test: one user per programme role, scoped where the role has a scope
(built by ``devolve.accounts.tests.personas``)."""

import gc
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from devolve.accounts.models import User
from devolve.accounts.tests import personas as make
from devolve.core.testing.database import restore_flushed_tables
from devolve.core.testing.scheduling import make_scheduler
from devolve.core.testing.template_database import (
    django_db_setup,  # noqa: F401 (fixture)
    finish_template_build,
    start_template_build,
)
from devolve.matters.models import Department

_TEMPLATE_BUILD = pytest.StashKey[subprocess.Popen[bytes] | None]()

# Fixtures that a module takes up by name only (``reporting_world``).
pytest_plugins = ["devolve.reporting.tests.world"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """With workers, the template database is migrated while they collect
    (``devolve.core.testing.template_database``)."""
    session.config.stash[_TEMPLATE_BUILD] = start_template_build(session.config)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are collected, the cyclic collector runs less often: a worker holds one to
    one and a half million objects, and with Python's default thresholds it spent 16–17 s of a
    run collecting (28–31 full passes of about 0.4 s each); with these, 6–10 s (ADR 0055's
    amendment of 2026-12-08). Objects freed by their reference counts are freed as before."""
    gc.set_threshold(50_000, 20, 100)


def pytest_sessionfinish(session: pytest.Session) -> None:
    finish_template_build(session.config.stash.get(_TEMPLATE_BUILD, None))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Workers test while the whole demo is built (``devolve.core.testing.scheduling``)."""
    return make_scheduler(config, log)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request to an /en/ page leaves English active
    in its thread, which would otherwise leak into whichever test runs next."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with empty caches: figures kept by ``core.derived`` and API pages kept
    by ``core.api.stored_pages`` under one test's data version must not answer another test
    whose rolled-back data has the same version."""
    for alias in django_settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether ``item`` ends by flushing the database, as a transactional test does."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or fixtures & {"transactional_db", "live_server"}
    )


@pytest.fixture(scope="session")
def migrated_data(django_db_setup: None, django_db_blocker: Any) -> str:  # noqa: F811
    """The rows the migrations load (divisions, matter types …), serialized once per worker.

    Django's ``serialized_rollback`` cannot restore them after a browser test: once Playwright's
    event loop runs in the test thread, Django keeps database connections per context, and the
    connection a test gets is not the one that holds Django's serialized copy."""
    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(scope="session")
def _modules_that_flush(request: pytest.FixtureRequest) -> frozenset[str]:
    items = request.session.items
    return frozenset(item.nodeid.split("::", 1)[0] for item in items if _flushes_the_database(item))


@pytest.fixture(scope="module", autouse=True)
def _migrated_data_restored_after_transactional_tests(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> Iterator[None]:
    """A transactional test ends by flushing the database, which empties the tables the
    migrations filled for every later test in the worker; a module with one puts them back
    when it ends (each of its own tests that needs them restores them first)."""
    if request.node.nodeid not in request.getfixturevalue("_modules_that_flush"):
        yield
        return
    snapshot = request.getfixturevalue("migrated_data")
    yield
    with django_db_blocker.unblock():
        restore_flushed_tables(snapshot)


@pytest.fixture
def justice(db: None) -> Department:
    return make.justice()


@pytest.fixture
def finance(db: None) -> Department:
    return make.finance()


@pytest.fixture
def office_user(db: None) -> User:
    return make.office_user()


@pytest.fixture
def department_user(justice: Department) -> User:
    return make.department_user(justice)


@pytest.fixture
def other_department_user(finance: Department) -> User:
    return make.other_department_user(finance)


@pytest.fixture
def prefecture_user(db: None) -> User:
    return make.prefecture_user()


@pytest.fixture
def pilot_area_user(db: None) -> User:
    return make.pilot_area_user()


@pytest.fixture
def evaluator(db: None) -> User:
    return make.evaluator()


@pytest.fixture
def auditor(db: None) -> User:
    return make.auditor()


@pytest.fixture
def personas(
    office_user: User,
    department_user: User,
    other_department_user: User,
    prefecture_user: User,
    pilot_area_user: User,
    evaluator: User,
    auditor: User,
) -> dict[str, User | None]:
    """Every persona by name, as ``assert_authorization_matrix`` expects."""
    return {
        "anonymous": None,
        "office": office_user,
        "department": department_user,
        "other_department": other_department_user,
        "prefecture": prefecture_user,
        "pilot_area": pilot_area_user,
        "evaluator": evaluator,
        "auditor": auditor,
    }
