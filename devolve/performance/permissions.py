"""Permission rules of the performance app (django-rules predicates)."""
