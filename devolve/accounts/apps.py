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

        from django.core import checks

        from devolve.accounts.checks import check_admin_scopes

        checks.register(check_admin_scopes, checks.Tags.admin)

        # Lockouts become audit events; axes announces them only by this signal.
        from axes.signals import user_locked_out

        from devolve.accounts.lockout import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="devolve.accounts.record_lockout")

        # The session's absolute lifetime starts at sign-in, wherever the sign-in happened.
        from django.contrib.auth.signals import user_logged_in

        from devolve.accounts.middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="devolve.accounts.mark_signed_in")
