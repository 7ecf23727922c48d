"""Listening to a background job's progress in a test: ``listen_to_progress`` wraps the service
a run's task calls so that every ``on_progress(done, total)`` it reports is also kept."""

from typing import Any

import pytest


def listen_to_progress(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str
) -> list[tuple[int, int]]:
    """Replace ``module.name`` (a service taking ``on_progress=``) by one that records each
    report before passing it on; the returned list fills as the job runs."""
    reports: list[tuple[int, int]] = []
    service = getattr(module, name)

    def listening(**kwargs: Any) -> Any:
        report = kwargs["on_progress"]

        def both(done: int, total: int) -> None:
            reports.append((done, total))
            report(done, total)

        return service(**{**kwargs, "on_progress": both})

    monkeypatch.setattr(module, name, listening)
    return reports
