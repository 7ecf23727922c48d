"""Permission rules of the selection app (django-rules predicates)."""
