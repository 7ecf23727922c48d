"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "user.created": _("Account created"),
    "user.locked_out": _("Account locked after failed sign-ins"),
    "user.password_changed": _("Password changed"),
    "user.second_factor_set_up": _("Two-step verification set up"),
    "user.second_factor_removed": _("Two-step verification removed"),
    "user.api_token_issued": _("API token issued"),
    "user.api_token_revoked": _("API token revoked"),
}
