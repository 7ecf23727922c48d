"""Matters app models: the catalogue, demand items, and annual list editions with their entries."""

from devolve.matters.models.annual_lists import AnnualList, ListEntry, ListEntrySubItem
from devolve.matters.models.catalogue import AuthorizationMode, Department, Matter, MatterType
from devolve.matters.models.demand import DemandItem, DemandWindow
from devolve.matters.models.imports import ListImport

__all__ = [
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
