from django.utils.text import capfirst
from rest_framework import serializers

from devolve.core.api.fields import SlugRelatedField, StoredTextField
from devolve.selection.models import (
    CandidateValue,
    Criterion,
    Decision,
    ScoringRun,
    SelectionRound,
    SubIndicator,
)


class SubIndicatorOutput(serializers.ModelSerializer[SubIndicator]):
    criterion = SlugRelatedField[Criterion](slug_field="code", read_only=True)

    class Meta:
        model = SubIndicator
        fields = ["code", "criterion", "name_zh", "name_en", "unit", "direction", "source",
                  "year", "may_be_negative", "expert_weight"]  # fmt: skip


class CriterionOutput(serializers.ModelSerializer[Criterion]):
    class Meta:
        model = Criterion
        fields = ["code", "name_zh", "name_en", "position", "expert_weight", "indicator_pairwise"]


class SelectionRoundOutput(serializers.ModelSerializer[SelectionRound]):
    criteria = CriterionOutput(many=True, read_only=True)
    sub_indicators = SubIndicatorOutput(many=True, read_only=True)

    class Meta:
        model = SelectionRound
        fields = [
            "id", "slug", "year", "title_zh", "title_en", "batch_number", "status",
            "candidates_as_of", "method", "criterion_weighting", "indicator_weighting",
            "criterion_pairwise", "selection_size", "min_prefectures_covered",
            "max_per_prefecture", "must_include", "must_exclude", "min_per_kind", "min_per_level",
            "missing_value_policy", "random_seed", "sensitivity_perturbation", "sensitivity_runs",
            "is_illustrative", "source", "criteria", "sub_indicators",
        ]  # fmt: skip


class CandidateValueOutput(serializers.ModelSerializer[CandidateValue]):
    zone = serializers.CharField(source="zone.slug", read_only=True)
    indicator = serializers.CharField(source="sub_indicator.code", read_only=True)
    # The importer's reason is a stored sentence (ADR 0041); a typed one shows as typed.
    missing_reason = StoredTextField(
        label=capfirst(CandidateValue._meta.get_field("missing_reason").verbose_name)
    )

    class Meta:
        model = CandidateValue
        fields = ["zone", "indicator", "value", "is_missing", "missing_reason", "year", "source",
                  "is_illustrative"]  # fmt: skip


class DecisionOutput(serializers.ModelSerializer[Decision]):
    batch = serializers.IntegerField(source="batch.number", read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = ["meeting_zh", "meeting_en", "decided_on", "chosen",
                  "differs_from_recommendation", "reasons", "status", "batch",
                  "is_recorded_after_the_fact", "approved_at"]  # fmt: skip


class DecisionInput(serializers.Serializer[None]):
    meeting_zh = serializers.CharField(max_length=200)
    meeting_en = serializers.CharField(max_length=250, required=False, default="")
    decided_on = serializers.DateField()
    chosen = serializers.ListField(child=serializers.SlugField(), allow_empty=False)
    reasons = serializers.CharField(required=False, default="", allow_blank=True)


class ApprovalInput(serializers.Serializer[None]):
    starts_on = serializers.DateField()
    announced_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class RoundLikeInput(serializers.Serializer[None]):
    slug = serializers.SlugField(max_length=60)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200)
    batch_number = serializers.IntegerField(min_value=1)
    candidates_as_of = serializers.DateField()
    selection_size = serializers.IntegerField(min_value=1)
    min_prefectures_covered = serializers.IntegerField(min_value=0, required=False, default=0)
    max_per_prefecture = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None
    )
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class ScoringRunOutput(serializers.ModelSerializer[ScoringRun]):
    """A queued scoring of a round and how far it has come, as a publication shows it."""

    round = serializers.CharField(source="round.slug")
    percent = serializers.IntegerField(source="percent_done", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True)
    # Why it failed, in the request's language (stored as a code, ADR 0041).
    error_message = StoredTextField(source="error")
    round_url = serializers.SerializerMethodField()
    result_url = serializers.SerializerMethodField()

    class Meta:
        model = ScoringRun
        fields = [
            "id", "round", "status", "rows_done", "rows_total", "percent", "error_code",
            "error_message", "requested_by", "created_at", "finished_at", "round_url",
            "result_url",
        ]  # fmt: skip
        extra_kwargs = {
            "rows_done": {"help_text": "Sensitivity runs done."},
            "rows_total": {"help_text": "Sensitivity runs to do (0 until scoring starts)."},
        }

    def get_round_url(self, run: ScoringRun) -> str:
        """The round in the API: its status is ``scored`` once the run is."""
        return f"/api/v1/selection-rounds/{run.round.slug}/"

    def get_result_url(self, run: ScoringRun) -> str | None:
        """The round's result document once this run has stored it; null before."""
        if run.result_id is None:
            return None
        return f"/api/v1/selection-rounds/{run.round.slug}/result/"
