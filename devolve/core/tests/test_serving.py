"""``core.serving.ready_to_serve``: an app node loads what every request reads, then freezes it."""

import gc
from collections.abc import Iterator

import pytest
from django.urls import get_resolver

from devolve.core.serving import ready_to_serve


@pytest.fixture
def _unfrozen_after() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("_unfrozen_after")
def test_a_node_ready_to_serve_has_its_views_loaded_and_out_of_the_collectors_reach() -> None:
    gc.unfreeze()
    ready_to_serve()

    patterns = get_resolver().url_patterns
    assert patterns
    # The URL patterns, and every object made before them, are frozen: no collection walks them.
    assert gc.get_freeze_count() > 10_000
    collected = {id(candidate) for candidate in gc.get_objects()}
    assert not any(id(pattern) in collected for pattern in patterns)
