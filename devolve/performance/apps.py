from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "devolve.performance"
    label = "performance"
    verbose_name = _("Performance assessment")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules and names its audit-event codes
        # for the pages (devolve.core.actions): infrastructure, not domain flow.
        from devolve.core.actions import label_actions
        from devolve.performance import permissions  # noqa: F401
        from devolve.performance.actions import ACTION_LABELS

        label_actions(ACTION_LABELS)
