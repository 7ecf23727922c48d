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
