"""`devolve evaluate did PANEL.csv …`: staggered difference-in-differences on any long panel in
CSV, without the database; `devolve evaluate synth PANEL.csv …`: a synthetic control for one
treated unit. Uses only indicators.analytics; the JSON schemas are documented in
docs/how-to/evaluate-a-panel.md."""

import dataclasses
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.indicators.analytics.aggregation import Aggregation
from devolve.indicators.analytics.did import CSResult, callaway_santanna, result_to_json
from devolve.indicators.analytics.imputation import (
    bjs_imputation,
    compare_estimators,
    imputation_to_json,
)
from devolve.indicators.analytics.panel import Note, Panel, PanelError, panel_from_csv
from devolve.indicators.analytics.synth import (
    V_SEARCHES,
    VARIANTS,
    SynthInputError,
    conformal_intervals,
    leave_one_out,
    mean_post_gap,
    placebo_test,
)
from devolve.indicators.analytics.synth_inputs import (
    fit_periods,
    parse_predictor,
    synth_panel_from_table,
)

AGGREGATION_TITLES = {
    "cohort": "By cohort (first treated period)",
    "event": "By event time (periods since treatment)",
    "calendar": "By calendar period",
}


def _number(value: float | None, digits: int = 4) -> str:
    if value is None or value != value:  # NaN
        return "—"
    return f"{value:.{digits}f}"


def _clusters(path: str, unit: str, column: str, panel: Panel) -> list[str] | None:
    """The cluster of each of the panel's units, from the CSV column (one value per unit)."""
    if not column:
        return None
    import pandas as pd

    table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    if column not in table.columns:
        raise PanelError(f"The file has no column {column!r} for --cluster.")
    pairs = table[[unit, column]].drop_duplicates()
    if pairs[unit].duplicated().any():
        changing = sorted(pairs.loc[pairs[unit].duplicated(), unit].tolist())[:3]
        raise PanelError(
            f"The cluster column {column!r} changes within units {', '.join(changing)}."
        )
    cluster_of = dict(zip(pairs[unit], pairs[column], strict=True))
    return [cluster_of[str(value)] for value in panel.units.tolist()]


