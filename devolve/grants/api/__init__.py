"""Grants API: grants, entrustment agreements, the take-up matrix and publishing an edition."""
