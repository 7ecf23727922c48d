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
    # Reasons the services store (devolve.core.actions.system_text), with their parameters.
    "user.failed_sign_ins": _("%(count)s failed sign-ins"),
    "user.second_factor_now_required": _("The account now signs in with a second factor."),
    "user.second_factor_removed_by_owner": _("Removed by its owner"),
    "user.api_token_revoked_in_admin": _("Revoked in the admin."),
    "user.password_reset_by_link": _("Password reset by e-mail link"),
    "user.password_changed_by_owner": _("Password changed by its owner"),
}
