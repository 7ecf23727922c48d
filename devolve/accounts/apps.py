from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "devolve.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers this app's permission rules with django-rules and names its audit-event codes
        # for the pages (devolve.core.actions): infrastructure, not domain flow.
        from devolve.accounts import permissions  # noqa: F401
        from devolve.accounts.actions import ACTION_LABELS
        from devolve.core.actions import label_actions

        label_actions(ACTION_LABELS)
