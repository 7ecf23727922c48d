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
    # Why a value the candidate importer reads is missing (``CandidateValue.missing_reason``).
    "candidate_value.blank_in_file": _("Blank in the file."),
    "candidate_value.marked_in_file": _("Marked “%(mark)s” in the file."),
    # A scoring run's steps (``ScoringRun`` history) and why scoring refused (``ScoringRun.error``,
    # read in the reader's language, ADR 0041).
    "scoring_run.queued": _("Scoring queued"),
    "scoring_run.started": _("Scoring started"),
    "scoring_run.finished": _("Round scored"),
    "scoring_run.failed": _("Scoring failed (%(code)s)"),
    "scoring_run.refused_with_code": _("Scoring was refused (%(code)s)."),
    "scoring_run.crashed": _("Scoring stopped unexpectedly."),
    "scoring.no_values": _("No candidate has a value of %(indicator)s."),
    "scoring.not_a_candidate": _("%(zone)s must be included but is not a scored candidate."),
    "scoring.too_few_candidates": _("The round has fewer than two candidates."),
    "scoring.too_few_complete": _(
        "Fewer than two candidates have every value; record the missing values or impute."
    ),
    "scoring.too_few_scored": _(
        "The round chooses %(k)s zones but only %(count)s candidates can be scored."
    ),
    "scoring.infeasible": _("The constraints cannot all hold: %(why)s"),
    "scoring.maths_refused": _("The values cannot be scored: %(why)s"),
}

# The errors of a candidate file (``candidate_import``: ``RowError.message``), with their
# parameters: numbers, keys and codes, and cells as the file holds them.
IMPORT_ERROR_LABELS: dict[str, Promise] = {
    "candidate_import.error.zone_empty": _("The zone is empty."),
    "candidate_import.error.unknown_zone": _("There is no zone “%(zone)s”."),
    "candidate_import.error.not_a_candidate": _(
        "%(zone)s is a pilot area on the round's date, not a candidate."
    ),
    "candidate_import.error.invalid_year": _("“%(year)s” is not a year."),
    "candidate_import.error.duplicate": _(
        "%(zone)s already has a value of %(indicator)s in row %(first)s."
    ),
    "candidate_import.error.non_numeric": _("“%(value)s” is not a number."),
    "candidate_import.error.negative": _("%(indicator)s cannot be negative (%(value)s)."),
    "candidate_import.error.empty": _("The file is empty."),
    "candidate_import.error.too_many_rows": _("The file has more than %(count)s rows."),
    "candidate_import.error.no_zone_column": _("The header row has no “zone” column."),
    "candidate_import.error.no_value_column": _("The header row has no “value” column."),
    "candidate_import.error.unknown_indicator": _(
        "The round has no sub-indicator “%(indicator)s”."
    ),
    "candidate_import.error.no_indicator": _("No column is headed by a sub-indicator."),
}

ACTION_LABELS |= IMPORT_ERROR_LABELS
