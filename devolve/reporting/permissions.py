"""Permission rules of the reporting app (django-rules predicates)."""
