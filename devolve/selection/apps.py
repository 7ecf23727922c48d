from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "devolve.selection"
    label = "selection"
    verbose_name = _("Pilot-area selection")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules (infrastructure, not domain flow).
        from devolve.selection import permissions  # noqa: F401
