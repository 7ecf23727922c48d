"""Importing an official list workbook into a draft edition: upload, dry run, apply.

``start_list_import`` stores the upload and queues the dry run; ``run_list_import_dry_run`` (a
task's body) checks it and records the plan; ``queue_list_import_apply`` queues the apply and
``apply_list_import`` (a task's body) writes it through ``import_list_workbook``, which the
``import_list`` command calls too. Errors (``DomainError.code``): ``not_allowed``,
``not_editable``, ``too_large``, ``not_ready``, ``reason_required``, ``invalid_workbook``.

How rows are written. Catalogue changes, renumbering and changed entries always go through the
services (``update_matter``, ``update_list_entry``), one row at a time: they are few, and each
keeps its own history row, audit event and "modified against the predecessor" bookkeeping.
New matters and entries go through ``create_matter`` and ``add_list_entry`` too while there are
fewer than ``BULK_FROM_ROWS`` of them. Each of those calls costs about ten queries (lock, batch
membership, ``full_clean``'s uniqueness checks, history, event), so a first import of a
10,000-row list would cost 100,000 queries in one transaction. From ``BULK_FROM_ROWS`` on, they
are inserted in batches instead: ``bulk_create_with_history`` writes the rows and their history,
the receiving areas and their history rows are inserted the same way, and the import's one
audit event stands for all of them. Nothing is lost by skipping the per-row checks: the dry run
has checked every value they check, under the same edition lock, and the database enforces the
constraints.
"""

import datetime
import io
import os
from collections.abc import Iterable
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM, SystemActor, is_system, person
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.events import record_event
from devolve.core.history import mark_change, save_validated
from devolve.core.spreadsheets.reading import TABLES, FileRefused, UploadLimits, check_upload
from devolve.matters.list_import import (
    ImportPlan,
    PlannedRow,
    ProgressCallback,
    RowAction,
    WorkbookRefused,
    max_import_bytes,
    plan_list_import,
)
from devolve.matters.list_workbook import ColumnKey
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    Department,
    ListEntry,
    ListImport,
    Matter,
    MatterType,
)
from devolve.matters.services.annual_lists import (
    add_list_entry,
    check_editable,
    set_list_entry_sub_items,
    update_list_entry,
)
from devolve.matters.services.catalogue import MatterFields, create_matter, update_matter
from devolve.matters.tasks import apply_list_import as apply_list_import_task
from devolve.matters.tasks import run_list_import_dry_run as run_list_import_dry_run_task
from devolve.regions.models import Zone

# From this many new entries on, they are bulk-inserted (see the module docstring).
BULK_FROM_ROWS = 500
BULK_BATCH_SIZE = 500


def _require_office(actor: User | SystemActor) -> None:
    if not is_system(actor) and not is_office(actor):
        raise NotAllowed(_("Only the reform office imports annual lists."))


@transaction.atomic
def start_list_import(
    *, annual_list: AnnualList, workbook: File[Any], started_by: User | SystemActor
) -> ListImport:
    """Store an uploaded workbook for a draft edition and queue its dry run (after commit)."""
    _require_office(started_by)
    annual_list = AnnualList.objects.select_related("batch").get(pk=annual_list.pk)
    check_editable(annual_list)
    try:  # a refused file is never stored
        check_upload(
            workbook,
            allowed=TABLES,
            limits=UploadLimits.from_settings(max_bytes=max_import_bytes()),
        )
    except FileRefused as refused:
        refused.field = "workbook"
        raise
    name = os.path.basename(workbook.name or "workbook.xlsx")
    list_import = ListImport(
        annual_list=annual_list, original_name=name, created_by=person(started_by)
    )
    list_import.workbook.save(name, workbook, save=False)
    save_validated(list_import, actor=started_by, reason=system_text("list_import.uploaded"))
    transaction.on_commit(
        lambda: run_list_import_dry_run_task.enqueue(list_import_id=list_import.pk)
    )
    return list_import


def _progress_reporter(list_import: ListImport) -> ProgressCallback:
    def report(rows_done: int, rows_total: int) -> None:
        ListImport.objects.filter(pk=list_import.pk).update(
            rows_done=rows_done, rows_total=rows_total, updated_at=timezone.now()
        )

    return report


def _read_workbook(list_import: ListImport) -> IO[bytes]:
    with list_import.workbook.open("rb") as stored:
        return io.BytesIO(stored.read())


def _refusal(error: DomainError) -> str:
    """A refusal of the applying service as a stored sentence: the two it can meet by name, any
    other by its code."""
    if error.code == "not_editable":
        return system_text("list_import.error.not_editable")
    if error.code == "reason_required":
        return system_text("list_import.error.reason_required")
    return system_text("list_import.error.refused", code=error.code)


