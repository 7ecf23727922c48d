"""The performance API's shapes: schemes with their tree, assessments, scores with every item's
stored input and points, appeals; and the inputs of the writes."""

from typing import Any

from rest_framework import serializers

from devolve.performance.models import (
    Appeal,
    IndicatorGroup,
    IndicatorItem,
    PerformanceAssessment,
    Scheme,
    Score,
    ScoreItem,
)


class IndicatorItemOutput(serializers.ModelSerializer[IndicatorItem]):
    class Meta:
        model = IndicatorItem
        fields = [
            "code", "sequence", "name_zh", "name_en", "kind", "weight", "measure",
            "indicator_code", "rule", "floor", "target", "higher_is_better", "rank_points",
            "points_per_unit", "cap", "when_no_data",
        ]  # fmt: skip


class IndicatorGroupOutput(serializers.ModelSerializer[IndicatorGroup]):
    items = IndicatorItemOutput(many=True, read_only=True)

    class Meta:
        model = IndicatorGroup
        fields = ["sequence", "name_zh", "name_en", "weight", "items"]


class SchemeOutput(serializers.ModelSerializer[Scheme]):
    groups = IndicatorGroupOutput(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = [
            "id", "code", "version", "name_zh", "name_en", "subject_type", "base_points",
            "excellent_from", "good_from", "pass_from", "status", "published_at", "predecessor",
            "note", "is_illustrative", "groups",
        ]  # fmt: skip


class AssessmentOutput(serializers.ModelSerializer[PerformanceAssessment]):
    scheme_code = serializers.CharField(source="scheme.code", read_only=True)
    scheme_version = serializers.IntegerField(source="scheme.version", read_only=True)

    class Meta:
        model = PerformanceAssessment
        fields = [
            "id", "year", "scheme", "scheme_code", "scheme_version", "status", "appeal_opens_on",
            "appeal_closes_on", "computed_at", "published_at", "is_illustrative",
        ]  # fmt: skip


class ScoreItemOutput(serializers.ModelSerializer[ScoreItem]):
    code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = ScoreItem
        fields = [
            "code", "input_value", "source", "outcome", "best", "rank", "max_points", "share",
            "points",
        ]  # fmt: skip


class ScoreOutput(serializers.ModelSerializer[Score]):
    subject_label = serializers.SerializerMethodField()
    items = ScoreItemOutput(many=True, read_only=True)

    class Meta:
        model = Score
        fields = [
            "id", "assessment", "scheme", "subject_key", "subject_label", "weighted_points",
            "bonus_points", "deduction_points", "total", "tier", "rank", "revision",
            "computed_at", "is_illustrative", "items",
        ]  # fmt: skip

    def get_subject_label(self, score: Score) -> str:
        return str(score.subject)


class AppealOutput(serializers.ModelSerializer[Appeal]):
    item = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id", "score", "item", "grounds", "claimed_value", "evidence_file", "filed_on",
            "status", "decided_on", "decision_reason", "corrected_value", "previous_value",
            "previous_total", "is_illustrative",
        ]  # fmt: skip


class AppealInput(serializers.Serializer[None]):
    score = serializers.IntegerField()
    item = serializers.SlugField(help_text="The contested item's key.")
    grounds = serializers.CharField()
    claimed_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True
    )
    evidence_file = serializers.FileField(required=False, allow_null=True)


class AppealDecisionInput(serializers.Serializer[None]):
    upheld = serializers.BooleanField()
    reason = serializers.CharField()
    corrected_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True
    )


class SchemeVersionInput(serializers.Serializer[None]):
    note = serializers.CharField(help_text="What changes in this version and why.")
    group_weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2),
        required=False,
        default=dict,
        help_text="New group weights (%) by group order (1, 2 …); groups left out keep theirs.",
    )
    item_weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2),
        required=False,
        default=dict,
        help_text="New weights (%) of weighted items by item key.",
    )
    item_targets = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=4),
        required=False,
        default=dict,
        help_text="New targets by item key.",
    )

    def validate_group_weights(self, value: dict[str, Any]) -> dict[int, Any]:
        if not all(str(key).isdigit() for key in value):
            raise serializers.ValidationError("Groups are numbered by their order: 1, 2 …")
        return {int(key): weight for key, weight in value.items()}


class AssessmentInput(serializers.Serializer[None]):
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    appeal_opens_on = serializers.DateField()
    appeal_closes_on = serializers.DateField()
