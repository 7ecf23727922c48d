"""Named reads of the catalogue, observations as of a day, cohorts, runs and imports."""

import datetime

from django.conf import settings
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from devolve.core.history import last_changed
from devolve.indicators import rules
from devolve.indicators.models import EvaluationRun, Indicator, Observation, ObservationImport
from devolve.regions.models import Batch, BatchMembership, Division, Zone


def list_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("level_indicator")


def list_growth_indicators() -> QuerySet[Indicator]:
    return list_indicators().filter(kind=Indicator.Kind.GROWTH_RATE)


def get_indicator(*, code: str) -> Indicator | None:
    return list_indicators().filter(code=code).first()


def list_observations() -> QuerySet[Observation]:
    return Observation.objects.select_related("indicator", "zone", "division")


def _latest_releases(
    *,
    indicator: Indicator,
    as_of: datetime.date,
    subject_kind: str | None,
    years: tuple[int, int] | None,
) -> QuerySet[Observation]:
    """The latest release on or before ``as_of`` of each subject-period: a window numbers each
    subject-period's releases, newest first, and the database keeps the first, so only the
    values used leave it (a revised series holds several releases of each figure)."""
    rows = Observation.objects.released_by(as_of).filter(indicator=indicator)
    if subject_kind is not None:
        rows = rows.filter(subject_kind=subject_kind)
    if years is not None:
        rows = rows.filter(year__gte=years[0], year__lte=years[1])
    newest_first = Window(
        RowNumber(),
        partition_by=[F("subject_kind"), F("zone_id"), F("division_id"), F("year"), F("quarter")],
        order_by=[F("vintage").desc(), F("pk").desc()],
    )
    return (
        rows.annotate(release_rank=newest_first)
        .filter(release_rank=1)
        .order_by("subject_kind", "zone_id", "division_id", "year", "quarter")
    )


def latest_observations(
    *,
    indicator: Indicator,
    as_of: datetime.date,
    subject_kind: str | None = None,
    years: tuple[int, int] | None = None,
) -> list[Observation]:
    """For each subject and period, the observation of the latest release on or before
    ``as_of``, in one query; ordered by subject kind, zone, division, year and quarter."""
    latest = _latest_releases(
        indicator=indicator, as_of=as_of, subject_kind=subject_kind, years=years
    )
    return list(latest.select_related("indicator", "zone", "division"))


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
    """The programme's province (the ``PROGRAMME_PROVINCE_CODE`` setting), None when the
    database does not hold it; never whichever province comes first."""
    return Division.objects.filter(
        level=Division.Level.PROVINCE, code=settings.PROGRAMME_PROVINCE_CODE
    ).first()


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


def list_observation_import_preview(
    *, observation_import: ObservationImport, limit: int | None = None
) -> list[dict[str, object]]:
    """The file's rows (the first ``limit``, or all) as people read them: indicator code and
    subject name, not ids."""
    indicators = dict(Indicator.objects.values_list("pk", "code"))
    zones = {zone.pk: str(zone) for zone in Zone.objects.all()}
    divisions = {division.pk: str(division) for division in Division.objects.all()}
    return [
        {
            "row": row["row"],
            "indicator": indicators.get(row["indicator_id"], "?"),
            "subject": zones.get(row["zone_id"])
            if row["zone_id"]
            else divisions.get(row["division_id"]),
            "year": row["year"],
            "quarter": row["quarter"] or "",
            "value": row["value"],
        }
        for row in observation_import.rows[:limit]
    ]


def observations_last_changed() -> datetime.datetime | None:
    """When an observation last changed (its latest history row)."""
    return last_changed(Observation)
