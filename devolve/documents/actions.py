"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "document.requested": _("Document requested"),
    "document.built": _("Document built"),
    "document.refused": _("Document refused"),
    # Reasons the services store (devolve.core.actions.system_text), with their parameters.
    "document.build_started": _("Document build started"),
    "document.failed": _("Document failed (%(code)s)"),
}
