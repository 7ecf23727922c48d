"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "batch.created": _("Pilot batch created"),
    "batch_membership.added": _("Pilot area added to a batch"),
    "batch_membership.ended": _("Pilot area left its batch"),
    "division.created": _("Division added"),
    "zone.registered": _("Zone registered"),
}
