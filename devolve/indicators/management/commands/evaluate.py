"""`devolve evaluate did PANEL.csv …`: staggered difference-in-differences on any long panel in
CSV, without the database. Uses only indicators.analytics; the JSON schema is documented in
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
from devolve.indicators.analytics.panel import Note, PanelError, panel_from_csv

AGGREGATION_TITLES = {
    "cohort": "By cohort (first treated period)",
    "event": "By event time (periods since treatment)",
    "calendar": "By calendar period",
}


def _number(value: float | None, digits: int = 4) -> str:
    if value is None or value != value:  # NaN
        return "—"
    return f"{value:.{digits}f}"


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
            "--unbalanced",
            choices=["error", "drop"],
            default="error",
            help="Units not observed in every period: refuse (default) or drop them.",
        )
        did.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
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
            result = callaway_santanna(
                panel,
                control=options["control"],
                method=options["method"],
                base_period=options["base_period"],
                alpha=options["alpha"],
                bootstrap=options["bootstrap"],
                seed=options["seed"],
                anticipation=options["anticipation"],
            )
            imputation = bjs_imputation(
                panel, alpha=options["alpha"], covariate_trends=bool(covariates)
            )
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
        write("")
        if simple is not None:
            headline = "" if diagnostics.headline_allowed else "  (NOT a headline: see notes)"
            write(
                f"Overall ATT (simple): {_number(simple.att)} (SE {_number(simple.se)}), "
                f"{level}% CI [{_number(simple.ci_low)}, {_number(simple.ci_high)}]{headline}"
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
                f"df = {diagnostics.pretrend_df}, p = {_number(diagnostics.pretrend_p)}"
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
