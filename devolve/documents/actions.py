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
    # Why a document was refused (``GeneratedDocument.error_message``, core.errors.refusal).
    "document.invalid_period": _(
        "Give a year (2024) or a period (2024-01-01..2024-06-30), not %(key)s."
    ),
    "document.period_ends_before_start": _("The period ends before it starts."),
    "document.no_edition_in_year": _(
        "Nothing to report for %(year)s: no edition of the list was published by %(on)s."
    ),
    "document.no_edition_in_period": _(
        "Nothing to report for %(start)s to %(end)s: no edition of the list was published by "
        "%(on)s."
    ),
    "document.unknown_list": _(
        "No edition %(key)s (write it as 2024/batch-1, or 2024/batch-1/e2 for a correction)."
    ),
    "document.invalid_year": _("Give a year such as 2024, not %(key)s."),
    "document.unknown_kind": _("Unknown kind of document: %(kind)s."),
    "document.cjk_fonts_missing": _(
        "No font for Chinese text is installed (%(role)s, or its fallback %(fallback)s): install "
        "Debian's fonts-noto-cjk (scripts/install-system-packages) and try again."
    ),
    "document.list_not_published": _(
        "%(list)s is not published: only a published edition goes out as a notice."
    ),
    "document.empty_list": _("%(list)s has no entries to attach."),
    "document.no_assessment": _("No performance assessment of %(year)s is recorded."),
    "document.open_to_appeal": _(
        "The %(year)s results are not published yet: appeals run until %(closes)s and must all "
        "be decided before the results are published and notified."
    ),
    "document.assessment_not_published": _(
        "The %(year)s assessment is not computed or published yet."
    ),
    "document.chinese_only": _("Official notices are issued in Chinese only."),
    "document.crashed": _("The build stopped unexpectedly."),
    "document.refused_with_code": _("The document could not be built (%(code)s)."),
    # What a build left on its document (``GeneratedDocument.notes``, one stored sentence a
    # line) and the step it is at (``current_step``): read in the reader's language.
    "document.note.not_recorded": _("Not recorded, left blank to fill in: %(fields)s."),
    "document.note.fonts_degraded": _("The standard's fonts are not installed; set in %(fonts)s."),
    "document.note.illustrative_zones": _(
        "Illustrative: some zones and batch memberships were invented for the demo."
    ),
    "document.note.illustrative_editions": _(
        "Illustrative: values of some editions were invented for the demo."
    ),
    "document.note.illustrative_performance": _(
        "Illustrative: the performance schemes, manual values and appeals were invented for "
        "the demo."
    ),
    "document.note.simulated_economy": _(
        "Simulated: the economic figures of the demo are generated."
    ),
    "document.step.fonts": _("Checking fonts"),
    "document.step.reading_edition": _("Reading the edition"),
    "document.step.reading_scores": _("Reading the published scores"),
    "document.step.charts": _("Drawing the charts"),
    "document.step.layout": _("Laying out the document"),
    "document.step.done": _("Done"),
    "document.step.shape": _("Programme shape"),
    "document.step.editions": _("Editions"),
    "document.step.take_up": _("Take-up and handover"),
    "document.step.usage": _("Usage"),
    "document.step.assessment": _("Regular assessment"),
    "document.step.performance": _("Performance"),
    "document.step.economy": _("Economy"),
}
