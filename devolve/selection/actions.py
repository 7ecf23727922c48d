"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "selection_round.created": _("Selection round created"),
    "selection_round.values_recorded": _("Candidate values recorded"),
    "selection_round.scored": _("Candidates scored"),
    "selection_decision.recorded": _("Selection decision recorded"),
    "selection_decision.recorded_after_the_fact": _("Earlier selection decision recorded"),
    "selection_decision.approved": _("Selection decision approved"),
    # Reasons the services store (devolve.core.actions.system_text).
    "selection_round.values_imported": _("Imported from a file."),
}
