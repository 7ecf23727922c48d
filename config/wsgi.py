import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Read once before the first request: the code version in the public pages' validators.
from devolve.core.validators import code_version  # noqa: E402 — after Django is set up

code_version()
