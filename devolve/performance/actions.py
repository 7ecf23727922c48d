"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "performance.scheme_created": _("Performance scheme created"),
    "performance.scheme_published": _("Performance scheme published"),
    "performance.assessment_created": _("Performance assessment created"),
    "performance.manual_input_recorded": _("Assessor's figure recorded"),
    "performance.assessment_computed": _("Performance scores computed"),
    "performance.assessment_published": _("Performance scores published"),
    "performance.appeal_filed": _("Appeal filed"),
    "performance.appeal_decided": _("Appeal decided"),
}
