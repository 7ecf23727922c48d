from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "devolve.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # django-tables2 inspects every cell renderer's signature on every call (ADR 0045).
        from devolve.core.tables import remember_cell_signatures  # imports models

        remember_cell_signatures()
