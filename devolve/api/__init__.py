"""Mounts each domain app's API under /api/v1/ and serves the OpenAPI schema and docs.

Owns no tables and holds no domain code.
"""
