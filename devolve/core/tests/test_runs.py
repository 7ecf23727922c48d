"""Every background job's record is a ``core.runs.BackgroundRun`` (ADR 0077): each concrete run
names a done status among its statuses, has the three checks under its table's names and one
partial unique constraint over the runs under way."""

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Q

from devolve.core.runs import UNDER_WAY, BackgroundRun

RUNS = sorted(
    (model for model in apps.get_models() if issubclass(model, BackgroundRun)),
    key=lambda model: model._meta.label,
)


def test_publishing_scoring_and_activating_are_the_runs() -> None:
    assert [model._meta.label for model in RUNS] == [
        "grants.ActivationRun",
        "grants.Publication",
        "selection.ScoringRun",
    ]


@pytest.mark.parametrize("run", RUNS, ids=lambda model: model._meta.label)
def test_a_run_has_its_statuses_checks_and_one_under_way(run: type[BackgroundRun]) -> None:
    statuses = [value for value, _label in run._meta.get_field("status").choices]
    assert statuses == ["queued", "running", run.DONE, "failed"]
    constraints = {constraint.name: constraint for constraint in run._meta.constraints}
    checks = sorted(
        name for name, c in constraints.items() if isinstance(c, models.CheckConstraint)
    )
    prefix = checks[0].removesuffix("_failure_has_error")
    assert checks == [
        f"{prefix}_failure_has_error",
        f"{prefix}_progress_within_total",
        f"{prefix}_status_is_known",
    ]
    assert constraints[f"{prefix}_status_is_known"].condition == Q(status__in=statuses)
    under_way = [
        c
        for c in constraints.values()
        if isinstance(c, models.UniqueConstraint) and c.condition == UNDER_WAY
    ]
    assert len(under_way) == 1
    assert under_way[0].violation_error_code == "already_queued"
