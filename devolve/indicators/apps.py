from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "devolve.indicators"
    label = "indicators"
    verbose_name = _("Economic indicators")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules (infrastructure, not domain flow).
        from devolve.indicators import permissions  # noqa: F401
