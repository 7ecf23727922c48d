"""The long panel an evaluation runs on, built from stored observations."""

import datetime
import math
from dataclasses import dataclass

from devolve.indicators.models import EvaluationRun, Indicator, Observation, SubjectKind
from devolve.indicators.selectors.observations import latest_observations, zone_cohorts
from devolve.regions.models import Zone


@dataclass(frozen=True)
class PanelInputs:
    """The long panel an evaluation runs on, as plain lists: one entry per zone and year.

    ``cohort`` is the first treated year (0: never in a batch); ``covariates`` maps an indicator
    code to one baseline value per row (the zone's value in ``first_year``, repeated). A zone-year
    without a usable figure (none released, a non-positive level under a log, no baseline for a
    covariate) is left out and listed in ``missing``; the estimators then drop the unbalanced zone
    and say so.
    """

    unit: list[str]
    time: list[int]
    cohort: list[int]
    outcome: list[float]
    covariates: dict[str, list[float]]
    prefecture: list[str]  # the zone's prefecture (GB/T 2260 code): the clusters of inference
    simulated: bool
    missing: list[str]  # zone-years without a figure, as "slug:year"


def get_panel_inputs(
    *,
    indicator: Indicator,
    outcome: str,
    covariates: list[Indicator],
    as_of: datetime.date,
    first_year: int,
    last_year: int,
) -> PanelInputs:
    """Every zone's yearly figure of ``indicator`` (latest release as of ``as_of``), transformed
    as ``outcome`` says (``log_level``: natural log; ``value``: as published), with cohorts from
    batch memberships. Zone-years without a figure are listed in ``missing``, not invented."""
    values: dict[tuple[int, int], Observation] = {
        (row.zone_id, row.year): row
        for row in latest_observations(
            indicator=indicator,
            as_of=as_of,
            subject_kind=SubjectKind.ZONE,
            years=(first_year, last_year),
        )
        if row.quarter is None and row.zone_id is not None
    }
    baselines: dict[str, dict[int, float]] = {}
    for covariate in covariates:
        baselines[covariate.code] = {
            row.zone_id: float(row.value)
            for row in latest_observations(
                indicator=covariate,
                as_of=as_of,
                subject_kind=SubjectKind.ZONE,
                years=(first_year, first_year),
            )
            if row.quarter is None and row.zone_id is not None
        }
    cohorts = zone_cohorts()
    unit: list[str] = []
    time: list[int] = []
    cohort: list[int] = []
    outcome_values: list[float] = []
    prefecture: list[str] = []
    covariate_values: dict[str, list[float]] = {code: [] for code in baselines}
    missing: list[str] = []
    simulated = False
    for zone in Zone.objects.select_related("prefecture").order_by("slug"):
        for year in range(first_year, last_year + 1):
            row = values.get((zone.pk, year))
            if row is None:
                missing.append(f"{zone.slug}:{year}")
                continue
            value = float(row.value)
            if outcome == EvaluationRun.Outcome.LOG_LEVEL:
                if value <= 0:
                    missing.append(f"{zone.slug}:{year}")
                    continue
                value = math.log(value)
            if any(zone.pk not in baseline for baseline in baselines.values()):
                missing.append(f"{zone.slug}:{year}")
                continue
            unit.append(zone.slug)
            time.append(year)
            cohort.append(cohorts.get(zone.pk, (0, 0))[1])
            outcome_values.append(value)
            prefecture.append(zone.prefecture.code)
            for code, baseline in baselines.items():
                covariate_values[code].append(baseline[zone.pk])
            simulated = simulated or row.is_simulated
    return PanelInputs(
        unit=unit,
        time=time,
        cohort=cohort,
        outcome=outcome_values,
        covariates=covariate_values,
        prefecture=prefecture,
        simulated=simulated,
        missing=missing,
    )
