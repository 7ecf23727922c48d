"""Named writes of the indicators app: the catalogue, observations (directly or from a checked
statistics file) and evaluation runs. Every write validates everything before it writes
anything and records an audit event."""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from devolve.accounts.models import User
from devolve.core.actors import SystemActor, is_system, person
from devolve.core.errors import DomainError, NotAllowed, domain_error_from_validation
from devolve.core.events import record_event
from devolve.core.history import save_validated
from devolve.core.spreadsheets.reading import TABLES, check_upload
from devolve.indicators import permissions, selectors, statistics_file
from devolve.indicators.evaluation import WILD_DRAWS, WILD_WEIGHTS, evaluate
from devolve.indicators.models import (
    EvaluationRun,
    Indicator,
    Observation,
    ObservationImport,
    SubjectKind,
)
from devolve.regions.models import Batch, Division, Zone


def create_indicator(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    unit_zh: str,
    unit_en: str,
    price_basis: str,
    kind: str,
    frequency: str = Indicator.Frequency.YEAR,
    level_indicator: Indicator | None = None,
    description_zh: str = "",
    description_en: str = "",
    created_by: User | SystemActor,
    reason: str = "",
) -> Indicator:
    indicator = Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit_zh=unit_zh,
        unit_en=unit_en,
        price_basis=price_basis,
        kind=kind,
        frequency=frequency,
        level_indicator=level_indicator,
        description_zh=description_zh,
        description_en=description_en,
    )
    with transaction.atomic():
        save_validated(indicator, actor=created_by, reason=reason)
        record_event(actor=created_by, action="indicators.indicator_created", target=indicator)
    return indicator


@dataclass(frozen=True)
class ObservationInput:
    """One value to record: ``subject`` is a zone or a prefecture or province division."""

    indicator: Indicator
    subject: Zone | Division
    year: int
    value: Decimal
    quarter: int | None = None


def _observation(
    item: ObservationInput, *, vintage: datetime.date, source: str, is_simulated: bool
) -> Observation:
    kind: str
    if isinstance(item.subject, Zone):
        kind, zone, division = SubjectKind.ZONE.value, item.subject, None
    else:
        kind, zone, division = item.subject.level, None, item.subject
    return Observation(
        indicator=item.indicator,
        subject_kind=kind,
        zone=zone,
        division=division,
        year=item.year,
        quarter=item.quarter,
        value=item.value,
        vintage=vintage,
        source=source,
        is_simulated=is_simulated,
    )


