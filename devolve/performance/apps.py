from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "devolve.performance"
    label = "performance"
    verbose_name = _("Performance assessment")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules (infrastructure, not domain flow).
        from devolve.performance import permissions  # noqa: F401