class Command(BaseCommand):
    help = (
        "Estimate a programme's effect on a long panel in CSV "
        "(see docs/how-to/evaluate-a-panel.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        estimators = parser.add_subparsers(dest="estimator", required=True, metavar="ESTIMATOR")
        did = estimators.add_parser(
            "did",
            help="Callaway–Sant'Anna staggered difference-in-differences, with imputation "
            "(Borusyak–Jaravel–Spiess) as a second estimator.",
        )
        did.add_argument(
            "panel", metavar="PANEL.csv", help="Long panel: one row per unit and period."
        )
        did.add_argument("--unit", required=True, help="Column identifying the unit.")
        did.add_argument("--time", required=True, help="Column with the period (an integer).")
        did.add_argument(
            "--cohort", required=True, help="Column with the first treated period, 0 if never."
        )
        did.add_argument("--outcome", required=True, help="Column with the outcome.")
        did.add_argument("--control", choices=["never", "notyet"], default="never")
        did.add_argument("--method", choices=["reg", "ipw", "dr"], default="dr")
        did.add_argument(
            "--covariates",
            default="",
            help="Comma-separated covariate columns (their first-period values are used).",
        )
        did.add_argument("--base-period", choices=["varying", "universal"], default="varying")
        did.add_argument("--anticipation", type=int, default=0)
        did.add_argument("--alpha", type=float, default=0.05)
        did.add_argument("--bootstrap", type=int, default=999, help="Draws; 0 for no bands.")
        did.add_argument("--seed", type=int, default=0)
        did.add_argument(
            "--pretrend-permutations",
            type=int,
            default=999,
            help="Permutations of the cohorts for the randomisation pre-trend test (0: none; "
            "panels without covariates only).",
        )
        did.add_argument(
            "--cluster",
            default="",
            help="Column whose value groups units into clusters (e.g. a prefecture) for the wild "
            "cluster bootstrap of the overall effects; each unit its own cluster if omitted.",
        )
        did.add_argument(
            "--wild-draws",
            type=int,
            default=9999,
            help="Wild cluster bootstrap-t draws for the overall effects (0: none).",
        )
        did.add_argument("--wild-weights", choices=["rademacher", "webb"], default="webb")
        did.add_argument(
            "--unbalanced",
            choices=["error", "drop"],
            default="error",
            help="Units not observed in every period: refuse (default) or drop them.",
        )
        did.add_argument("--json", action="store_true", help="Print the result as JSON.")

        synth = estimators.add_parser(
            "synth",
            help="Synthetic control for one treated unit (Abadie–Diamond–Hainmueller or a named "
            "variant), with placebo-in-space inference.",
        )
        synth.add_argument(
            "panel", metavar="PANEL.csv", help="Long panel: one row per unit and period."
        )
        synth.add_argument("--unit", required=True, help="Column identifying the unit.")
        synth.add_argument("--time", required=True, help="Column with the period (an integer).")
        synth.add_argument("--outcome", required=True, help="Column with the outcome.")
        synth.add_argument("--treated", required=True, help="The treated unit's identifier.")
        synth.add_argument(
            "--treatment-time", type=int, required=True, help="The first treated period."
        )
        synth.add_argument(
            "--predictor",
            action="append",
            default=[],
            metavar="COL[:FROM-TO]",
            help="A predictor: the column's mean over FROM…TO (or its value in one period, "
            "COL:YEAR; all pre-periods without a window). Repeat for several.",
        )
        synth.add_argument(
            "--exclude",
            action="append",
            default=[],
            metavar="UNIT",
            help="A unit to leave out (e.g. an aggregate of the others). Repeat for several.",
        )
        synth.add_argument("--variant", choices=sorted(VARIANTS), default="adh")
        synth.add_argument(
            "--fit-periods",
            metavar="FROM-TO",
            help="Pre-treatment periods whose outcome V is chosen to fit (variant adh; all "
            "pre-treatment periods by default).",
        )
        synth.add_argument(
            "--v-search",
            choices=sorted(V_SEARCHES),
            default="synth",
            help="Where the search for V starts (variant adh): Synth's own path (default) or "
            "also from many other starting points.",
        )
        synth.add_argument("--seed", type=int, default=0, help="Seed of the search for V.")
        synth.add_argument(
            "--conformal-alpha",
            type=float,
            default=0.1,
            help="Level of the conformal prediction intervals of the post-period gaps "
            "(outcome-only fit; de-meaned for --variant shift).",
        )
        synth.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["estimator"] == "synth":
            self._synth(options)
            return
        covariates = [name.strip() for name in options["covariates"].split(",") if name.strip()]
        try:
            panel, panel_notes = panel_from_csv(
                options["panel"],
                unit=options["unit"],
                time=options["time"],
                cohort=options["cohort"],
                outcome=options["outcome"],
                covariates=covariates,
                unbalanced=options["unbalanced"],
            )
            clusters = _clusters(options["panel"], options["unit"], options["cluster"], panel)
            result = callaway_santanna(
                panel,
                control=options["control"],
                method=options["method"],
                base_period=options["base_period"],
                alpha=options["alpha"],
                bootstrap=options["bootstrap"],
                seed=options["seed"],
                anticipation=options["anticipation"],
                pretrend_draws=options["pretrend_permutations"],
                clusters=clusters,
                wild_draws=options["wild_draws"],
                wild_weights=options["wild_weights"],
            )
            imputation = bjs_imputation(
                panel, alpha=options["alpha"], covariate_trends=bool(covariates),
                clusters=clusters, wild_draws=options["wild_draws"],
                wild_weights=options["wild_weights"], seed=options["seed"],
            )  # fmt: skip
        except (PanelError, ValueError) as error:
            raise CommandError(str(error)) from error
        diagnostics = result.diagnostics
        result = dataclasses.replace(
            result,
            diagnostics=dataclasses.replace(diagnostics, notes=(*panel_notes, *diagnostics.notes)),
        )
        comparison = compare_estimators(result, imputation)
        if options["json"]:
            document = result_to_json(result)
            document["imputation"] = imputation_to_json(imputation, comparison)
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        self._write_report(result, imputation, comparison)

    def _synth(self, options: dict[str, Any]) -> None:
        import pandas as pd

        try:
            table = pd.read_csv(
                options["panel"], dtype=str, keep_default_na=False, skipinitialspace=True
            )
        except FileNotFoundError as error:
            raise CommandError(f"The file {error.filename} does not exist.") from error
        try:
            if options["exclude"] and options["unit"] in table.columns:
                table = table[~table[options["unit"]].isin(options["exclude"])]
            study = synth_panel_from_table(
                table,
                unit=options["unit"],
                time=options["time"],
                outcome=options["outcome"],
                treated=options["treated"],
                treatment_time=options["treatment_time"],
                predictors=[parse_predictor(text) for text in options["predictor"]],
            )
            variant = options["variant"]
            optimise = fit_periods(study.periods, study.n_pre, options["fit_periods"])
            fit, placebo = placebo_test(
                study.outcome, study.treated, study.donors, study.n_pre, variant=variant,
                predictors=study.predictors, optimise=optimise, v_search=options["v_search"],
                seed=options["seed"],
            )  # fmt: skip
            conformal = conformal_intervals(
                study.outcome[study.treated], study.outcome[study.donors].T, study.n_pre,
                intercept=variant == "shift", alpha=options["conformal_alpha"],
            )  # fmt: skip
            refits = leave_one_out(
                study.outcome, study.treated, study.donors, study.n_pre, variant=variant,
                predictors=study.predictors, optimise=optimise, v_search=options["v_search"],
                seed=options["seed"],
            )  # fmt: skip
        except SynthInputError as error:
            raise CommandError(f"[{error.code}] {error}") from error
        document = {
            "estimator": "synthetic_control",
            "variant": variant,
            "variant_name": VARIANTS[variant],
            "treated": study.units[study.treated],
            "treatment_time": options["treatment_time"],
            "weights": {
                study.units[donor]: weight
                for donor, weight in zip(study.donors, fit.weights.tolist(), strict=True)
            },
            "v_search": fit.v_search,
            "v_weights": (
                dict(zip(study.predictor_labels, fit.v_weights.tolist(), strict=True))
                if fit.v_weights is not None
                else None
            ),
            "intercept": fit.intercept,
            "pre_rmspe": fit.pre_rmspe,
            "post_rmspe": fit.post_rmspe,
            "gaps": {
                str(period): gap
                for period, gap in zip(study.periods.tolist(), fit.gap.tolist(), strict=True)
            },
            "mean_post_gap": mean_post_gap(fit),
            "placebo_p": placebo.p_value,
            "placebo_p_floor": placebo.floor,
            "n_placebos": placebo.n_placebos,
            "leave_one_out": {
                study.units[donor]: mean_post_gap(refit) for donor, refit in refits.items()
            },
            "conformal_alpha": options["conformal_alpha"],
            "conformal": {
                str(study.periods[interval.period_index]): [interval.low, interval.high]
                for interval in conformal
            },
        }
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        write = self.stdout.write
        write(f"Synthetic control ({VARIANTS[variant]}) for {document['treated']}, "
              f"treated from {options['treatment_time']}")  # fmt: skip
        write("Weights:")
        for name, weight in sorted(document["weights"].items(), key=lambda item: -item[1]):
            if weight >= 0.001:
                write(f"  {name:<24} {weight:.3f}")
        if document["v_weights"]:
            write("Predictor weights (V):")
            for label, weight in document["v_weights"].items():
                write(f"  {label:<24} {weight:.3f}")
        write(f"Pre-treatment RMSPE {_number(fit.pre_rmspe)}; mean gap after "
              f"{_number(document['mean_post_gap'])}")  # fmt: skip
        write(f"Placebo p-value {placebo.p_value:.4f} over {placebo.n_placebos} placebos "
              f"(the smallest possible is {placebo.floor:.4f})")  # fmt: skip
        for name, gap in document["leave_one_out"].items():
            write(f"  without {name}: mean gap after {_number(gap)}")
        level = round(100 * (1 - options["conformal_alpha"]))
        write(f"Conformal {level}% intervals of the gap (Chernozhukov–Wüthrich–Zhu):")
        for period, (low, high) in document["conformal"].items():
            write(f"  {period}: [{_number(low, 2)}, {_number(high, 2)}]")

    def _write_report(
        self, result: CSResult, imputation: Any, comparison: tuple[Note, ...]
    ) -> None:
        write = self.stdout.write
        diagnostics = result.diagnostics
        covariates = ", ".join(result.covariate_names) or "none"
        comparison_group = {"never": "never treated", "notyet": "not yet treated"}[result.control]
        write(
            f"Callaway–Sant'Anna, method {result.method}, comparison {comparison_group}, "
            f"covariates {covariates}, base period {result.base_period}"
        )
        write(
            f"{diagnostics.n_units} units: {diagnostics.n_treated_units} treated in cohorts "
            f"{', '.join(map(str, diagnostics.cohorts))}, {diagnostics.n_control_units} never "
            f"treated"
        )
        write("")
        write("ATT(g,t)")
        write(
            f"{'cohort':>8} {'period':>8} {'event':>6} {'ATT':>10} {'SE':>10} {'treated':>8} "
            f"{'compared':>9}"
        )
        for cell in result.att_gt:
            write(
                f"{cell.cohort:>8} {cell.period:>8} {cell.event_time:>6} {_number(cell.att):>10} "
                f"{_number(cell.se):>10} {cell.n_treated:>8} {cell.n_control:>9}"
            )
        level = round(100 * (1 - result.alpha))
        simple = result.aggregations["simple"].overall
        wild = result.aggregations["simple"].wild
        write("")
        if simple is not None:
            headline = "" if diagnostics.headline_allowed else "  (NOT a headline: see notes)"
            write(
                f"Overall ATT (simple): {_number(simple.att)} (SE {_number(simple.se)}), "
                f"{level}% CI [{_number(simple.ci_low)}, {_number(simple.ci_high)}]{headline}"
            )
        if wild is not None:
            write(
                f"  wild cluster bootstrap-t ({wild.weights} weights, {wild.n_clusters} clusters, "
                f"{wild.draws} draws): clustered SE {_number(wild.se)}, {level}% CI "
                f"[{_number(wild.ci_low)}, {_number(wild.ci_high)}], p = {_number(wild.p_value)}"
            )
        for kind, title in AGGREGATION_TITLES.items():
            self._write_aggregation(title, result.aggregations[kind], level)
        write("")
        overall = imputation.overall
        write(
            f"Imputation (Borusyak–Jaravel–Spiess): overall ATT {_number(overall.att)} "
            f"(SE {_number(overall.se)}), {level}% CI [{_number(overall.ci_low)}, "
            f"{_number(overall.ci_high)}]; pre-trend test p = {_number(imputation.pretrend_p)}"
        )
        write("")
        write("Diagnostics")
        if diagnostics.pscore_min is not None:
            write(
                f"  propensity scores between {_number(diagnostics.pscore_min)} and "
                f"{_number(diagnostics.pscore_max)}"
            )
        if diagnostics.pretrend_chi2 is not None:
            write(
                f"  pre-trend Wald test: chi2 = {_number(diagnostics.pretrend_chi2, 2)}, "
                f"df = {diagnostics.pretrend_df}, asymptotic p = {_number(diagnostics.pretrend_p)}"
            )
        if diagnostics.pretrend_randomisation_p is not None:
            write(
                f"  pre-trend randomisation test: p = "
                f"{_number(diagnostics.pretrend_randomisation_p)} over "
                f"{diagnostics.pretrend_randomisation_draws} permutations of the cohorts"
            )
        write(f"  dropped cohorts: {', '.join(map(str, diagnostics.dropped_cohorts)) or 'none'}")
        dropped = ", ".join(f"({g}, {t})" for g, t in diagnostics.dropped_cells)
        write(f"  dropped cells: {dropped or 'none'}")
        write(f"  headline allowed: {'yes' if diagnostics.headline_allowed else 'no'}")
        for note in (*diagnostics.notes, *imputation.notes, *comparison):
            write(f"  [{note.severity}] {note.code}: {note.message}")

    def _write_aggregation(self, title: str, aggregation: Aggregation, level: int) -> None:
        write = self.stdout.write
        write("")
        overall = aggregation.overall
        summary = (
            f": overall {_number(overall.att)} (SE {_number(overall.se)})"
            if overall is not None
            else ""
        )
        write(f"{title}{summary}")
        band = (
            f"uniform band (critical value {aggregation.critical_value:.2f})"
            if aggregation.critical_value is not None
            else "no bootstrap band"
        )
        write(f"{'key':>8} {'ATT':>10} {'SE':>10} {f'{level}% CI':>23}   {band}")
        for row in aggregation.rows:
            interval = f"[{_number(row.ci_low)}, {_number(row.ci_high)}]"
            uniform = (
                f"[{_number(row.band_low)}, {_number(row.band_high)}]"
                if row.band_low is not None
                else ""
            )
            write(
                f"{row.key:>8} {_number(row.att):>10} {_number(row.se):>10} {interval:>23}   "
                f"{uniform}"
            )
