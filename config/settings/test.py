"""Test runs: fast hashing, in-memory mail, plain static storage (hashed names 404 on live
servers)."""

import importlib.util

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, INSTALLED_APPS, REST_FRAMEWORK, STORAGES
from config.settings.integrations.database import for_throwaway_databases

# PostgreSQL test databases commit without waiting for the disk (ADR 0062): about 8 ms a commit
# on this machine's disk, less than 1 ms without.
DATABASES = {alias: for_throwaway_databases(database) for alias, database in DATABASES.items()}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process runs thousands of API requests from one address: the throttle tests set their own
# rates (devolve/api/tests/test_throttling.py).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
# Likewise for password-reset requests; their tests set low limits (test_passwords.py).
DEVOLVE_PASSWORD_RESET_REQUESTS_PER_CLIENT = 1_000_000
DEVOLVE_PASSWORD_RESET_MAILS_PER_ADDRESS = 1_000_000
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# max_migration.txt per app (django-linear-migrations, a dev dependency): two branches cannot both
# add the same migration number unnoticed. Absent on a runtime-only install.
if importlib.util.find_spec("django_linear_migrations"):
    INSTALLED_APPS = [*INSTALLED_APPS, "django_linear_migrations"]

# Most tests act as one office user from draft to publication; the four-eyes tests switch it on
# (``settings.DEVOLVE_FOUR_EYES = True``), and production keeps the default (on).
DEVOLVE_FOUR_EYES = False
