import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Loaded once before the first request, then kept out of the garbage collector's way.
from devolve.core.serving import ready_to_serve  # noqa: E402 — after Django is set up

ready_to_serve()
