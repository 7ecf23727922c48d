from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "devolve.reporting"
    label = "reporting"
    verbose_name = _("Periodic reporting")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules (infrastructure, not domain flow).
        from devolve.reporting import permissions  # noqa: F401
