"""Matters app services: the catalogue, annual list editions and the demand list."""

from devolve.matters.services.annual_lists import (
    KEEP,
    add_list_entry,
    approve_annual_list,
    create_annual_list,
    derive_annual_list,
    mark_annual_list_published,
    remove_list_entry,
    retitle_annual_list,
    return_annual_list_to_draft,
    set_list_entry_sub_items,
    submit_annual_list_for_review,
    update_list_entry,
    withdraw_list_entry,
)
from devolve.matters.services.catalogue import (
    MatterFields,
    create_department,
    create_matter,
    update_matter,
    validate_matter,
)
from devolve.matters.services.demand import (
    answer_demand_item,
    decide_demand_item,
    file_demand_item,
    offer_matter,
    open_demand_window,
)
from devolve.matters.services.list_imports import (
    apply_list_import,
    import_list_workbook,
    queue_list_import_apply,
    run_list_import_dry_run,
    start_list_import,
)

__all__ = [
    "KEEP",
    "MatterFields",
    "add_list_entry",
    "answer_demand_item",
    "apply_list_import",
    "approve_annual_list",
    "create_annual_list",
    "create_department",
    "create_matter",
    "decide_demand_item",
    "derive_annual_list",
    "file_demand_item",
    "import_list_workbook",
    "mark_annual_list_published",
    "offer_matter",
    "open_demand_window",
    "queue_list_import_apply",
    "remove_list_entry",
    "retitle_annual_list",
    "return_annual_list_to_draft",
    "run_list_import_dry_run",
    "set_list_entry_sub_items",
    "start_list_import",
    "submit_annual_list_for_review",
    "update_list_entry",
    "update_matter",
    "validate_matter",
    "withdraw_list_entry",
]
