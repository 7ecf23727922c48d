"""Named reads of the catalogue, observations as of a day, cohorts, runs and imports."""

import datetime

from django.db.models import QuerySet

from devolve.indicators import rules
from devolve.indicators.models import EvaluationRun, Indicator, Observation, ObservationImport
from devolve.regions.models import Batch, BatchMembership, Division


def list_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("level_indicator")


def get_indicator(*, code: str) -> Indicator | None:
    return list_indicators().filter(code=code).first()


def list_observations() -> QuerySet[Observation]:
    return Observation.objects.select_related("indicator", "zone", "division")


def latest_observations(
    *,
    indicator: Indicator,
    as_of: datetime.date,
    subject_kind: str | None = None,
    years: tuple[int, int] | None = None,
) -> list[Observation]:
    """For each subject and period, the value of the latest release on or before ``as_of``.

    One query; the latest vintage is picked in Python (the rows are ordered by vintage), which is
    the same on SQLite and PostgreSQL and costs nothing at the size of a province's statistics.
    """
    rows = (
        Observation.objects.released_by(as_of)
        .select_related("indicator", "zone", "division")
        .filter(indicator=indicator)
    )
    if subject_kind is not None:
        rows = rows.filter(subject_kind=subject_kind)
    if years is not None:
        rows = rows.filter(year__gte=years[0], year__lte=years[1])
    latest: dict[tuple[str, int | None, int | None, int, int | None], Observation] = {}
    for row in rows.order_by("vintage", "pk"):
        latest[(row.subject_kind, row.zone_id, row.division_id, row.year, row.quarter)] = row
    return list(latest.values())


def get_latest_run(*, indicator: Indicator, batch: Batch | None) -> EvaluationRun | None:
    runs = list_evaluation_runs().filter(indicator=indicator, batch=batch)
    return runs.order_by("-created_at", "-pk").first()


def list_evaluation_runs() -> QuerySet[EvaluationRun]:
    return EvaluationRun.objects.select_related("indicator", "batch", "created_by")


def get_evaluation_run(*, pk: int) -> EvaluationRun | None:
    return list_evaluation_runs().filter(pk=pk).first()


def list_observation_imports() -> QuerySet[ObservationImport]:
    return ObservationImport.objects.select_related("uploaded_by", "applied_by")


def get_observation_import(*, pk: int) -> ObservationImport | None:
    return list_observation_imports().filter(pk=pk).first()


def get_province() -> Division | None:
    return Division.objects.filter(level=Division.Level.PROVINCE).first()


def zone_cohorts() -> dict[int, tuple[int, int]]:
    """Zone id → (batch number, first treated year) for every zone ever in a batch; a zone in two
    batches counts from its first (``rules.first_treated_year``). Zones absent never joined."""
    cohorts: dict[int, tuple[int, int]] = {}
    memberships = BatchMembership.objects.select_related("batch").order_by("joined_on", "pk")
    for membership in memberships:
        cohorts.setdefault(
            membership.zone_id,
            (membership.batch.number, rules.first_treated_year(membership.joined_on)),
        )
    return cohorts


def batch_first_treated_year(batch: Batch) -> int:
    return rules.first_treated_year(batch.starts_on)
