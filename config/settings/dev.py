"""Local development: debug pages, uncompressed static files."""

import importlib.util

from config.settings.base import *  # noqa: F403
from config.settings.base import INSTALLED_APPS, STORAGES

DEBUG = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# max_migration.txt per app (django-linear-migrations, a dev dependency): two branches cannot both
# add the same migration number unnoticed. Absent on a runtime-only install.
if importlib.util.find_spec("django_linear_migrations"):
    INSTALLED_APPS = [*INSTALLED_APPS, "django_linear_migrations"]
