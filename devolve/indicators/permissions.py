"""Permission rules of the indicators app (django-rules predicates)."""
