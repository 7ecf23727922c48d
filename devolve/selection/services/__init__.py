"""Every change to selection rounds: creating a round, recording candidate values (from a file or
from code), scoring, and the office's decision and its approval into a batch."""

from devolve.selection.services.candidate_data import (
    CandidateFileRefused,
    RecordedValues,
    ValueInput,
    import_candidate_values,
    record_candidate_values,
)
from devolve.selection.services.decisions import (
    approve_decision,
    record_decision,
    record_decision_for_existing_batch,
)
from devolve.selection.services.round_scoring import score_round
from devolve.selection.services.rounds import (
    Constraints,
    CriterionSpec,
    SubIndicatorSpec,
    create_round,
    create_round_like,
)
from devolve.selection.services.scoring_runs import queue_scoring, run_scoring

__all__ = [
    "CandidateFileRefused",
    "Constraints",
    "CriterionSpec",
    "RecordedValues",
    "SubIndicatorSpec",
    "ValueInput",
    "approve_decision",
    "create_round",
    "create_round_like",
    "import_candidate_values",
    "queue_scoring",
    "record_candidate_values",
    "record_decision",
    "record_decision_for_existing_batch",
    "run_scoring",
    "score_round",
]