def _fail(list_import: ListImport, *, code: str, message: str) -> ListImport:
    """Record a failed import; ``message`` is stored (``core.actions.system_text``)."""
    _delete_upload(list_import)
    list_import.status = ListImport.Status.FAILED
    list_import.errors = [
        {"row": None, "column": "", "letter": "", "message": message, "code": code}
    ]
    save_validated(list_import, actor=SYSTEM, reason=system_text("list_import.failed", code=code))
    return list_import


def run_list_import_dry_run(*, list_import: ListImport) -> ListImport:
    """Check the stored workbook and record the plan and its errors; writes nothing else.

    Reports progress every ``PROGRESS_EVERY`` rows. Safe to run again; an applied import is left
    as it is.
    """
    list_import = ListImport.objects.select_related("annual_list__batch").get(pk=list_import.pk)
    if list_import.status == ListImport.Status.APPLIED:
        return list_import
    list_import.status = ListImport.Status.RUNNING
    list_import.rows_done = 0
    save_validated(list_import, actor=SYSTEM, reason=system_text("list_import.dry_run_started"))
    try:
        plan = plan_list_import(
            annual_list=list_import.annual_list,
            workbook=_read_workbook(list_import),
            on_progress=_progress_reporter(list_import),
            keep_rows=False,
        )
    except Exception:
        _fail(list_import, code="crashed", message=system_text("list_import.error.check_crashed"))
        raise
    list_import.status = ListImport.Status.DRY_RUN_READY
    list_import.rows_total = list_import.rows_done = plan.rows_read
    list_import.summary = plan.summary()
    list_import.errors = plan.errors_as_json()
    list_import.checked_at = timezone.now()
    if not plan.is_valid:
        _delete_upload(list_import)
    save_validated(list_import, actor=SYSTEM, reason=system_text("list_import.dry_run_finished"))
    return list_import


def _delete_upload(list_import: ListImport) -> None:
    """A refused import keeps its errors but not the uploaded file."""
    if list_import.workbook:
        list_import.workbook.delete(save=False)


def purge_list_import_uploads(*, now: datetime.datetime | None = None) -> int:
    """Delete stored workbooks no longer kept: every refused import's, and an applied import's
    after ``DEVOLVE_UPLOAD_RETENTION_DAYS``. Returns how many files were deleted. Safe to run
    on every node at any time (a file already gone is skipped)."""
    now = now or timezone.now()
    kept_since = now - datetime.timedelta(days=int(settings.DEVOLVE_UPLOAD_RETENTION_DAYS))
    refused = Q(status=ListImport.Status.FAILED) | (
        Q(status=ListImport.Status.DRY_RUN_READY) & ~Q(errors=[])
    )
    expired = Q(status=ListImport.Status.APPLIED, applied_at__lt=kept_since)
    deleted = 0
    for list_import in ListImport.objects.filter(refused | expired).exclude(workbook=""):
        _delete_upload(list_import)
        ListImport.objects.filter(pk=list_import.pk).update(workbook="")
        deleted += 1
    return deleted


@transaction.atomic
def queue_list_import_apply(
    *, list_import: ListImport, applied_by: User | SystemActor, reason: str
) -> ListImport:
    """Queue the apply of a checked import without errors (after commit).

    ``reason`` says why the edition changes; it is required when the plan changes entries.
    """
    _require_office(applied_by)
    list_import = (
        ListImport.objects.select_for_update(of=("self",))
        .select_related("annual_list__batch")
        .get(pk=list_import.pk)
    )
    check_editable(list_import.annual_list)
    if not list_import.can_apply:
        raise DomainError("not_ready", _("Only a checked import without errors can be applied."))
    if list_import.summary.get("counts", {}).get("change") and not reason.strip():
        raise DomainError("reason_required", _("Say why the entries change."), field="reason")
    list_import.status = ListImport.Status.QUEUED
    list_import.applied_by = person(applied_by)
    list_import.reason = reason
    save_validated(list_import, actor=applied_by, reason=system_text("list_import.apply_queued"))
    transaction.on_commit(lambda: apply_list_import_task.enqueue(list_import_id=list_import.pk))
    return list_import