def _write_observations(
    observations: list[Observation], *, actor: User | SystemActor, reason: str
) -> list[Observation]:
    """Validate every row in memory (fields, checks, the subject's level, uniqueness within the
    batch and against the database), then insert them all with their history rows."""
    if not observations:
        raise DomainError("empty", _("There are no observations to record."))
    keys: set[tuple[int, int | None, int | None, int, int | None, datetime.date]] = set()
    for observation in observations:
        try:
            # The subjects and indicators come from the database already: skip the per-row
            # existence query Django's ForeignKey validation would make; uniqueness is checked
            # below for the whole batch in one query.
            observation.full_clean(
                exclude=["indicator", "zone", "division"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise domain_error_from_validation(error) from error
        if observation.subject_kind not in SubjectKind.values or (
            (observation.zone is None) == (observation.division is None)
        ):
            raise DomainError("invalid", _("Each observation names exactly one subject."))
        key = (
            observation.indicator.pk,
            observation.zone.pk if observation.zone else None,
            observation.division.pk if observation.division else None,
            observation.year,
            observation.quarter,
            observation.vintage,
        )
        if key in keys:
            raise DomainError(
                "duplicate", _("Two values for the same subject, period and release.")
            )
        keys.add(key)
    vintages = {key[5] for key in keys}
    existing = set(
        Observation.objects.filter(
            vintage__in=vintages, indicator_id__in={key[0] for key in keys}
        ).values_list("indicator_id", "zone_id", "division_id", "year", "quarter", "vintage")
    )
    if existing & keys:
        raise DomainError(
            "duplicate", _("This release already has a value for the subject and period.")
        )
    for observation in observations:
        observation.created_at = timezone.now()
    written: list[Observation] = bulk_create_with_history(
        observations,
        Observation,
        batch_size=1_000,
        default_user=person(actor),
        default_change_reason=reason,
    )
    return written


@transaction.atomic
def record_observations(
    *,
    items: list[ObservationInput],
    vintage: datetime.date,
    source: str,
    is_simulated: bool = False,
    recorded_by: User | SystemActor,
    reason: str = "",
) -> list[Observation]:
    """Record one release's values; all or nothing."""
    if not source.strip():
        raise DomainError("no_source", _("Say where the figures come from."), field="source")
    observations = [
        _observation(item, vintage=vintage, source=source, is_simulated=is_simulated)
        for item in items
    ]
    written = _write_observations(observations, actor=recorded_by, reason=reason)
    record_event(
        actor=recorded_by,
        action="indicators.observations_recorded",
        target=written[0].indicator,
        reason=reason,
        details={"count": len(written), "vintage": vintage.isoformat(), "source": source[:200]},
    )
    return written


# ---- Imports --------------------------------------------------------------------------------


def _require_office(user: User, message: str) -> None:
    if not permissions.can_import_statistics(user):
        raise NotAllowed(message)


@transaction.atomic
def check_statistics_file(
    *,
    upload: IO[bytes],
    file_name: str,
    vintage: datetime.date,
    source: str,
    is_simulated: bool = False,
    uploaded_by: User,
) -> ObservationImport:
    """The dry run: check every row and keep the result (rows and errors); write no observation."""
    _require_office(uploaded_by, _("Only the reform office imports statistics."))
    if not source.strip():
        raise DomainError("no_source", _("Say where the figures come from."), field="source")
    check_upload(upload, allowed=TABLES)  # a hostile file is refused before anything is recorded
    checked = statistics_file.check_file(upload=upload, name=file_name, vintage=vintage)
    observation_import = ObservationImport(
        file_name=file_name[:255],
        status=ObservationImport.Status.CHECKED
        if checked.is_valid
        else ObservationImport.Status.REFUSED,
        vintage=vintage,
        source=source,
        is_simulated=is_simulated,
        rows=checked.rows_as_json(),
        errors=checked.errors_as_json(),
        summary={"rows": len(checked.rows), "errors": checked.error_count},
        uploaded_by=uploaded_by,
    )
    save_validated(observation_import, actor=uploaded_by, reason="")
    record_event(
        actor=uploaded_by,
        action="indicators.statistics_checked",
        target=observation_import,
        details=observation_import.summary,
    )
    return observation_import


@transaction.atomic
def apply_observation_import(
    *, observation_import: ObservationImport, applied_by: User
) -> ObservationImport:
    """Write a checked file's observations, all or none; a refused or applied file is refused."""
    _require_office(applied_by, _("Only the reform office imports statistics."))
    locked = ObservationImport.objects.select_for_update(of=("self",)).get(pk=observation_import.pk)
    if locked.status != ObservationImport.Status.CHECKED:
        raise DomainError(
            "not_applicable",
            _("Only a checked file without errors can be applied; this one is “%(status)s”.")
            % {"status": locked.get_status_display()},
        )
    indicators = {indicator.pk: indicator for indicator in Indicator.objects.all()}
    zones = {zone.pk: zone for zone in Zone.objects.all()}
    divisions = {division.pk: division for division in Division.objects.all()}
    observations = [
        Observation(
            indicator=indicators[row["indicator_id"]],
            subject_kind=row["subject_kind"],
            zone=zones.get(row["zone_id"]) if row["zone_id"] else None,
            division=divisions.get(row["division_id"]) if row["division_id"] else None,
            year=row["year"],
            quarter=row["quarter"],
            value=Decimal(row["value"]),
            vintage=locked.vintage,
            source=locked.source,
            is_simulated=locked.is_simulated,
        )
        for row in locked.rows
    ]
    written = _write_observations(observations, actor=applied_by, reason=locked.file_name)
    locked.status = ObservationImport.Status.APPLIED
    locked.applied_by = applied_by
    locked.applied_at = timezone.now()
    save_validated(locked, actor=applied_by, reason="")
    record_event(
        actor=applied_by,
        action="indicators.statistics_imported",
        target=locked,
        details={"observations": len(written)},
    )
    return locked


# ---- Evaluation runs ------------------------------------------------------------------------

# The run's bootstrap settings: 999 draws give bands stable to about a tenth of a standard error.
DEFAULT_BOOTSTRAP = 999
DEFAULT_SEED = 0


class EvaluationRefused(DomainError):
    pass


def fingerprint(inputs: dict[str, Any]) -> str:
    """SHA-256 of the inputs as canonical JSON: same panel and settings, same fingerprint."""
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def run_evaluation(
    *,
    indicator: Indicator,
    batch: Batch | None,
    outcome: str,
    control: str = EvaluationRun.Control.NEVER,
    method: str = EvaluationRun.Method.DOUBLY_ROBUST,
    covariates: list[Indicator] | None = None,
    as_of: datetime.date,
    first_year: int,
    last_year: int,
    alpha: float = 0.05,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = DEFAULT_SEED,
    known_effect: dict[str, Any] | None = None,
    created_by: User | SystemActor,
) -> EvaluationRun:
    """Build the zones' panel from stored observations, run Callaway–Sant'Anna and the
    Borusyak–Jaravel–Spiess imputation estimator, and a synthetic control for each pilot area of
    ``batch``; store inputs, results and diagnostics.

    A panel the estimators cannot use (no comparison zones, a cohort outside the years …) is
    still stored, with the reason in its diagnostics and no headline effect. Input errors that
    make any run meaningless (no data, bad years) are refused.
    """
    if not is_system(created_by) and not permissions.can_run_evaluation(created_by):
        raise NotAllowed(_("Only the reform office and evaluators run evaluations."))
    if last_year <= first_year:
        raise EvaluationRefused(
            "bad_years", _("The last year must come after the first."), field="last_year"
        )
    if outcome not in EvaluationRun.Outcome.values:
        raise EvaluationRefused("bad_outcome", _("Unknown outcome."), field="outcome")
    if control not in EvaluationRun.Control.values:
        raise EvaluationRefused("bad_control", _("Unknown comparison group."), field="control")
    if method not in EvaluationRun.Method.values:
        raise EvaluationRefused("bad_method", _("Unknown method."), field="method")
    covariates = covariates or []
    panel_inputs = selectors.get_panel_inputs(
        indicator=indicator,
        outcome=outcome,
        covariates=covariates,
        as_of=as_of,
        first_year=first_year,
        last_year=last_year,
    )
    if not panel_inputs.unit:
        raise EvaluationRefused(
            "no_data",
            _("No zone has a figure for %(indicator)s between %(first)d and %(last)d as of %(on)s.")
            % {"indicator": indicator, "first": first_year, "last": last_year, "on": as_of},
        )
    parameters = {
        "alpha": alpha,
        "bootstrap": bootstrap,
        "seed": seed,
        "anticipation": 0,
        "base_period": "varying",
        "unbalanced": "drop",
        "cohort_rule": "first full calendar year in a batch",
        "cluster": "prefecture",
        "wild_draws": WILD_DRAWS,
        "wild_weights": WILD_WEIGHTS,
    }
    panel: dict[str, Any] = {
        "unit": panel_inputs.unit,
        "time": panel_inputs.time,
        "cohort": panel_inputs.cohort,
        "outcome": panel_inputs.outcome,
        "covariates": panel_inputs.covariates,
        "prefecture": panel_inputs.prefecture,
        "missing": panel_inputs.missing,
    }
    inputs: dict[str, Any] = {
        "indicator": indicator.code,
        "outcome": outcome,
        "control": control,
        "method": method,
        "covariates": [covariate.code for covariate in covariates],
        "as_of": as_of.isoformat(),
        "years": [first_year, last_year],
        "batch": batch.number if batch is not None else None,
        "parameters": parameters,
        "panel": panel,
    }
    batch_cohort = selectors.batch_first_treated_year(batch) if batch is not None else None
    evaluated = evaluate(
        panel,
        control=control,
        method=method,
        alpha=alpha,
        bootstrap=bootstrap,
        seed=seed,
        synth_cohort=batch_cohort,
    )
    run = EvaluationRun(
        indicator=indicator,
        batch=batch,
        outcome=outcome,
        control=control,
        method=method,
        covariates=inputs["covariates"],
        parameters=parameters,
        as_of=as_of,
        first_year=first_year,
        last_year=last_year,
        input_fingerprint=fingerprint(inputs),
        inputs=inputs,
        results=evaluated.results,
        diagnostics=evaluated.diagnostics,
        headline_allowed=evaluated.headline_allowed,
        known_effect=known_effect,
        is_simulated=panel_inputs.simulated,
        created_by=person(created_by),
    )
    save_validated(run, actor=created_by, reason="")
    record_event(
        actor=created_by,
        action="indicators.evaluation_run",
        target=run,
        details={"fingerprint": run.input_fingerprint, "headline_allowed": run.headline_allowed},
    )
    return run
