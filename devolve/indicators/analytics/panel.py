"""A balanced unit-by-period panel for staggered-adoption estimators, built from a long table.

The long table has one row per unit and period: the unit's identifier, the period (an integer:
a year or a quarter index), the unit's cohort (the first period it is treated, 0 if never
treated), the outcome and optional covariates. `panel_from_long` checks it and reshapes it into
a `Panel`; every problem is either a `PanelError` (nothing is estimated) or a `Note` that the
estimators carry into their diagnostics, so nothing is dropped or changed silently.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal

import numpy as np
import numpy.typing as npt

# How many offending units or rows an error message lists before saying "and N more".
LISTED_PROBLEMS = 5


class PanelError(ValueError):
    """Input that cannot be estimated on; the message says exactly what is wrong and where."""


@dataclass(frozen=True)
class Note:
    """A diagnostic that is always reported with the result, never hidden.

    ``message`` is the English sentence the command line and the JSON show. Pages read the note
    in their reader's language from ``sentence`` (the code of its words, ``code`` itself unless
    one code has several) and ``params`` (numbers formatted once, periods, unit names and
    codes: never words of one language), named in ``devolve/indicators/actions.py``.
    """

    code: str
    message: str
    severity: str  # "info" | "warning" | "error"
    params: Mapping[str, str] = field(default_factory=dict)
    sentence: str = ""


@dataclass(frozen=True)
class Panel:
    """A balanced panel.

    units: (n,) unit identifiers as given (str or int), sorted.
    periods: (T,) sorted integer periods.
    outcome: (n, T) float64, no missing values.
    cohort: (n,) int, first treated period, 0 for never treated (as given, not recoded).
    covariates: (n, k) float64 time-invariant covariates (the value in the first period) or None.
    """

    units: npt.NDArray[Any]
    periods: npt.NDArray[np.int64]
    outcome: npt.NDArray[np.float64]
    cohort: npt.NDArray[np.int64]
    covariates: npt.NDArray[np.float64] | None
    covariate_names: tuple[str, ...]


def note_to_json(note: Note) -> dict[str, Any]:
    """A note in the JSON of docs/how-to/evaluate-a-panel.md."""
    return {
        "code": note.code,
        "message": note.message,
        "severity": note.severity,
        "sentence": note.sentence or note.code,
        "params": dict(note.params),
    }


def counted(number: int, noun: str) -> str:
    """ "1 unit", "3 units": a count with its noun in the right number."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def shown(items: Sequence[object]) -> str:
    """The first few items, as a note's parameter: words of no language ("…" for the rest)."""
    listed = ", ".join(str(item) for item in items[:LISTED_PROBLEMS])
    return listed + (", …" if len(items) > LISTED_PROBLEMS else "")


def _listed(items: Sequence[object]) -> str:
    shown = ", ".join(str(item) for item in items[:LISTED_PROBLEMS])
    if len(items) > LISTED_PROBLEMS:
        shown += f" and {len(items) - LISTED_PROBLEMS} more"
    return shown


