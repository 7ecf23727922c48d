"""Production only tightens the base settings: HTTPS everywhere, secure cookies, a real secret,
mail through a real server. `devolve check --deploy` passes with these settings."""

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403
from config.settings.integrations.email import mailers_from_env

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Allows submitting the domain to browsers' HSTS preload list; off only for a domain that must not.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_HTTPONLY = True
# Reminders and password-reset links must leave the server: DEVOLVE_SMTP_HOST is required.
MAILERS = mailers_from_env(required=True)
