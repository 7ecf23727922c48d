"""Matters that may be delegated or entrusted, the departments that own them, and (later) the
annual lists that grant them.

Owns the matter catalogue and its reference data (matter types, authorization modes). It reads
regions but knows nothing of grants, reports or assessments.
"""
