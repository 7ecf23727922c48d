"""Shared kernel: domain errors, audit events, HTMX and API plumbing, template tags, test helpers.

It owns one table (the audit event log) and must not import any domain app.
"""
