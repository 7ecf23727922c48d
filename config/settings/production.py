"""Production only tightens the base settings: HTTPS everywhere, secure cookies, a real secret."""

from config.env import env_str
from config.settings.base import *  # noqa: F403

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
