"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "indicators.indicator_created": _("Indicator added"),
    "indicators.observations_recorded": _("Statistics recorded"),
    "indicators.statistics_checked": _("Statistics file checked (dry run)"),
    "indicators.statistics_imported": _("Statistics file imported"),
    "indicators.evaluation_run": _("Effect evaluation run"),
}
