"""A synthetic-control study's inputs from a long table: the outcome matrix, the treated unit,
the pre-treatment periods and the predictors (a column's mean over chosen pre-treatment
periods, or its value in one period: an outcome lag). Every input error is a
``SynthInputError`` with a code, raised before anything is estimated."""

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from devolve.indicators.analytics.synth import SynthInputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
PERIODS_PATTERN = re.compile(r"^(?P<first>-?\d+)-(?P<last>-?\d+)$")
PREDICTOR_PATTERN = re.compile(r"^(?P<column>[^:]+?)(?::(?P<first>-?\d+)(?:-(?P<last>-?\d+))?)?$")


@dataclass(frozen=True)
class PredictorSpec:
    """``column`` averaged over ``first``…``last`` (all pre-treatment periods when None)."""

    column: str
    first: int | None = None
    last: int | None = None

    @property
    def label(self) -> str:
        if self.first is None:
            return self.column
        if self.first == self.last:
            return f"{self.column}:{self.first}"
        return f"{self.column}:{self.first}-{self.last}"


def parse_predictor(text: str) -> PredictorSpec:
    """``COL``, ``COL:YEAR`` or ``COL:FROM-TO``."""
    found = PREDICTOR_PATTERN.match(text.strip())
    if found is None:
        raise SynthInputError("bad_predictor", f"{text!r} is not COL, COL:YEAR or COL:FROM-TO")
    first = found.group("first")
    last = found.group("last") or first
    return PredictorSpec(
        found.group("column"),
        int(first) if first is not None else None,
        int(last) if last is not None else None,
    )


@dataclass(frozen=True)
class SynthPanel:
    units: list[str]
    periods: npt.NDArray[np.int64]  # (T,)
    outcome: FloatArray  # (N, T)
    predictors: FloatArray  # (N, K)
    predictor_labels: list[str]
    treated: int  # index into units
    n_pre: int

    @property
    def donors(self) -> list[int]:
        return [index for index in range(len(self.units)) if index != self.treated]


def _numbers(values: Any, what: str) -> FloatArray:
    try:
        return np.asarray([float(value) if value != "" else np.nan for value in values])
    except ValueError as error:
        raise SynthInputError(
            "not_numeric", f"{what} holds a value that is not a number: {error}"
        ) from error


def synth_panel_from_table(
    table: Any,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: str,
    treatment_time: int,
    predictors: list[PredictorSpec],
) -> SynthPanel:
    """``table``: a pandas DataFrame of strings, one row per unit and period."""
    wanted = {unit, time, outcome, *(spec.column for spec in predictors)}
    absent = sorted(column for column in wanted if column not in table.columns)
    if absent:
        raise SynthInputError("missing_column", f"The table has no column {', '.join(absent)}.")
    units = sorted({str(value) for value in table[unit]})
    if treated not in units:
        raise SynthInputError(
            "treated_missing", f"The treated unit {treated!r} is not in the panel."
        )
    try:
        period_of_row = np.asarray([int(value) for value in table[time]], dtype=np.int64)
    except ValueError as error:
        raise SynthInputError(
            "bad_time", f"The time column must hold whole numbers: {error}"
        ) from error
    periods = np.unique(period_of_row)
    n_pre = int(np.sum(periods < treatment_time))
    if n_pre == 0 or n_pre == len(periods):
        raise SynthInputError(
            "bad_pre_period",
            f"The treatment time {treatment_time} must leave periods before and after it "
            f"({periods[0]}–{periods[-1]}).",
        )
    if len(units) < 3:
        raise SynthInputError(
            "too_few_donors",
            f"A synthetic control needs at least two donors; found {len(units) - 1}.",
        )
    unit_index = {name: position for position, name in enumerate(units)}
    rows = np.asarray([unit_index[str(value)] for value in table[unit]])
    columns = np.searchsorted(periods, period_of_row)
    matrix = np.full((len(units), len(periods)), np.nan)
    matrix[rows, columns] = _numbers(table[outcome], f"The outcome column {outcome!r}")
    if not np.isfinite(matrix).all():
        lacking = sorted({units[row] for row in np.flatnonzero(~np.isfinite(matrix).all(axis=1))})
        raise SynthInputError(
            "missing_outcome",
            f"Every unit needs the outcome in every period; missing for {', '.join(lacking[:5])}.",
        )
    values = np.zeros((len(units), len(predictors)))
    for position, spec in enumerate(predictors):
        first = spec.first if spec.first is not None else int(periods[0])
        last = spec.last if spec.last is not None else int(periods[n_pre - 1])
        if first > last or first < periods[0] or last >= treatment_time:
            raise SynthInputError(
                "predictor_window",
                f"The predictor {spec.label} must describe periods from {periods[0]} to "
                f"{treatment_time - 1} (before treatment).",
            )
        by_cell = np.full((len(units), len(periods)), np.nan)
        by_cell[rows, columns] = _numbers(table[spec.column], f"The column {spec.column!r}")
        window = (periods >= first) & (periods <= last)
        with np.errstate(invalid="ignore"):
            counts = np.isfinite(by_cell[:, window]).sum(axis=1)
            if (counts == 0).any():
                lacking = [units[row] for row in np.flatnonzero(counts == 0)]
                raise SynthInputError(
                    "missing_predictor",
                    f"The predictor {spec.label} has no value for {', '.join(lacking[:5])}.",
                )
            values[:, position] = np.nanmean(by_cell[:, window], axis=1)
    return SynthPanel(
        units=units,
        periods=periods,
        outcome=matrix,
        predictors=values,
        predictor_labels=[spec.label for spec in predictors],
        treated=unit_index[treated],
        n_pre=n_pre,
    )


def fit_periods(periods: npt.NDArray[np.int64], n_pre: int, text: str | None) -> BoolArray | None:
    """``FROM-TO``, the pre-treatment periods whose outcome V is chosen to fit (Synth's
    ``time.optimize.ssr``), as a mask over ``periods``; None (all pre-periods) without text."""
    if text is None:
        return None
    found = PERIODS_PATTERN.match(text.strip())
    if found is None:
        raise SynthInputError("bad_fit_periods", f"{text!r} is not FROM-TO")
    first, last = int(found.group("first")), int(found.group("last"))
    chosen = (periods >= first) & (periods <= last)
    if first > last or not chosen.any() or chosen[n_pre:].any():
        raise SynthInputError(
            "bad_fit_periods",
            f"The periods V is fitted on must lie within {periods[0]}–{periods[n_pre - 1]} "
            f"(before treatment), not {text}.",
        )
    return chosen
