"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "document.requested": _("Document requested"),
    "document.built": _("Document built"),
    "document.refused": _("Document refused"),
}
