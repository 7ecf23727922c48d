from rest_framework import serializers

from devolve.core.api.fields import SlugRelatedField
from devolve.indicators.models import EvaluationRun, Indicator, Observation
from devolve.regions.models import Batch, Division, Zone


class IndicatorOutput(serializers.ModelSerializer[Indicator]):
    level_indicator = SlugRelatedField[Indicator](
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Indicator
        fields = ["code", "name_zh", "name_en", "unit_zh", "unit_en", "frequency", "price_basis",
                  "kind", "level_indicator", "description_zh", "description_en"]  # fmt: skip


class ObservationOutput(serializers.ModelSerializer[Observation]):
    indicator = SlugRelatedField[Indicator](slug_field="code", read_only=True)
    zone = SlugRelatedField[Zone](slug_field="slug", read_only=True, allow_null=True)
    division = SlugRelatedField[Division](slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Observation
        fields = ["id", "indicator", "subject_kind", "zone", "division", "year", "quarter",
                  "value", "vintage", "source", "is_simulated"]  # fmt: skip


class EvaluationRunOutput(serializers.ModelSerializer[EvaluationRun]):
    indicator = SlugRelatedField[Indicator](slug_field="code", read_only=True)
    batch = SlugRelatedField[Batch](slug_field="number", read_only=True, allow_null=True)
    created_by = SlugRelatedField[object](  # type: ignore[type-var]
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = EvaluationRun
        fields = ["id", "indicator", "batch", "outcome", "control", "method", "covariates",
                  "parameters", "as_of", "first_year", "last_year", "input_fingerprint",
                  "inputs", "results", "diagnostics", "headline_allowed", "known_effect",
                  "is_simulated", "created_by", "created_at"]  # fmt: skip


class EvaluationRunSummaryOutput(EvaluationRunOutput):
    """The list leaves out the stored panel and the full results (see one run for them)."""

    class Meta(EvaluationRunOutput.Meta):
        fields = ["id", "indicator", "batch", "outcome", "control", "method", "covariates",
                  "as_of", "first_year", "last_year", "input_fingerprint", "headline_allowed",
                  "is_simulated", "created_by", "created_at"]  # fmt: skip


class EvaluationRunInput(serializers.Serializer[EvaluationRun]):
    indicator = SlugRelatedField[Indicator](slug_field="code", queryset=Indicator.objects.all())
    batch = SlugRelatedField[Batch](
        slug_field="number", queryset=Batch.objects.all(), required=False, allow_null=True
    )
    outcome = serializers.ChoiceField(choices=EvaluationRun.Outcome.choices)
    control = serializers.ChoiceField(
        choices=EvaluationRun.Control.choices, default=EvaluationRun.Control.NEVER
    )
    method = serializers.ChoiceField(
        choices=EvaluationRun.Method.choices, default=EvaluationRun.Method.DOUBLY_ROBUST
    )
    covariates = SlugRelatedField[Indicator](
        slug_field="code", queryset=Indicator.objects.all(), many=True, required=False
    )
    as_of = serializers.DateField()
    first_year = serializers.IntegerField(min_value=1949, max_value=2100)
    last_year = serializers.IntegerField(min_value=1949, max_value=2100)
