from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "devolve.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules and names its audit-event codes
        # for the pages (devolve.core.actions): infrastructure, not domain flow.
        from devolve.core.actions import label_actions
        from devolve.regions import permissions  # noqa: F401
        from devolve.regions.actions import ACTION_LABELS

        label_actions(ACTION_LABELS)
        # Keeps the search indexes of this app's tables after every migrate and flush
        # (devolve.core.search): infrastructure, not domain flow.
        from devolve.core.search import connect_search_indexes
        from devolve.regions.selectors import SEARCH_INDEXES

        connect_search_indexes(self, SEARCH_INDEXES)
