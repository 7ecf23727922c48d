"""Permission rules of the assessments app (django-rules predicates)."""
