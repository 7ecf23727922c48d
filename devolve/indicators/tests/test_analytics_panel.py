"""Reading a long table into a balanced panel: every bad input is an error naming where it is,
or a note saying what was done."""

import io

import numpy as np
import pytest

from devolve.indicators.analytics.panel import PanelError, panel_from_csv, panel_from_long
from devolve.indicators.tests.fixtures import FIXTURES


def test_reshapes_a_long_table_sorted_by_unit_and_period() -> None:
    panel, notes = panel_from_long(
        unit=["b", "a", "b", "a"],
        time=[2021, 2021, 2020, 2020],
        cohort=[0, 2021, 0, 2021],
        outcome=[4.0, 2.0, 3.0, 1.0],
        covariates={"score": [0.5, 0.25, 0.5, 0.25]},
    )
    assert list(panel.units) == ["a", "b"]
    assert list(panel.periods) == [2020, 2021]
    np.testing.assert_array_equal(panel.outcome, [[1.0, 2.0], [3.0, 4.0]])
    assert list(panel.cohort) == [2021, 0]
    np.testing.assert_array_equal(panel.covariates, [[0.25], [0.5]])
    assert panel.covariate_names == ("score",)
    assert notes == []


def test_numeric_unit_identifiers_become_integers() -> None:
    panel, _ = panel_from_long(["10", "9", "10", "9"], [1, 1, 2, 2], [0] * 4, [1, 2, 3, 4])
    assert list(panel.units) == [9, 10]


def test_duplicate_unit_periods_are_listed() -> None:
    with pytest.raises(
        PanelError,
        match=r"2 unit-periods appear more than once: unit a in period 1, unit b in period 2",
    ):
        panel_from_long(["a", "a", "b", "b", "b", "a"], [1, 1, 1, 2, 2, 2], [0] * 6, [1.0] * 6)


def test_unbalanced_panel_is_an_error_by_default() -> None:
    with pytest.raises(PanelError, match=r"unbalanced: 1 of 2 units .* units b"):
        panel_from_long(["a", "a", "b"], [1, 2, 1], [0, 0, 0], [1.0, 2.0, 3.0])


def test_unbalanced_units_can_be_dropped_with_a_note() -> None:
    panel, notes = panel_from_long(
        ["a", "a", "b", "c", "c"],
        [1, 2, 1, 1, 2],
        [0] * 5,
        [1.0, 2.0, 3.0, 4.0, 5.0],
        unbalanced="drop",
    )
    assert list(panel.units) == ["a", "c"]
    np.testing.assert_array_equal(panel.outcome, [[1.0, 2.0], [4.0, 5.0]])
    assert [note.code for note in notes] == ["unbalanced_dropped"]
    assert "units b" in notes[0].message


def test_missing_outcome_names_the_row() -> None:
    with pytest.raises(PanelError, match=r"the outcome is missing in row 2"):
        panel_from_long(["a", "a"], [1, 2], [0, 0], ["1.5", ""])


def test_non_numeric_outcome_names_the_row_and_value() -> None:
    with pytest.raises(PanelError, match=r"The outcome is not a number in row 3 \('n/a'\)"):
        panel_from_long(["a", "a", "b", "b"], [1, 2, 1, 2], [0] * 4, ["1", "2", "n/a", "4"])


def test_fractional_period_is_an_error() -> None:
    with pytest.raises(
        PanelError, match=r"time period must be a whole number; it is not in row 1 \(2020.5\)"
    ):
        panel_from_long(["a"], [2020.5], [0], [1.0])


def test_cohort_must_be_constant_within_a_unit() -> None:
    with pytest.raises(PanelError, match=r"changes for units a"):
        panel_from_long(["a", "a"], [1, 2], [0, 2], [1.0, 2.0])


def test_negative_cohort_is_an_error() -> None:
    with pytest.raises(PanelError, match=r"negative in row 1"):
        panel_from_long(["a"], [1], [-1], [1.0])


def test_columns_of_different_lengths_are_an_error() -> None:
    with pytest.raises(PanelError, match=r"unit has 2 rows, outcome has 1"):
        panel_from_long(["a", "b"], [1, 1], [0, 0], [1.0])


def test_time_varying_covariate_uses_the_first_period_with_a_note() -> None:
    panel, notes = panel_from_long(["a", "a"], [1, 2], [0, 0], [1.0, 2.0], {"score": [3.0, 4.0]})
    np.testing.assert_array_equal(panel.covariates, [[3.0]])
    assert [note.code for note in notes] == ["covariate_time_varying"]


def test_cohorts_outside_the_observed_periods_get_notes() -> None:
    units = ["early", "early", "late", "late", "gap", "gap", "never", "never"]
    periods = [2, 4] * 4
    cohorts = [2, 2, 9, 9, 3, 3, 0, 0]
    _, notes = panel_from_long(units, periods, cohorts, [1.0] * 8)
    messages = {note.code: [] for note in notes}
    for note in notes:
        messages[note.code].append(note.message)
    assert len(messages["cohort_outside_periods"]) == 2
    assert (
        "Cohort 2 (1 unit) is treated in or before the first observed period"
        in (messages["cohort_outside_periods"][0])
    )
    assert (
        "Cohort 9 (1 unit) is first treated after the last observed period"
        in (messages["cohort_outside_periods"][1])
    )
    assert messages["cohort_between_periods"][0].startswith("Cohort 3 (1 unit) is not one")


def test_reads_the_csv_fixture() -> None:
    panel, notes = panel_from_csv(
        FIXTURES / "zones_panel.csv",
        unit="zone",
        time="year",
        cohort="first_pilot_year",
        outcome="log_grp",
        covariates=["score"],
    )
    assert panel.outcome.shape == (40, 7)
    assert list(panel.periods) == list(range(2014, 2021))
    assert sorted(set(panel.cohort.tolist())) == [0, 2016, 2018]
    assert notes == []


def test_csv_errors_name_the_file_line() -> None:
    text = "zone,year,g,y\nA,2020,0,1.0\nA,2021,0,oops\n"
    with pytest.raises(PanelError, match=r"not a number in line 3 \('oops'\)"):
        panel_from_csv(io.StringIO(text), unit="zone", time="year", cohort="g", outcome="y")


def test_csv_missing_columns_are_listed() -> None:
    text = "zone,year,g,y\nA,2020,0,1.0\n"
    with pytest.raises(
        PanelError, match=r"no column 'grp', 'score'; its columns are 'zone', 'year', 'g', 'y'"
    ):
        panel_from_csv(
            io.StringIO(text),
            unit="zone",
            time="year",
            cohort="g",
            outcome="grp",
            covariates=["score"],
        )
