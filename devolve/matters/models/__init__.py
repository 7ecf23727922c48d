"""Matters app models: the catalogue, demand items, and annual list editions with their entries."""

from devolve.matters.models.annual_lists import (
    ANNUAL_LIST_LIFECYCLE,
    AnnualList,
    ListEntry,
    ListEntrySubItem,
)
from devolve.matters.models.catalogue import AuthorizationMode, Department, Matter, MatterType
from devolve.matters.models.demand import DEMAND_ITEM_LIFECYCLE, DemandItem, DemandWindow
from devolve.matters.models.imports import ListImport

__all__ = [
    "ANNUAL_LIST_LIFECYCLE",
    "DEMAND_ITEM_LIFECYCLE",
    "AnnualList",
    "AuthorizationMode",
    "DemandItem",
    "DemandWindow",
    "Department",
    "ListEntry",
    "ListEntrySubItem",
    "ListImport",
    "Matter",
    "MatterType",
]
