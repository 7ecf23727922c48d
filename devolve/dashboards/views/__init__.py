"""Staff views, one module per area of work; each module lists its own ``urlpatterns``."""
