"""People who sign in, their role in the programme and the scope that role is limited to.

Owns the custom ``User``. It knows the names of the scopes (a department, a prefecture, a pilot
area) only as foreign keys; what a scope allows is decided by the app that owns the object.
"""
