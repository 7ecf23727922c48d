"""Local development: debug pages, uncompressed static files."""

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

DEBUG = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
