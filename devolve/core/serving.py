"""What an app node does once, after Django is set up and before its first request."""

import gc

from django.urls import get_resolver

from devolve.core.validators import code_version


def ready_to_serve() -> None:
    """Load what every request reads (the URL patterns and every view module they import; the
    code version in the public pages' validators), then move every object made so far out of
    the garbage collector's reach (``gc.freeze``): the modules, classes, URL patterns and
    catalogues live as long as the process, yet each full collection walked them all. On the
    national set a full collection came every 15 or so requests of the edition's take-up grid
    and took 130–150 ms of its request; frozen, the grid's p95 fell from 173 to 83 ms and the
    staff overview's from 269 to 140 ms (docs/operations/scaling.md)."""
    get_resolver().url_patterns  # noqa: B018 — imports every view module
    code_version()
    gc.freeze()
