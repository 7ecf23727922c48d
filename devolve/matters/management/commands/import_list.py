import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devolve.core.actions import render_text
from devolve.core.actors import SYSTEM
from devolve.core.commands import domain_errors_as_command_errors
from devolve.matters.list_import import ImportPlan, RowAction, WorkbookRefused, plan_list_import
from devolve.matters.selectors import get_annual_list_by_key
from devolve.matters.services import import_list_workbook


class Command(BaseCommand):
    help = (
        "Check an official list workbook (.xlsx, CSV, or an edition's JSON export) against a "
        "draft edition and print what it would add and change, or every error by row and column "
        '(exit 1). With --apply, write it. With --json, print one object: {"added", "changed", '
        '"unchanged", "withdrawn", '
        '"errors": [{"row", "column", "code", "message", "value"}]}, "value" being the cell as the '
        'file holds it; "withdrawn" counts the entries of '
        "the edition the workbook leaves out (they stay until withdrawn on the edition's page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="The workbook (.xlsx), CSV file or JSON export."
        )
        parser.add_argument(
            "--list", dest="list_key", required=True, help="The edition, e.g. 2024/batch-1."
        )
        parser.add_argument("--apply", action="store_true", help="Write the workbook's rows.")
        parser.add_argument("--reason", default="", help="Why entries change (for --apply).")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.as_json = options["json"]
        annual_list = get_annual_list_by_key(key=options["list_key"])
        if annual_list is None:
            raise CommandError(f"[unknown_list] no edition {options['list_key']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"[no_file] {path} is not a file")
        with path.open("rb") as workbook:
            if options["apply"]:
                with domain_errors_as_command_errors():
                    try:
                        plan = import_list_workbook(
                            annual_list=annual_list,
                            workbook=workbook,
                            imported_by=SYSTEM,
                            reason=options["reason"],
                            source_name=path.name,
                        )
                    except WorkbookRefused as refused:
                        self._refuse(refused.plan)
            else:
                plan = plan_list_import(annual_list=annual_list, workbook=workbook, keep_rows=False)
        if not plan.is_valid:
            self._refuse(plan)
        self._print_plan(plan, applied=options["apply"])

    def _refuse(self, plan: ImportPlan) -> NoReturn:
        if self.as_json:
            self._print_json(plan)
            raise CommandError(f"[invalid_workbook] {plan.error_count} error(s)", returncode=1)
        for error in plan.errors:
            where = f"row {error.row}" if error.row is not None else "file"
            column = f", {error.column}" + (f" ({error.letter})" if error.letter else "")
            value = f" [cell: {error.value!r}]" if error.value else ""
            message = render_text(error.message)
            self.stderr.write(f"{where}{column if error.column else ''}: {message}{value}")
        if plan.error_count > len(plan.errors):
            self.stderr.write(f"… and {plan.error_count - len(plan.errors)} more")
        raise CommandError(f"[invalid_workbook] {plan.error_count} error(s); nothing was written")

    def _print_json(self, plan: ImportPlan) -> None:
        counts = plan.counts
        result = {
            "added": counts["add"],
            "changed": counts["change"],
            "unchanged": counts["unchanged"],
            "withdrawn": counts["missing"],
            "errors": [
                {"row": error.row, "column": error.column, "code": error.code,
                 "message": render_text(error.message), "value": error.value}
                for error in plan.errors
            ],
        }  # fmt: skip
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _print_plan(self, plan: ImportPlan, *, applied: bool) -> None:
        if self.as_json:
            self._print_json(plan)
            return
        counts = plan.counts
        verb = "applied" if applied else "dry run"
        self.stdout.write(
            f"{verb}: {counts['add']} to add ({counts['new_matters']} new matters), "
            f"{counts['change']} to change, {counts['unchanged']} unchanged, "
            f"{counts['missing']} entries of the edition not in the workbook"
        )
        for row in plan.rows_to(RowAction.ADD):
            self.stdout.write(f"+ row {row.row}: {row.values.sequence}. {row.values.matter_name}")
        for row in plan.rows_to(RowAction.CHANGE):
            self.stdout.write(f"~ row {row.row}: {row.values.sequence}. {row.values.matter_name}")
            for change in row.changes:
                self.stdout.write(f"    {change.column}: {change.before} → {change.after}")
        for entry in plan.missing:
            self.stdout.write(f"? not in the workbook: {entry.sequence}. {entry.matter_name}")
