"""Carrying each list entry into each pilot area: grants, entrustment agreements, effective dates,
handover, supervision filings and recall.

Reads matters and regions; knows nothing of reports or assessments.
"""
