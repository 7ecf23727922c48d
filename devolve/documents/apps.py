from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "devolve.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules and names its audit-event codes
        # for the pages (devolve.core.actions): infrastructure, not domain flow.
        from devolve.core.actions import label_actions
        from devolve.documents import permissions  # noqa: F401
        from devolve.documents.actions import ACTION_LABELS

        label_actions(ACTION_LABELS)
