from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "devolve.reporting"
    label = "reporting"
    verbose_name = _("Periodic reporting")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules and names its audit-event codes
        # for the pages (devolve.core.actions): infrastructure, not domain flow.
        from devolve.core.actions import label_actions
        from devolve.reporting import permissions  # noqa: F401
        from devolve.reporting.actions import ACTION_LABELS

        label_actions(ACTION_LABELS)