def _numbers(
    values: Sequence[Any] | npt.NDArray[Any], *, what: str, first_row: int, row_name: str
) -> npt.NDArray[np.float64]:
    """Floats, NaN for empty cells; a PanelError naming the first rows that are not numbers."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        pass
    converted = np.empty(len(values), dtype=np.float64)
    bad: list[str] = []
    for index, value in enumerate(values):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            converted[index] = np.nan
            continue
        try:
            converted[index] = float(value)
        except (TypeError, ValueError):
            bad.append(f"{row_name} {index + first_row} ({value!r})")
    if bad:
        raise PanelError(f"The {what} is not a number in {_listed(bad)}.")
    return converted


def _integers(
    values: Sequence[Any] | npt.NDArray[Any], *, what: str, first_row: int, row_name: str
) -> npt.NDArray[np.int64]:
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return values.astype(np.int64, copy=False)  # whole numbers already, none missing
    numbers = _numbers(values, what=what, first_row=first_row, row_name=row_name)
    missing = np.flatnonzero(~np.isfinite(numbers))
    if missing.size:
        rows = [f"{row_name} {index + first_row}" for index in missing]
        raise PanelError(f"The {what} is missing in {_listed(rows)}.")
    fractional = np.flatnonzero(numbers != np.round(numbers))
    if fractional.size:
        rows = [f"{row_name} {index + first_row} ({numbers[index]:g})" for index in fractional]
        raise PanelError(f"The {what} must be a whole number; it is not in {_listed(rows)}.")
    return numbers.astype(np.int64)


def _codes(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.intp]]:
    """Sorted distinct values and each row's index into them (np.unique with return_inverse),
    by counting instead of sorting when the values are integers in a compact range."""
    if values.dtype.kind in "iu" and values.size:
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * values.size + 1_000:
            shifted = values - low if low else values
            present = np.bincount(shifted, minlength=high - low + 1) > 0
            position = np.cumsum(present) - 1
            return np.flatnonzero(present) + low, position[shifted]
    distinct, inverse = np.unique(values, return_inverse=True)
    return distinct, inverse.reshape(-1)


def _unit_identifiers(unit: Sequence[Any] | npt.NDArray[Any]) -> npt.NDArray[Any]:
    identifiers = np.asarray(unit)
    if identifiers.dtype.kind in "iu":
        return identifiers.astype(np.int64, copy=False)
    as_text = np.asarray([str(value).strip() for value in identifiers])
    if all(text.lstrip("-").isdigit() for text in as_text):
        return as_text.astype(np.int64)
    return as_text


def panel_from_long(
    unit: Sequence[Any] | npt.NDArray[Any],
    time: Sequence[Any] | npt.NDArray[Any],
    cohort: Sequence[Any] | npt.NDArray[Any],
    outcome: Sequence[Any] | npt.NDArray[Any],
    covariates: Mapping[str, Sequence[Any] | npt.NDArray[Any]] | None = None,
    *,
    unbalanced: Literal["error", "drop"] = "error",
    first_row: int = 1,
    row_name: str = "row",
) -> tuple[Panel, list[Note]]:
    """Check a long table and reshape it into a balanced panel.

    Rows are numbered from `first_row` in messages (`row_name` says what a row is: "row", or
    "line" for a file with a header). Raises PanelError for columns of different lengths, an empty
    table, non-numeric or missing periods/cohorts/covariates, non-numeric outcomes, duplicate
    unit-periods, a cohort that changes within a unit and (with unbalanced="error") units not
    observed in every period or with a missing outcome. With unbalanced="drop" such units are
    dropped and a note says which.
    """
    covariates = dict(covariates or {})
    length = len(unit)
    columns = {"time": len(time), "cohort": len(cohort), "outcome": len(outcome)}
    columns |= {f"covariate {name!r}": len(values) for name, values in covariates.items()}
    uneven = {name: size for name, size in columns.items() if size != length}
    if uneven:
        described = ", ".join(f"{name} has {size}" for name, size in uneven.items())
        raise PanelError(f"The columns differ in length: unit has {length} rows, {described}.")
    if length == 0:
        raise PanelError("The panel has no rows.")
    identifiers = _unit_identifiers(unit)
    period_of_row = _integers(time, what="time period", first_row=first_row, row_name=row_name)
    cohort_of_row = _integers(cohort, what="cohort", first_row=first_row, row_name=row_name)
    negative = np.flatnonzero(cohort_of_row < 0)
    if negative.size:
        rows = [f"{row_name} {index + first_row}" for index in negative]
        raise PanelError(
            f"The cohort must be the first treated period or 0 for never treated; it is "
            f"negative in {_listed(rows)}."
        )
    outcome_of_row = _numbers(outcome, what="outcome", first_row=first_row, row_name=row_name)
    covariate_of_row = {
        name: _numbers(values, what=f"covariate {name!r}", first_row=first_row, row_name=row_name)
        for name, values in covariates.items()
    }
    notes: list[Note] = []

    units, unit_index = _codes(identifiers)
    periods, period_index = _codes(period_of_row)
    n_units, n_periods = len(units), len(periods)
    cell = unit_index * n_periods + period_index
    counts = np.bincount(cell, minlength=n_units * n_periods)
    if counts.max() > 1:
        duplicated = np.flatnonzero(counts > 1)
        pairs = [
            f"unit {units[code // n_periods]} in period {periods[code % n_periods]}"
            for code in duplicated
        ]
        verb = "appears" if duplicated.size == 1 else "appear"
        raise PanelError(
            f"{counted(duplicated.size, 'unit-period')} {verb} more than once: {_listed(pairs)}."
        )

    cohort_low = np.zeros(n_units, dtype=np.int64)
    cohort_low[unit_index] = cohort_of_row
    changes = cohort_of_row != cohort_low[unit_index]
    if changes.any():
        changing = np.unique(unit_index[changes])
        raise PanelError(
            f"The cohort must be the same in every row of a unit; it changes for units "
            f"{_listed(list(units[changing]))}."
        )

    missing_outcome = ~np.isfinite(outcome_of_row)
    observed = counts.astype(bool)  # no unit-period appears twice
    if missing_outcome.any():
        observed[cell[missing_outcome]] = False
    incomplete = np.flatnonzero(~observed.reshape(n_units, n_periods).all(axis=1))
    if incomplete.size:
        missing_rows = np.flatnonzero(missing_outcome)
        described = (
            f"{incomplete.size} of {n_units} units are not observed with an outcome in every one "
            f"of the {n_periods} periods ({periods[0]}–{periods[-1]}): units "
            f"{_listed(list(units[incomplete]))}"
        )
        if missing_rows.size:
            rows = [f"{row_name} {index + first_row}" for index in missing_rows]
            described += f"; the outcome is missing in {_listed(rows)}"
        if unbalanced == "error":
            raise PanelError(
                f"The panel is unbalanced: {described}. Complete the data, or drop these units "
                f"explicitly (unbalanced='drop')."
            )
        notes.append(
            Note(
                code="unbalanced_dropped",
                message=f"Dropped to balance the panel: {described}.",
                severity="warning",
                params={
                    "units": str(incomplete.size),
                    "total": str(n_units),
                    "periods": str(n_periods),
                    "first": str(periods[0]),
                    "last": str(periods[-1]),
                    "listed": shown(list(units[incomplete])),
                },
            )
        )
        keep_unit = np.ones(n_units, dtype=bool)
        keep_unit[incomplete] = False
        if not keep_unit.any():
            raise PanelError(f"No unit is observed in every period: {described}.")
        keep_row = keep_unit[unit_index] & ~missing_outcome
        remap = np.cumsum(keep_unit) - 1
        units = units[keep_unit]
        cohort_low = cohort_low[keep_unit]
        unit_index = remap[unit_index[keep_row]]
        period_index = period_index[keep_row]
        outcome_of_row = outcome_of_row[keep_row]
        covariate_of_row = {name: values[keep_row] for name, values in covariate_of_row.items()}
        n_units = len(units)
        cell = unit_index * n_periods + period_index

    outcome_matrix = np.empty((n_units, n_periods), dtype=np.float64)
    outcome_matrix.reshape(-1)[cell] = outcome_of_row
    covariate_matrix: npt.NDArray[np.float64] | None = None
    if covariate_of_row:
        covariate_matrix = np.empty((n_units, len(covariate_of_row)), dtype=np.float64)
        for column, (name, values) in enumerate(covariate_of_row.items()):
            by_cell = np.full((n_units, n_periods), np.nan)
            by_cell[unit_index, period_index] = values
            first = by_cell[:, 0]
            if not np.isfinite(first).all():
                lacking = list(units[~np.isfinite(first)])
                raise PanelError(
                    f"The covariate {name!r} is missing in the first period ({periods[0]}) for "
                    f"units {_listed(lacking)}; covariates are taken from the first period."
                )
            varying = np.flatnonzero(np.nanmax(np.abs(by_cell - first[:, None]), axis=1) > 0)
            if varying.size:
                notes.append(
                    Note(
                        code="covariate_time_varying",
                        message=(
                            f"The covariate {name!r} changes over time for {varying.size} units "
                            f"(e.g. {_listed(list(units[varying]))}); its value in the first "
                            f"period ({periods[0]}) is used."
                        ),
                        severity="info",
                        params={
                            "covariate": str(name),
                            "count": str(varying.size),
                            "listed": shown(list(units[varying])),
                            "first": str(periods[0]),
                        },
                    )
                )
            covariate_matrix[:, column] = first

    notes.extend(_cohort_notes(cohort_low, periods))
    panel = Panel(
        units=units,
        periods=periods.astype(np.int64),
        outcome=outcome_matrix,
        cohort=cohort_low.astype(np.int64),
        covariates=covariate_matrix,
        covariate_names=tuple(covariate_of_row),
    )
    return panel, notes


def _cohort_notes(cohort: npt.NDArray[np.int64], periods: npt.NDArray[np.int64]) -> list[Note]:
    notes = []
    first, last = int(periods[0]), int(periods[-1])
    cohorts, sizes = np.unique(cohort[cohort > 0], return_counts=True)
    for value, size in zip(cohorts.tolist(), sizes.tolist(), strict=True):
        if value <= first:
            notes.append(
                Note(
                    code="cohort_outside_periods",
                    message=(
                        f"Cohort {value} ({counted(size, 'unit')}) is treated in or before the "
                        f"first observed period ({first}): it has no pre-treatment period, so "
                        f"the estimators drop it."
                    ),
                    severity="warning",
                    params={"cohort": str(value), "units": str(size), "first": str(first)},
                    sentence="cohort_before_first_period",
                )
            )
        elif value > last:
            notes.append(
                Note(
                    code="cohort_outside_periods",
                    message=(
                        f"Cohort {value} ({counted(size, 'unit')}) is first treated after the "
                        f"last observed period ({last}): within the data these units are "
                        f"untreated, so the estimators use them as never treated."
                    ),
                    severity="warning",
                    params={"cohort": str(value), "units": str(size), "last": str(last)},
                )
            )
        elif value not in periods:
            notes.append(
                Note(
                    code="cohort_between_periods",
                    message=(
                        f"Cohort {value} ({counted(size, 'unit')}) is not one of the observed "
                        f"periods; its first treated period is taken as the first observed "
                        f"period after {value}."
                    ),
                    severity="info",
                    params={"cohort": str(value), "units": str(size)},
                )
            )
    return notes


def panel_from_csv(
    path_or_file: str | IO[str] | IO[bytes] | Any,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    covariates: Sequence[str] = (),
    unbalanced: Literal["error", "drop"] = "error",
) -> tuple[Panel, list[Note]]:
    """Read a long panel from a CSV file with a header row; errors name the file's line."""
    import pandas as pd

    try:
        table = pd.read_csv(path_or_file, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError as error:
        raise PanelError(f"The file {error.filename} does not exist.") from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise PanelError(f"The file cannot be read as CSV: {error}") from error
    wanted = [unit, time, cohort, outcome, *covariates]
    absent = [column for column in wanted if column not in table.columns]
    if absent:
        raise PanelError(
            f"The file has no column {_listed([repr(c) for c in absent])}; its columns are "
            f"{', '.join(repr(str(c)) for c in table.columns)}."
        )
    return panel_from_long(
        table[unit].to_numpy(),
        table[time].to_numpy(),
        table[cohort].to_numpy(),
        table[outcome].to_numpy(),
        {name: table[name].to_numpy() for name in covariates},
        unbalanced=unbalanced,
        first_row=2,
        row_name="line",
    )
