from typing import Any

from rest_framework import serializers

from devolve.accounts.models import User
from devolve.assessments.models import (
    AssessmentRound,
    EntryDecision,
    GrantAssessment,
    RecommendationChoice,
)
from devolve.assessments.selectors import EntryRollUp
from devolve.core.api.fields import SlugRelatedField, StoredTextField
from devolve.matters.api.serializers import EntryMatterOutput
from devolve.matters.models import Department, ListEntry
from devolve.regions.models import Zone

_RECOMMENDATIONS = RecommendationChoice.choices


class RubricCriterionOutput(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    max_points = serializers.IntegerField()


class AssessmentRoundOutput(serializers.ModelSerializer[AssessmentRound]):
    annual_list = serializers.CharField(source="annual_list.key", read_only=True)
    next_edition = serializers.CharField(
        source="next_edition.key", read_only=True, allow_null=True, default=None
    )
    rubric = RubricCriterionOutput(many=True, read_only=True)
    evaluators = SlugRelatedField[User](slug_field="username", many=True, read_only=True)

    class Meta:
        model = AssessmentRound
        fields = [
            "id",
            "annual_list",
            "title_zh",
            "title_en",
            "period_starts_on",
            "period_ends_on",
            "status",
            "zero_use_periods",
            "rubric",
            "evaluators",
            "evaluating_body",
            "opened_on",
            "decided_on",
            "closed_on",
            "next_edition",
            "is_illustrative",
        ]


class GrantAssessmentOutput(serializers.ModelSerializer[GrantAssessment]):
    annual_list = serializers.CharField(source="round.annual_list.key", read_only=True)
    entry = serializers.IntegerField(source="grant.entry_id", read_only=True)
    sequence = serializers.IntegerField(source="grant.entry.sequence", read_only=True)
    matter = EntryMatterOutput(source="grant.entry.matter", read_only=True)
    zone = SlugRelatedField[Zone](source="grant.zone", slug_field="slug", read_only=True)
    scored_by = SlugRelatedField[User](slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = GrantAssessment
        fields = [
            "id",
            "round",
            "annual_list",
            "grant",
            "entry",
            "sequence",
            "matter",
            "zone",
            "grant_status",
            "is_taken_up",
            "periods_reported",
            "cases_received",
            "cases_completed",
            "average_handling_days",
            "promised_limit_days",
            "zero_use_periods",
            "zero_use_ended_on",
            "is_flagged_zero_use",
            "supervision_filed_on",
            "scores",
            "score_total",
            "scored_by",
            "recommendation",
            "recommendation_reason",
            "is_illustrative",
        ]


class EntryDecisionOutput(serializers.ModelSerializer[EntryDecision]):
    reason = StoredTextField(help_text="The office's reason, in the request's language.")
    receiving_areas = SlugRelatedField[Zone](slug_field="slug", many=True, read_only=True)
    granting_department = SlugRelatedField[Department](
        slug_field="code", read_only=True, allow_null=True
    )
    supervising_department = SlugRelatedField[Department](
        slug_field="code", read_only=True, allow_null=True
    )
    next_entry = serializers.PrimaryKeyRelatedField[ListEntry](read_only=True, allow_null=True)
    next_change = serializers.CharField(
        source="next_entry.change", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = EntryDecision
        fields = [
            "id",
            "round",
            "entry",
            "recommended",
            "decision",
            "is_override",
            "reason",
            "changes_areas",
            "receiving_areas",
            "conditions",
            "notes",
            "granting_department",
            "supervising_department",
            "decided_on",
            "next_entry",
            "next_change",
            "is_illustrative",
        ]


class EntryRollUpOutput(serializers.Serializer[Any]):
    entry = serializers.IntegerField(source="entry.pk")
    sequence = serializers.IntegerField(source="entry.sequence")
    matter = EntryMatterOutput(source="entry.matter")
    grant_assessments = serializers.SerializerMethodField()
    recommended = serializers.CharField(allow_null=True)
    decision = EntryDecisionOutput(allow_null=True)

    def get_grant_assessments(self, rollup: EntryRollUp) -> list[int]:
        return [item.pk for item in rollup.assessments]


class FlaggedGrantOutput(serializers.Serializer[Any]):
    grant_id = serializers.IntegerField()
    zone_id = serializers.IntegerField()
    entry_id = serializers.IntegerField()
    consecutive_zero_periods = serializers.IntegerField()
    last_period_end = serializers.DateField()


class RoundOpenInput(serializers.Serializer[dict[str, Any]]):
    annual_list = serializers.CharField(help_text="The edition's key, e.g. 2023/batch-1.")
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=250, required=False, default="")
    period_starts_on = serializers.DateField()
    period_ends_on = serializers.DateField()
    opened_on = serializers.DateField()
    zero_use_periods = serializers.IntegerField(required=False, default=2)
    evaluators = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Usernames."
    )
    evaluating_body = serializers.CharField(max_length=200, required=False, default="")


class ScoreInput(serializers.Serializer[dict[str, Any]]):
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2),
        help_text="Criterion code → points.",
    )
    recommendation = serializers.ChoiceField(choices=_RECOMMENDATIONS)
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class DecideInput(serializers.Serializer[dict[str, Any]]):
    entry = serializers.IntegerField(help_text="Id of the assessed edition's entry.")
    decision = serializers.ChoiceField(choices=_RECOMMENDATIONS)
    reason = serializers.CharField(required=False, default="", allow_blank=True)
    decided_on = serializers.DateField()
    receiving_areas = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Zone slugs replacing the entry's areas; [] for every pilot area; omit to keep.",
    )
    conditions = serializers.CharField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_null=True, default=None)
    granting_department = serializers.CharField(required=False, allow_null=True, default=None)
    supervising_department = serializers.CharField(required=False, allow_null=True, default=None)


class DatedInput(serializers.Serializer[dict[str, Any]]):
    on = serializers.DateField()


class DraftInput(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    drafted_on = serializers.DateField()
    title_zh = serializers.CharField(required=False, default="", allow_blank=True)
    title_en = serializers.CharField(required=False, default="", allow_blank=True)
