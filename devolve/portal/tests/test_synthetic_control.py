"""Shaping stored synthetic controls for the evaluation page."""

import pytest

from devolve.core.numbers import number
from devolve.indicators.models import EvaluationRun
from devolve.portal.synthetic_control import synth_panels, synth_placebo_count

pytestmark = pytest.mark.django_db

PERIODS = [2019, 2020, 2021, 2022, 2023]


def fit(variant: str, n_placebos: int = 4) -> dict[str, object]:
    return {
        "variant": variant, "synthetic": [1.0, 2.0, 3.0, 4.0, 4.0], "gap": [0, 0, 0, 0, 1.5],
        "pre_rmspe": 0.2, "p_value": 0.4, "p_floor": 1 / (n_placebos + 1),
        "n_placebos": n_placebos, "weights": {"zone-a": 0.7, "zone-b": 0.3},
    }  # fmt: skip


def test_each_fit_is_a_named_row_and_a_chart_line() -> None:
    chart = {
        "unit": "pilot", "cohort": 2023, "periods": PERIODS, "treated": [1, 2, 3, 4, 5.5],
        "fits": [fit("adh") | {"in_time": {"start": 2021, "mean_gap": 0.3, "pre_rmspe": 0.1}},
                 fit("shift")],
        "conformal": {"variant": "shift", "alpha": 0.2, "intervals": [
            {"period": 2023, "low": -0.5, "high": 2.0, "open_ended": True}]},
    }  # fmt: skip

    (panel,) = synth_panels(EvaluationRun(results={"synth": [chart]}))

    assert [row.variant for row in panel.fits] == ["adh", "shift"]
    assert [row.gap_after for row in panel.fits] == ["+1.5", "+1.5"]
    assert (panel.fits[0].in_time_start, panel.fits[0].in_time_gap) == (2021, "+0.3")
    assert panel.fits[1].in_time_start is None
    assert len(panel.chart["lines"]) == 3
    assert panel.conformal == [("2023", f"[{number(-0.5, 1)}, 2.0]", True)]
    assert panel.conformal_level == 80
    assert synth_placebo_count([panel]) == (4, 5, "0.20")


def test_a_run_stored_before_adh_shows_its_one_fit() -> None:
    chart = {"unit": "pilot", "cohort": 2023, "periods": PERIODS, "treated": [1, 2, 3, 4, 5.5]}

    (panel,) = synth_panels(EvaluationRun(results={"synth": [chart | fit("shift")]}))

    assert [row.variant for row in panel.fits] == ["shift"]
    assert panel.conformal == []
    assert panel.conformal_level is None


def test_no_single_floor_when_fits_have_different_placebo_counts() -> None:
    chart = {
        "unit": "pilot", "cohort": 2023, "periods": PERIODS, "treated": [1, 2, 3, 4, 5.5],
        "fits": [fit("adh", n_placebos=4), fit("shift", n_placebos=3)],
    }  # fmt: skip

    assert synth_placebo_count(synth_panels(EvaluationRun(results={"synth": [chart]}))) is None
