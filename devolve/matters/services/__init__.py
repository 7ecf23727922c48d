"""Matters app services: the catalogue, annual list editions and the demand list."""

from devolve.matters.services.annual_lists import (
    add_list_entry,
    approve_annual_list,
    create_annual_list,
    derive_annual_list,
    mark_annual_list_published,
    remove_list_entry,
    return_annual_list_to_draft,
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

__all__ = [
    "MatterFields",
    "add_list_entry",
    "answer_demand_item",
    "approve_annual_list",
    "create_annual_list",
    "create_department",
    "create_matter",
    "decide_demand_item",
    "derive_annual_list",
    "file_demand_item",
    "mark_annual_list_published",
    "offer_matter",
    "open_demand_window",
    "remove_list_entry",
    "return_annual_list_to_draft",
    "submit_annual_list_for_review",
    "update_list_entry",
    "update_matter",
    "validate_matter",
    "withdraw_list_entry",
]
