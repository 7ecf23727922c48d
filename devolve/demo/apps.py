from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "devolve.demo"
    label = "demo"
    verbose_name = _("Demo")

    def ready(self) -> None:
        # Names the seed's stored reasons for the pages (devolve.core.actions): infrastructure,
        # not domain flow.
        from devolve.core.actions import label_actions
        from devolve.demo.actions import ACTION_LABELS

        label_actions(ACTION_LABELS)
