"""Recording candidates' indicator values, from an imported file or from code (the demo).

Errors raised (``DomainError.code``): ``not_allowed``, ``round_closed``, ``not_a_candidate``,
``unknown_indicator``, ``negative``, ``missing_reason_required``, ``invalid_file`` (with the
plan of every row error).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, person
from devolve.core.errors import DomainError
from devolve.core.events import record_event
from devolve.core.history import mark_change
from devolve.core.spreadsheets.importing import FileHasErrors
from devolve.core.spreadsheets.reading import TABLES, check_upload
from devolve.selection.candidate_import import CandidateImportPlan, plan_candidate_import
from devolve.selection.models import SELECTION_ROUND_LIFECYCLE, CandidateValue, SelectionRound
from devolve.selection.selectors import list_candidate_pool, list_sub_indicators
from devolve.selection.services.rounds import require_selection_manager


@dataclass(frozen=True)
class ValueInput:
    """One cell to record: ``value`` None means missing, and then ``missing_reason`` says why."""

    zone_id: int
    sub_indicator_id: int
    value: float | None
    missing_reason: str = ""
    year: int | None = None
    source: str = ""


@dataclass(frozen=True)
class RecordedValues:
    added: int
    changed: int
    unchanged: int


class CandidateFileRefused(FileHasErrors):
    """A file with errors: nothing of it is recorded. ``plan`` holds every error."""

    plan: CandidateImportPlan
    code_for_errors = "invalid_file"
    message_for_errors = ngettext_lazy(
        "The file has %(count)d error; nothing was imported.",
        "The file has %(count)d errors; nothing was imported.",
        "count",
    )


def _lock_editable_round(selection_round: SelectionRound) -> SelectionRound:
    locked = SelectionRound.objects.select_for_update(of=("self",)).get(pk=selection_round.pk)
    if not locked.is_editable:
        raise DomainError(
            "round_closed",
            _("The round is %(status)s; its candidate data can no longer change.")
            % {"status": locked.get_status_display()},
        )
    return locked


def _checked(selection_round: SelectionRound, values: Sequence[ValueInput]) -> None:
    pool = set(list_candidate_pool(selection_round=selection_round).values_list("pk", flat=True))
    indicators = {
        indicator.pk: indicator
        for indicator in list_sub_indicators(selection_round=selection_round)
    }
    for cell in values:
        indicator = indicators.get(cell.sub_indicator_id)
        if indicator is None:
            raise DomainError(
                "unknown_indicator", _("The sub-indicator is not one of this round's.")
            )
        if cell.zone_id not in pool:
            raise DomainError(
                "not_a_candidate", _("A value names a zone outside the round's candidate pool.")
            )
        if cell.value is None and not cell.missing_reason.strip():
            raise DomainError("missing_reason_required", _("Say why a value is missing."))
        if cell.value is not None and cell.value < 0 and not indicator.may_be_negative:
            raise DomainError(
                "negative",
                _("%(indicator)s cannot be negative.") % {"indicator": indicator.code},
            )


@transaction.atomic
def record_candidate_values(
    *,
    selection_round: SelectionRound,
    values: Sequence[ValueInput],
    recorded_by: User | SystemActor,
    is_illustrative: bool = False,
    reason: str = "",
) -> RecordedValues:
    """Add or replace values (one per zone and sub-indicator). A scored round goes back to draft:
    its stored results remain, but the next scoring uses the new values."""
    require_selection_manager(recorded_by)
    locked = _lock_editable_round(selection_round)
    _checked(locked, values)
    existing = {
        (value.sub_indicator_id, value.zone_id): value
        for value in CandidateValue.objects.filter(sub_indicator__round=locked)
    }
    to_add: list[CandidateValue] = []
    to_change: list[CandidateValue] = []
    unchanged = 0
    for cell in values:
        reason_missing = cell.missing_reason.strip() if cell.value is None else ""
        current = existing.get((cell.sub_indicator_id, cell.zone_id))
        if current is None:
            to_add.append(
                CandidateValue(
                    sub_indicator_id=cell.sub_indicator_id, zone_id=cell.zone_id,
                    value=cell.value, is_missing=cell.value is None,
                    missing_reason=reason_missing, year=cell.year, source=cell.source,
                    is_illustrative=is_illustrative,
                )
            )  # fmt: skip
            continue
        fresh = (cell.value, reason_missing, cell.year, cell.source, is_illustrative)
        before = (current.value, current.missing_reason, current.year, current.source,
                  current.is_illustrative)  # fmt: skip
        if fresh == before:
            unchanged += 1
            continue
        current.value, current.missing_reason, current.year, current.source = fresh[:4]
        current.is_missing = cell.value is None
        current.is_illustrative = is_illustrative
        to_change.append(current)
    default_user = person(recorded_by)
    if to_add:
        bulk_create_with_history(to_add, CandidateValue, default_user=default_user,
                                 default_change_reason=reason)  # fmt: skip
    if to_change:
        bulk_update_with_history(
            to_change, CandidateValue,
            ["value", "is_missing", "missing_reason", "year", "source", "is_illustrative"],
            default_user=default_user, default_change_reason=reason,
        )  # fmt: skip
    if (to_add or to_change) and locked.status == SelectionRound.Status.SCORED:
        SELECTION_ROUND_LIFECYCLE.apply(locked, "reopen", recorded_by)
        mark_change(locked, actor=recorded_by, reason=reason)
        locked.save(update_fields=["status"])
    record_event(
        actor=recorded_by,
        action="selection_round.values_recorded",
        target=locked,
        reason=reason,
        details={"added": len(to_add), "changed": len(to_change), "unchanged": unchanged},
    )
    selection_round.status = locked.status
    return RecordedValues(added=len(to_add), changed=len(to_change), unchanged=unchanged)


def import_candidate_values(
    *,
    selection_round: SelectionRound,
    upload: IO[bytes],
    imported_by: User | SystemActor,
    dry_run: bool,
    reason: str = "",
) -> CandidateImportPlan:
    """Check the file and, unless ``dry_run``, record its values in one transaction.

    A dry run writes nothing and returns the plan, errors included. Applying a file with any error
    raises ``CandidateFileRefused`` (code ``invalid_file``) and records nothing. A file the
    guarded reader refuses raises ``FileRefused`` (its code: ``too_large``, ``wrong_type``,
    ``decompression_bomb`` …), dry run or not.
    """
    require_selection_manager(imported_by)
    if not selection_round.is_editable:
        raise DomainError(
            "round_closed",
            _("The round is %(status)s; its candidate data can no longer change.")
            % {"status": selection_round.get_status_display()},
        )
    check_upload(upload, allowed=TABLES)  # a hostile file is refused before it is parsed
    plan = plan_candidate_import(selection_round=selection_round, upload=upload)
    if dry_run:
        return plan
    if not plan.is_valid:
        raise CandidateFileRefused(plan)
    record_candidate_values(
        selection_round=selection_round,
        values=[
            ValueInput(
                zone_id=planned.zone_id, sub_indicator_id=planned.sub_indicator_id,
                value=planned.value, missing_reason=planned.missing_reason, year=planned.year,
                source=planned.source,
            )
            for planned in plan.values
        ],
        recorded_by=imported_by,
        reason=reason or system_text("selection_round.values_imported"),
    )  # fmt: skip
    return plan
