"""Where the reform happens: administrative divisions, zones, pilot batches and memberships.

A pilot area is a zone with an active batch membership on a date. This app knows nothing of
matters, lists or grants.
"""
