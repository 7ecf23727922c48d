"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "annual_list.created": _("List edition drafted"),
    "annual_list.derived": _("Next edition drafted from the last"),
    "annual_list.imported": _("List imported from a workbook"),
    "annual_list.submitted": _("Edition submitted for review"),
    "annual_list.returned": _("Edition returned to draft"),
    "annual_list.approved": _("Edition approved"),
    "annual_list.published": _("Edition published"),
    "annual_list.superseded": _("Edition superseded by a later one"),
    "annual_list.retitled": _("Edition retitled"),
    "demand_window.opened": _("Demand window opened"),
    "demand_item.filed": _("Demand filed"),
    "demand_item.answered": _("Department answered a demand"),
    "demand_item.offered": _("Department proposed a matter"),
    "demand_item.decided": _("Office decided on a demand"),
    "department.created": _("Department added"),
    "list_entry.added": _("Matter added to an edition"),
    "list_entry.updated": _("List entry changed"),
    "list_entry.withdrawn": _("Matter withdrawn from an edition"),
    "list_entry.removed": _("List entry removed from a draft"),
    "list_entry.sub_items_set": _("Sub-items of a list entry set"),
    "matter.created": _("Matter added to the catalogue"),
    "matter.updated": _("Catalogue matter changed"),
    # Reasons the services store (devolve.core.actions.system_text), with their parameters.
    "annual_list.superseded_by": _("Superseded by edition %(key)s"),
    "list_entry.carried_forward": _("Carried forward from the previous edition"),
    "list_entry.accepted_from_demand": _("Accepted from the demand list."),
    "matter.added_in_admin": _("Added in the admin"),
    "matter.changed_in_admin": _("Changed in the admin"),
    "list_import.uploaded": _("Workbook uploaded"),
    "list_import.failed": _("Import failed (%(code)s)"),
    "list_import.dry_run_started": _("Dry run started"),
    "list_import.dry_run_finished": _("Dry run finished"),
    "list_import.apply_queued": _("Import queued"),
    "list_import.apply_started": _("Import started"),
    "list_import.apply_refused": _("Import refused"),
    "list_import.applied": _("Workbook imported"),
}

# The errors of a list import (``list_import.RowError.message``), with their parameters:
# numbers, and text as the workbook or the catalogue holds it.
IMPORT_ERROR_LABELS: dict[str, Promise] = {
    "list_import.error.json_unreadable": _(
        "The JSON file cannot be read: export the edition again."
    ),
    "list_import.error.json_foreign": _(
        "A JSON file is accepted only as an edition exported by Devolve (%(format)s)."
    ),
    "list_import.error.empty": _("The workbook is empty."),
    "list_import.error.no_header_row": _(
        "No header row in the first %(count)d rows: name the list's columns (%(columns)s …) "
        "above its rows."
    ),
    "list_import.error.no_matters": _("The workbook lists no matters."),
    "list_import.error.unknown_header": _("Unknown column “%(header)s”."),
    "list_import.error.duplicate_header": _("The column “%(header)s” appears twice."),
    "list_import.error.missing_header": _("The column “%(header)s” (%(english)s) is missing."),
    "list_import.error.section_count": _(
        "“%(section)s” announces %(expected)d matters, but %(found)d rows follow it."
    ),
    "list_import.error.ambiguous_mode": _(
        "Tick one mode only (or both %(delegate)s and %(entrust)s)."
    ),
    "list_import.error.unplaced_value": _(
        "“%(value)s” is in a column without a header; it cannot be placed."
    ),
    "list_import.error.formula": _("A formula is not accepted here; enter the value itself."),
    "list_import.error.ends_before_effective": _(
        "The entry ends on or before the day it takes effect (%(date)s)."
    ),
    "list_import.error.mode_mismatch": _(
        "%(mode)s does not fit “%(matter)s”: a power is delegated or entrusted, a support "
        "matter is supported."
    ),
    "list_import.error.bad_date": _(
        "“%(value)s” is not a date: write it as 2025-01-01 or %(example)s."
    ),
    "list_import.error.orphan_sub_item": _(
        "“%(number)s” numbers a sub-item of entry %(entry)d, but it is not below the row of "
        "entry %(entry)d."
    ),
    "list_import.error.sub_item_mode_mismatch": _(
        "%(mode)s does not fit the sub-item “%(matter)s”: it is a power."
    ),
    "list_import.error.duplicate_sub_item": _(
        "“%(matter)s” is already listed under entry %(entry)d."
    ),
    "list_import.error.required": _("This cell must not be empty."),
    "list_import.error.too_long": _("At most %(limit)d characters (this has %(length)d)."),
    "list_import.error.bad_number": _(
        "“%(value)s” is not a row number: enter a whole number from 1."
    ),
    "list_import.error.unknown_area": _("Unknown receiving area “%(value)s”."),
    "list_import.error.not_a_batch_member": _("%(area)s is not a pilot area of batch %(batch)d."),
    "list_import.error.ambiguous_matter": _(
        "%(count)d matters of %(department)s are called “%(name)s”: give the %(column)s."
    ),
    "list_import.error.type_required": _("A power needs a matter type."),
    "list_import.error.type_not_allowed": _(
        "A support matter has no matter type; leave the cell empty."
    ),
    "list_import.error.duplicate_row": _("The same matter as row %(row)d."),
    "list_import.error.duplicate_number": _("Row %(row)d has the same number."),
    "list_import.error.withdrawn": _(
        "This matter is withdrawn from the edition; leave it out of the workbook, or remove the "
        "withdrawal on the edition's page first."
    ),
    "list_import.error.number_taken": _(
        "Number %(number)d belongs to “%(matter)s” in the edition, which the workbook does not "
        "list."
    ),
    "list_import.error.unknown_mode": _("Unknown mode “%(value)s”: use %(modes)s."),
    "list_import.error.unknown_matter_type": _("Unknown matter type “%(value)s”."),
    "list_import.error.unknown_department": _("Unknown department “%(value)s”."),
    "list_import.error.check_crashed": _("The check stopped unexpectedly."),
    "list_import.error.apply_crashed": _("The import stopped unexpectedly."),
    "list_import.error.not_editable": _(
        "The edition is no longer a draft; only a draft can change."
    ),
    "list_import.error.reason_required": _("Say why the entries change."),
    "list_import.error.refused": _("The import was refused (%(code)s)."),
}

ACTION_LABELS |= IMPORT_ERROR_LABELS
