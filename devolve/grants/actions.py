"""What this app's audit-event codes read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "grants.created": _("Grants created on publication"),
    "agreement.signed": _("Entrustment agreement signed"),
    "grant.effective": _("Grant took effect"),
    "grant.handed_over": _("Power handed over"),
    "grant.supervision_filed": _("Supervision measures filed"),
    "grant.superseded": _("Grant carried into a later edition"),
    "grant.recalled": _("Grant recalled"),
    "grant.regranted": _("Recalled power granted again"),
    "holiday_notice.recorded": _("Holiday notice recorded"),
    "grant.handover_due_recomputed": _("Handover due date recomputed"),
    # Reasons the services store (devolve.core.actions.system_text), with their parameters.
    "grant.edition_published": _("Edition %(key)s published."),
    "grant.left_out_of_edition": _("No longer in edition %(key)s."),
    "grant.agreement_signed": _("Agreement %(number)s signed"),
    "publication.queued": _("Publication queued"),
    "publication.started": _("Publication started"),
    "publication.finished": _("Edition published"),
    "publication.failed": _("Publication failed (%(code)s)"),
    # Why a publication failed (``Publication.error``), read in the reader's language.
    "publication.stale_preview": _(
        "What publishing would do has changed since the preview; look at it again."
    ),
    "publication.not_regranted": _("%(keys)s would not be re-granted; look at the preview again."),
    "publication.refused_with_code": _("Publishing was refused (%(code)s)."),
    "publication.crashed": _("Publishing stopped unexpectedly."),
    "activation_run.queued": _("Activation of due grants queued"),
    "activation_run.started": _("Activation of due grants started"),
    "activation_run.finished": _("Due grants activated"),
    "activation_run.failed": _("Activation of due grants failed (%(code)s)"),
    # Why an activation run failed (``ActivationRun.error``), read in the reader's language.
    "activation_run.refused_with_code": _("Activating due grants was refused (%(code)s)."),
    "activation_run.crashed": _("Activating due grants stopped unexpectedly."),
}
