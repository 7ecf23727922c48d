from django.apps import AppConfig
from django.db.models import fields
from django.db.models.signals import post_migrate
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

        # The typed reasons' trigram indexes on PostgreSQL (``core.history``, ADR 0080).
        from devolve.core.history import ensure_typed_reason_indexes

        post_migrate.connect(
            ensure_typed_reason_indexes, sender=self, dispatch_uid="typed_reason_indexes"
        )

        # Django 6.1's blank choice on every select has no Chinese in Django's own catalogue
        # yet. Naming it here with Django's words puts it in this app's catalogue, which comes
        # first, and so also translates the label forms built before this runs.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