def apply_list_import(*, list_import: ListImport) -> ListImport:
    """Apply a queued import in one transaction; a refused workbook marks the import failed
    with its errors and writes nothing else. Safe to run again."""
    list_import = ListImport.objects.select_related("annual_list__batch", "applied_by").get(
        pk=list_import.pk
    )
    if list_import.status == ListImport.Status.APPLIED:
        return list_import
    list_import.status = ListImport.Status.RUNNING
    list_import.rows_done = 0
    save_validated(
        list_import, actor=list_import.applied_by, reason=system_text("list_import.apply_started")
    )
    try:
        plan = import_list_workbook(
            annual_list=list_import.annual_list,
            workbook=_read_workbook(list_import),
            imported_by=list_import.applied_by or SYSTEM,
            reason=list_import.reason,
            source_name=list_import.original_name,
        )
    except WorkbookRefused as refused:
        list_import.status = ListImport.Status.FAILED
        list_import.summary = refused.plan.summary()
        list_import.errors = refused.plan.errors_as_json()
        _delete_upload(list_import)
        save_validated(
            list_import,
            actor=list_import.applied_by,
            reason=system_text("list_import.apply_refused"),
        )
        return list_import
    except DomainError as error:
        return _fail(list_import, code=error.code, message=_refusal(error))
    except Exception:
        _fail(list_import, code="crashed", message=system_text("list_import.error.apply_crashed"))
        raise
    list_import.status = ListImport.Status.APPLIED
    list_import.rows_total = list_import.rows_done = plan.rows_read
    list_import.summary = plan.summary()
    list_import.errors = []
    list_import.applied_at = timezone.now()
    save_validated(
        list_import, actor=list_import.applied_by, reason=system_text("list_import.applied")
    )
    return list_import


@transaction.atomic
def import_list_workbook(
    *,
    annual_list: AnnualList,
    workbook: IO[bytes],
    imported_by: User | SystemActor,
    reason: str = "",
    source_name: str = "",
    is_illustrative: bool = False,
) -> ImportPlan:
    """Check ``workbook`` against the locked edition and, when it has no error, write its plan.
    ``is_illustrative`` flags the entries it adds as invented (the demo's workbooks).

    Raises ``WorkbookRefused`` (code ``invalid_workbook``, with every error) and writes nothing
    when the workbook has an error. Records one ``annual_list.imported`` event, unless the
    workbook adds and changes nothing: then nothing at all is written.
    """
    _require_office(imported_by)
    annual_list = (
        AnnualList.objects.select_for_update(of=("self",))
        .select_related("batch")
        .get(pk=annual_list.pk)
    )
    check_editable(annual_list)
    plan = plan_list_import(annual_list=annual_list, workbook=workbook)
    if not plan.is_valid:
        raise WorkbookRefused(plan)
    if not plan.rows_to(RowAction.ADD) and not plan.rows_to(RowAction.CHANGE):
        return plan  # the edition already says what the workbook says
    if plan.rows_to(RowAction.CHANGE) and not reason.strip():
        raise DomainError("reason_required", _("Say why the entries change."), field="reason")
    _Writer(
        annual_list=annual_list,
        actor=imported_by,
        reason=reason,
        source=source_name,
        is_illustrative=is_illustrative,
    ).write(plan)
    record_event(
        actor=imported_by,
        action="annual_list.imported",
        target=annual_list,
        reason=reason,
        details={"source": source_name, **plan.counts},
    )
    return plan


