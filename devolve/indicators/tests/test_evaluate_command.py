"""`devolve evaluate did`: the report, the JSON document and refusals of bad input."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devolve.indicators.tests.fixtures import FIXTURES

COLUMNS = [
    "--unit",
    "zone",
    "--time",
    "year",
    "--cohort",
    "first_pilot_year",
    "--outcome",
    "log_grp",
]


def evaluate(*arguments: str) -> str:
    output = io.StringIO()
    call_command("evaluate", "did", *arguments, stdout=output)
    return output.getvalue()


def test_prints_cells_aggregations_and_notes() -> None:
    report = evaluate(
        str(FIXTURES / "zones_panel.csv"), *COLUMNS, "--covariates", "score", "--bootstrap", "99"
    )
    assert "method dr, comparison never treated, covariates score" in report
    assert "40 units: 14 treated in cohorts 2016, 2018, 26 never treated" in report
    assert "    2016     2016      0" in report  # the first post-treatment cell
    for title in ("Overall ATT (simple)", "By cohort", "By event time", "By calendar period"):
        assert title in report
    assert "uniform band (critical value" in report
    assert "Imputation (Borusyak–Jaravel–Spiess): overall ATT" in report
    assert "headline allowed: yes" in report
    assert "[info] estimators_overall:" in report


def test_json_follows_the_documented_schema() -> None:
    document = json.loads(
        evaluate(
            str(FIXTURES / "zones_panel.csv"),
            *COLUMNS,
            "--method",
            "reg",
            "--control",
            "notyet",
            "--bootstrap",
            "0",
            "--json",
        )
    )
    assert document["schema_version"] == 1
    assert (document["method"], document["control"], document["bootstrap_draws"]) == (
        "reg",
        "notyet",
        0,
    )
    assert set(document["aggregations"]) == {"simple", "cohort", "event", "calendar"}
    assert document["aggregations"]["event"]["critical_value"] is None
    assert {row["band_low"] for row in document["aggregations"]["event"]["rows"]} == {None}
    first = document["att_gt"][0]
    assert set(first) == {
        "cohort",
        "period",
        "event_time",
        "base_period",
        "att",
        "se",
        "n_treated",
        "n_control",
    }
    assert document["imputation"]["estimator"] == "borusyak_jaravel_spiess"
    assert document["imputation"]["comparison"][0]["code"] == "estimators_overall"
    assert document["diagnostics"]["n_units"] == 40


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("duplicate_rows.csv", "1 unit-period appears more than once: unit Z02 in period 2019"),
        ("text_outcome.csv", r"The outcome is not a number in line 3 ('n/a')"),
        ("missing.csv", "does not exist"),
    ],
)
def test_bad_input_is_a_command_error_and_prints_nothing(fixture: str, message: str) -> None:
    output = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("evaluate", "did", str(FIXTURES / fixture), *COLUMNS, stdout=output)
    assert message in str(raised.value)
    assert output.getvalue() == ""


def test_unknown_column_is_named() -> None:
    with pytest.raises(CommandError, match="no column 'grp'"):
        evaluate(str(FIXTURES / "zones_panel.csv"), *COLUMNS[:-1], "grp")


def test_no_never_treated_units_with_never_treated_comparison_is_refused(tmp_path: Path) -> None:
    panel = tmp_path / "all_treated.csv"
    panel.write_text(
        "zone,year,first_pilot_year,log_grp\n"
        + "".join(
            f"Z{unit},{year},{2019 + unit % 2},{unit + year / 100}\n"
            for unit in range(4)
            for year in range(2017, 2021)
        )
    )
    with pytest.raises(CommandError, match="No never-treated units"):
        evaluate(str(panel), *COLUMNS)


def test_clusters_units_by_a_column_for_the_wild_bootstrap(tmp_path: Path) -> None:
    source = (FIXTURES / "zones_panel.csv").read_text().splitlines()
    rows = [source[0] + ",region"]
    rows += [f"{line},R{int(line.split(',')[0][1:]) % 8}" for line in source[1:]]
    panel = tmp_path / "clustered.csv"
    panel.write_text("\n".join(rows) + "\n")
    arguments = [str(panel), *COLUMNS, "--method", "reg", "--bootstrap", "0", "--json"]
    document = json.loads(evaluate(*arguments, "--cluster", "region", "--wild-draws", "199"))
    wild = document["aggregations"]["simple"]["wild"]
    assert wild["n_clusters"] == 8
    assert wild["draws"] == 199
    assert wild["weights"] == "webb"
    assert wild["ci_low"] < document["aggregations"]["simple"]["overall"]["att"] < wild["ci_high"]
    by_zone = json.loads(evaluate(*arguments, "--wild-draws", "199"))
    assert by_zone["aggregations"]["simple"]["wild"]["n_clusters"] == 40
    with pytest.raises(CommandError, match="no column 'district' for --cluster"):
        evaluate(*arguments, "--cluster", "district")


def synth(*arguments: str) -> str:
    output = io.StringIO()
    call_command("evaluate", "synth", *arguments, stdout=output)
    return output.getvalue()


PROP99 = [
    str(FIXTURES / "prop99_smoking.csv"),
    "--unit",
    "state",
    "--time",
    "year",
    "--outcome",
    "cigsale",
    "--treated",
    "California",
    "--treatment-time",
    "1989",
]


def test_synth_json_holds_weights_gaps_and_the_placebo_floor() -> None:
    document = json.loads(synth(*PROP99, "--variant", "outcome", "--json"))
    assert document["variant"] == "outcome"
    assert len(document["weights"]) == 38
    assert sum(document["weights"].values()) == pytest.approx(1.0)
    assert document["v_weights"] is None
    assert sorted(document["gaps"]) == [str(year) for year in range(1970, 2001)]
    assert document["placebo_p_floor"] == pytest.approx(1 / 39)
    assert document["placebo_p"] >= document["placebo_p_floor"]
    assert document["pre_rmspe"] > 0
    assert set(document["leave_one_out"]) <= set(document["weights"])
    assert sorted(document["conformal"]) == [str(year) for year in range(1989, 2001)]
    assert all(low <= high for low, high in document["conformal"].values())


def test_synth_leaves_out_excluded_units_and_names_the_search_for_v() -> None:
    arguments = ["--predictor", "retprice:1980-1988", "--predictor", "cigsale:1988"]
    arguments += ["--fit-periods", "1980-1988", "--v-search", "multistart"]
    arguments += ["--exclude", "Utah", "--exclude", "Nevada", "--json"]
    document = json.loads(synth(*PROP99, *arguments))
    assert document["variant"] == "adh"
    assert document["v_search"] == "multistart"
    assert len(document["weights"]) == 36
    assert {"Utah", "Nevada"}.isdisjoint(document["weights"])
    assert document["placebo_p_floor"] == pytest.approx(1 / 37)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (["--treated", "Puerto Rico", "--predictor", "retprice"], "treated_missing"),
        (["--predictor", "beer:1985-1990"], "predictor_window"),
        (["--predictor", "tax:1980-1988"], "missing_column"),
        ([], "no_predictors"),
        (["--predictor", "retprice", "--fit-periods", "1985-1990"], "bad_fit_periods"),
        (["--predictor", "retprice", "--fit-periods", "1988"], "bad_fit_periods"),
    ],
)
def test_synth_refuses_bad_input_with_its_code(arguments: list[str], code: str) -> None:
    with pytest.raises(CommandError, match=rf"^\[{code}\]"):
        synth(*PROP99, *arguments)
