"""Project configuration: settings per environment, URL root, WSGI/ASGI entry points."""