class _Writer:
    """Writes a checked plan; the caller holds the transaction and the edition's lock."""

    def __init__(
        self,
        *,
        annual_list: AnnualList,
        actor: User | SystemActor,
        reason: str,
        source: str,
        is_illustrative: bool = False,
    ) -> None:
        self.annual_list = annual_list
        self.actor = actor
        self.reason = reason
        self.source = source
        self.is_illustrative = is_illustrative
        self.modes = AuthorizationMode.objects.in_bulk()
        self.departments = Department.objects.in_bulk()
        self.matter_types = MatterType.objects.in_bulk()

    def write(self, plan: ImportPlan) -> None:
        to_add = plan.rows_to(RowAction.ADD)
        to_change = plan.rows_to(RowAction.CHANGE)
        bulk = len(to_add) >= BULK_FROM_ROWS
        new_matters = self._create_matters([row for row in to_add if row.matter_id is None], bulk)
        self._update_matters(to_change + to_add)
        self._renumber(to_change)
        self._update_entries(to_change)
        if bulk:
            self._bulk_add_entries(to_add, new_matters)
        else:
            self._add_entries(to_add, new_matters)
        self._set_sub_items(
            [row for row in to_add if row.values.sub_items]
            + [
                row
                for row in to_change
                if any(change.key == ColumnKey.SUB_ITEMS for change in row.entry_changes)
            ],
            new_matters,
        )

    def _set_sub_items(self, rows: list[PlannedRow], new_matters: dict[int, int]) -> None:
        """Each row's sub-items (1.1, 1.2 …) in place of its entry's; a sub-item the catalogue
        lacks becomes a matter under the entry's matter."""
        if not rows:
            return
        entries = dict(
            self.annual_list.entries.filter(
                sequence__in=[row.values.sequence for row in rows]
            ).values_list("sequence", "pk")
        )
        matters = Matter.objects.in_bulk(
            [self._matter_id(row, new_matters) for row in rows]
            + [item.matter_id for row in rows for item in row.values.sub_items if item.matter_id]
        )
        for row in rows:
            parent = matters[self._matter_id(row, new_matters)]
            sub_items = []
            for item in row.values.sub_items:
                if item.matter_id is not None:
                    matter = matters[item.matter_id]
                else:
                    matter = create_matter(
                        created_by=self.actor,
                        reason=self.reason,
                        code=item.matter_code,
                        name_zh=item.matter_name,
                        kind=Matter.Kind.POWER,
                        matter_type=self.matter_types.get(item.matter_type_id or 0),
                        competent_department=self.departments[item.department_id],
                        legal_basis=item.legal_basis,
                        parent=parent,
                        source=self.source,
                    )
                sub_items.append((matter, self.modes[item.mode_id]))
            set_list_entry_sub_items(
                entry=ListEntry(pk=entries[row.values.sequence]),
                sub_items=sub_items,
                updated_by=self.actor,
                reason=self.reason,
            )

    def _matter_id(self, row: PlannedRow, new_matters: dict[int, int]) -> int:
        return row.matter_id if row.matter_id is not None else new_matters[row.row]

    def _create_matters(self, rows: list[PlannedRow], bulk: bool) -> dict[int, int]:
        """New catalogue matters, by workbook row."""
        fields = [
            MatterFields(
                code=row.values.matter_code,
                name_zh=row.values.matter_name,
                kind=row.values.matter_kind,
                matter_type=self.matter_types.get(row.values.matter_type_id or 0),
                competent_department=self.departments[row.values.department_id],
                legal_basis=row.values.legal_basis,
                source=self.source,
            )
            for row in rows
        ]
        if not bulk:
            return {
                row.row: create_matter(created_by=self.actor, reason=self.reason, **values).pk
                for row, values in zip(rows, fields, strict=True)
            }
        created = bulk_create_with_history(
            [Matter(**values) for values in fields],
            Matter,
            batch_size=BULK_BATCH_SIZE,
            default_user=person(self.actor),
            default_change_reason=self.reason or system_text("annual_list.imported"),
        )
        return {row.row: matter.pk for row, matter in zip(rows, created, strict=True)}

    def _update_matters(self, rows: Iterable[PlannedRow]) -> None:
        for row in rows:
            if not row.matter_changes or row.matter_id is None:
                continue
            changes = MatterFields()
            for change in row.matter_changes:
                if change.key == ColumnKey.MATTER_NAME:
                    changes["name_zh"] = row.values.matter_name
                elif change.key == ColumnKey.MATTER_TYPE:
                    changes["matter_type"] = self.matter_types.get(row.values.matter_type_id or 0)
                elif change.key == ColumnKey.LEGAL_BASIS:
                    changes["legal_basis"] = row.values.legal_basis
            update_matter(
                matter=Matter(pk=row.matter_id),
                updated_by=self.actor,
                reason=self.reason,
                **changes,
            )

    def _renumber(self, rows: list[PlannedRow]) -> None:
        """Give changed entries their new 序号 in two steps, so that swapping numbers never
        meets the edition's one-entry-per-number constraint halfway."""
        moved = {
            row.entry_id: row.values.sequence
            for row in rows
            if row.entry_id is not None
            and any(change.key == ColumnKey.SEQUENCE for change in row.entry_changes)
        }
        if not moved:
            return
        highest = self.annual_list.entries.aggregate(highest=Max("sequence"))["highest"] or 0
        parking = max(highest, *moved.values()) + 1
        for offset, entry_id in enumerate(moved):
            ListEntry.objects.filter(pk=entry_id).update(sequence=parking + offset)
        for entry in ListEntry.objects.filter(pk__in=moved):
            entry.sequence = moved[entry.pk]
            mark_change(entry, actor=self.actor, reason=self.reason)
            entry.save(update_fields=["sequence"])

    def _update_entries(self, rows: list[PlannedRow]) -> None:
        for row in rows:
            keys = {change.key for change in row.entry_changes} - {
                ColumnKey.SEQUENCE,
                ColumnKey.SUB_ITEMS,
            }
            if row.entry_id is None or not keys:
                continue
            values = row.values
            arguments: dict[str, Any] = {}
            if ColumnKey.MODE in keys:
                arguments["mode"] = self.modes[values.mode_id]
            if ColumnKey.DEPARTMENT in keys or ColumnKey.GRANTING_DEPARTMENT in keys:
                arguments["granting_department"] = self.departments[values.granting_department_id]
            if ColumnKey.RECEIVING_AREAS in keys:
                arguments["receiving_areas"] = list(
                    Zone.objects.filter(pk__in=values.receiving_area_ids)
                )
            if ColumnKey.SUPERVISING_DEPARTMENT in keys:
                supervisor = values.supervising_department_id
                arguments["supervising_department"] = (
                    self.departments[supervisor] if supervisor is not None else None
                )
            if ColumnKey.CONDITIONS in keys:
                arguments["conditions"] = values.conditions
            if ColumnKey.NOTES in keys:
                arguments["notes"] = values.notes
            if ColumnKey.EFFECTIVE_ON in keys:
                arguments["effective_on"] = values.effective_on
            if ColumnKey.ENDS_ON in keys:
                arguments["ends_on"] = values.ends_on
            update_list_entry(
                entry=ListEntry(pk=row.entry_id),
                updated_by=self.actor,
                reason=self.reason,
                **arguments,
            )

    def _add_entries(self, rows: list[PlannedRow], new_matters: dict[int, int]) -> None:
        matters = Matter.objects.in_bulk([self._matter_id(row, new_matters) for row in rows])
        zones = Zone.objects.in_bulk({pk for row in rows for pk in row.values.receiving_area_ids})
        for row in rows:
            values = row.values
            supervisor = values.supervising_department_id
            add_list_entry(
                annual_list=self.annual_list,
                matter=matters[self._matter_id(row, new_matters)],
                mode=self.modes[values.mode_id],
                granting_department=self.departments[values.granting_department_id],
                supervising_department=self.departments[supervisor] if supervisor else None,
                receiving_areas=None
                if values.all_areas
                else [zones[pk] for pk in values.receiving_area_ids],
                conditions=values.conditions,
                notes=values.notes,
                effective_on=values.effective_on,
                ends_on=values.ends_on,
                sequence=values.sequence,
                change_reason=self.reason,
                is_illustrative=self.is_illustrative,
                added_by=self.actor,
            )

    def _bulk_add_entries(self, rows: list[PlannedRow], new_matters: dict[int, int]) -> None:
        entries = bulk_create_with_history(
            [
                ListEntry(
                    annual_list=self.annual_list,
                    sequence=row.values.sequence,
                    matter_id=self._matter_id(row, new_matters),
                    mode_id=row.values.mode_id,
                    granting_department_id=row.values.granting_department_id,
                    supervising_department_id=row.values.supervising_department_id,
                    all_areas=row.values.all_areas,
                    conditions=row.values.conditions,
                    notes=row.values.notes,
                    effective_on=row.values.effective_on,
                    ends_on=row.values.ends_on,
                    change=ListEntry.Change.ADDED,
                    change_reason=self.reason,
                    is_illustrative=self.is_illustrative,
                )
                for row in rows
            ],
            ListEntry,
            batch_size=BULK_BATCH_SIZE,
            default_user=person(self.actor),
            default_change_reason=self.reason or system_text("annual_list.imported"),
        )
        areas = {
            entry.pk: row.values.receiving_area_ids
            for row, entry in zip(rows, entries, strict=True)
            if row.values.receiving_area_ids
        }
        if areas:
            self._bulk_add_areas(areas)

    def _bulk_add_areas(self, areas: dict[int, tuple[int, ...]]) -> None:
        """Receiving areas of new entries, and the history rows that pair them with each
        entry's first history row (what simple-history writes for ``receiving_areas.set``)."""
        through = ListEntry.receiving_areas.through
        through.objects.bulk_create(
            [
                through(listentry_id=entry_id, zone_id=zone_id)
                for entry_id, zone_ids in areas.items()
                for zone_id in zone_ids
            ],
            batch_size=BULK_BATCH_SIZE,
        )
        history_of = dict(ListEntry.history.filter(id__in=areas).values_list("id", "history_id"))
        area_history = apps.get_model("matters", "HistoricalListEntry_receiving_areas")
        area_history.objects.bulk_create(
            [
                area_history(
                    id=pk, history_id=history_of[entry_id], listentry_id=entry_id, zone_id=zone_id
                )
                for pk, entry_id, zone_id in through.objects.filter(
                    listentry_id__in=areas
                ).values_list("pk", "listentry_id", "zone_id")
            ],
            batch_size=BULK_BATCH_SIZE,
        )
