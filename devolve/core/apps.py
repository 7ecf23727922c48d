from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "devolve.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # django-tables2 inspects every cell renderer's signature on every call (ADR 0045).
        from devolve.core.tables import remember_cell_signatures  # imports models

        remember_cell_signatures()

        # The reasons an upload is refused are sentences the importers store (ADR 0041).
        from devolve.core.actions import label_actions
        from devolve.core.spreadsheets.reading import UPLOAD_LABELS

        label_actions(UPLOAD_LABELS)

        # Django 6.1's blank choice on every select has no Chinese in Django's own catalogue
        # yet. Naming it here with Django's words puts it in this app's catalogue, which comes
        # first, and so also translates the label forms built before this runs.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
