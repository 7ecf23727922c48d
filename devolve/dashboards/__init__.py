"""Staff pages behind sign-in: each role's start page, the registry forms and the audit log.

Owns no tables; composes selectors and services of the domain apps.
"""
