"""``devolve select ROUND [--json] [--score]``: a round's current result, as a table or as the
JSON document the API serves (schema ``devolve.selection.result/1``)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.actors import SYSTEM
from devolve.core.commands import run_service
from devolve.selection.selectors import current_result, get_round, result_document
from devolve.selection.services import score_round


class Command(BaseCommand):
    help = "Print a selection round's result (ranking, chosen set, swaps, sensitivity)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="The round's key (slug) or id.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument(
            "--score",
            action="store_true",
            help="Score the round first with its stored inputs (stores a new result).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        selection_round = get_round(key=options["round"])
        if selection_round is None:
            raise CommandError(f"no selection round {options['round']!r}")
        if options["score"]:
            run_service(score_round, selection_round=selection_round, scored_by=SYSTEM)
        result = current_result(selection_round=selection_round)
        if result is None:
            raise CommandError(
                f"round {selection_round.slug} has not been scored; run with --score"
            )
        document = result_document(result)
        if options["json"]:
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self._table(document)

    def _table(self, document: dict[str, Any]) -> None:
        summary = document["round"]
        choice = document["choice"]
        self.stdout.write(f"{summary['title_en']} ({summary['slug']}), status {summary['status']}")
        if summary["is_illustrative"]:
            self.stdout.write("Candidate values are ILLUSTRATIVE, not official statistics.")
        self.stdout.write(
            f"Method {summary['method']}; solver {choice['solver_status']}, "
            f"gap {choice['mip_gap']:.2g}; total score {choice['objective']:.4f}; "
            f"{choice['prefectures_covered']} prefectures covered\n"
        )
        self.stdout.write(f"{'rank':>4}  {'score':>6}  {'chosen':>6}  {'in runs':>7}  zone")
        for row in document["candidates"]:
            mark = "yes" if row["selected"] else ""
            imputed = f"  (imputed: {', '.join(row['imputed'])})" if row["imputed"] else ""
            self.stdout.write(
                f"{row['rank']:>4}  {row['score']:>6.3f}  {mark:>6}  "
                f"{row['selection_frequency']:>7.0%}  {row['zone']}{imputed}"
            )
        for excluded in document["excluded"]:
            self.stdout.write(f"   -  excluded  {excluded['zone']}: {excluded['reason']}")
        self.stdout.write(f"\ninput fingerprint {document['input_fingerprint']}")
