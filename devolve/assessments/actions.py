"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "assessment_round.opened": _("Assessment round opened"),
    "assessment_round.metrics_refreshed": _("Assessment figures refreshed"),
    "assessment_round.scoring": _("Assessment scoring started"),
    "grant_assessment.flagged_zero_use": _("Grant flagged as unused"),
    "grant_assessment.scored": _("Grant scored"),
    "entry_decision.accepted": _("Recommendation followed"),
    "entry_decision.overridden": _("Recommendation overridden"),
    "assessment_round.decided": _("Assessment decisions completed"),
    "assessment_round.next_edition_drafted": _("Next edition drafted from the assessment"),
    # Reasons the services store (devolve.core.actions.system_text), with their parameters.
    "grant_assessment.prefilled": _("Figures filled in from accepted reports"),
    "grant_assessment.zero_use": _("No case in %(count)d consecutive accepted periods."),
    "entry_decision.decided": _("Decision recorded"),
    "entry_decision.carried_into": _("Carried into edition %(key)s"),
    "assessment_round.drafted": _("Edition %(key)s drafted"),
}
