from rest_framework import serializers

from devolve.core.api.bulk import record_ids
from devolve.core.api.fields import SlugRelatedField
from devolve.matters.models import Department
from devolve.regions.models import Zone
from devolve.reporting.models import (
    AreaReport,
    DepartmentReport,
    ReportingCycle,
    SupportProgress,
    UsageLine,
)
from devolve.reporting.services.bulk import BulkReportAction


class CycleOutput(serializers.ModelSerializer[ReportingCycle]):
    annual_list_key = serializers.CharField(source="annual_list.key", read_only=True)
    period_label = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = ReportingCycle
        fields = [
            "id",
            "annual_list",
            "annual_list_key",
            "frequency",
            "sequence",
            "period_label",
            "period_start",
            "period_end",
            "opens_on",
            "due_on",
            "locks_on",
            "is_illustrative",
        ]


class UsageLineOutput(serializers.ModelSerializer[UsageLine]):
    matter_code = serializers.CharField(source="grant.entry.matter.code", read_only=True)
    matter_name_zh = serializers.CharField(source="grant.entry.matter.name_zh", read_only=True)

    class Meta:
        model = UsageLine
        fields = [
            "grant",
            "matter_code",
            "matter_name_zh",
            "cases_received",
            "cases_completed",
            "average_handling_days",
            "promised_limit_days",
            "problems",
            "help_needed",
            "flags",
            "is_illustrative",
        ]


class AreaReportSummaryOutput(serializers.ModelSerializer[AreaReport]):
    """An area report as the list shows it: how many usage lines it has, not the lines (about
    hundreds a report at national scale); its detail shows them (ADR 0070)."""

    zone = SlugRelatedField[Zone](slug_field="slug", read_only=True)
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    line_count = serializers.IntegerField(
        read_only=True,
        help_text="How many usage lines the report has (one per grant it reports on); the "
        "report's detail shows them.",
    )

    class Meta:
        model = AreaReport
        fields = [
            "id",
            "cycle",
            "cycle_label",
            "zone",
            "status",
            "first_submitted_on",
            "submitted_on",
            "reviewed_on",
            "accepted_on",
            "return_reason",
            "reopened_until",
            "reopen_reason",
            "is_illustrative",
            "line_count",
        ]


class AreaReportOutput(AreaReportSummaryOutput):
    """An area report with its usage lines, one per grant (its detail and every write's
    answer)."""

    lines = UsageLineOutput(many=True, read_only=True)

    class Meta(AreaReportSummaryOutput.Meta):
        fields = [*AreaReportSummaryOutput.Meta.fields, "lines"]


class UsageLineInputSerializer(serializers.Serializer[object]):
    """Counts are not bounded here: the service refuses negative counts with the rule's code."""

    grant = serializers.IntegerField()
    cases_received = serializers.IntegerField()
    cases_completed = serializers.IntegerField()
    average_handling_days = serializers.DecimalField(
        max_digits=6, decimal_places=1, required=False, allow_null=True, default=None
    )
    promised_limit_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0
    )
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    help_needed = serializers.CharField(required=False, allow_blank=True, default="")


class AreaReportCreateInput(serializers.Serializer[object]):
    cycle = serializers.IntegerField(help_text="The reporting cycle's id.")
    lines = UsageLineInputSerializer(many=True)


class AreaReportUpdateInput(serializers.Serializer[object]):
    lines = UsageLineInputSerializer(many=True)


class ReturnReasonInput(serializers.Serializer[object]):
    reason = serializers.CharField(allow_blank=True)


class BulkAreaReportInput(serializers.Serializer[object]):
    action = serializers.ChoiceField(
        choices=BulkReportAction.choices,
        help_text="review: the prefecture forwards submitted reports; accept: the office accepts "
        "reviewed ones; return: either sends them back to the areas, with the reason.",
    )
    reports = record_ids("The ids of the area reports to act on.")
    reason = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Why (returns): one for all."
    )


class ReportReopenInput(serializers.Serializer[object]):
    reason = serializers.CharField(allow_blank=True)
    until = serializers.DateField()


class SupportProgressOutput(serializers.ModelSerializer[SupportProgress]):
    matter_name_zh = serializers.CharField(source="entry.matter.name_zh", read_only=True)
    department = serializers.CharField(source="report.department.code", read_only=True)
    cycle = serializers.IntegerField(source="report.cycle_id", read_only=True)
    report_status = serializers.CharField(source="report.status", read_only=True)

    class Meta:
        model = SupportProgress
        fields = [
            "id",
            "report",
            "report_status",
            "cycle",
            "department",
            "entry",
            "matter_name_zh",
            "progress_percent",
            "milestone",
            "status",
            "narrative",
            "is_illustrative",
        ]


class DepartmentReportOutput(serializers.ModelSerializer[DepartmentReport]):
    department = SlugRelatedField[Department](slug_field="code", read_only=True)
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    support_progress = SupportProgressOutput(many=True, read_only=True)

    class Meta:
        model = DepartmentReport
        fields = [
            "id",
            "cycle",
            "cycle_label",
            "department",
            "status",
            "guidance_sessions",
            "system_accounts_handed_over",
            "seals_handed_over",
            "staff_trained",
            "inspections_done",
            "narrative",
            "first_submitted_on",
            "submitted_on",
            "accepted_on",
            "return_reason",
            "is_illustrative",
            "support_progress",
        ]


class SupportProgressInput(serializers.Serializer[object]):
    entry = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SupportProgress.Status.choices)
    milestone = serializers.CharField(required=False, allow_blank=True, default="")
    narrative = serializers.CharField(required=False, allow_blank=True, default="")


class DepartmentReportInput(serializers.Serializer[object]):
    guidance_sessions = serializers.IntegerField()
    system_accounts_handed_over = serializers.IntegerField()
    seals_handed_over = serializers.IntegerField()
    staff_trained = serializers.IntegerField()
    inspections_done = serializers.IntegerField()
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    support_progress = SupportProgressInput(many=True)


class CompletenessOutput(serializers.Serializer[object]):
    key = serializers.CharField(help_text="Zone slug, prefecture code or department code.")
    name = serializers.CharField(source="label")
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    submitted_on_time = serializers.IntegerField()
    accepted = serializers.IntegerField()
    returned = serializers.IntegerField()
    overdue = serializers.IntegerField()
    completeness = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    timeliness = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class AcceptedUsageOutput(serializers.ModelSerializer[UsageLine]):
    """One grant's use in one period, from an accepted report."""

    annual_list = serializers.CharField(
        source="report.cycle.annual_list.key", read_only=True, help_text="The edition's key."
    )
    period_start = serializers.DateField(source="report.cycle.period_start", read_only=True)
    period_end = serializers.DateField(source="report.cycle.period_end", read_only=True)
    period = serializers.CharField(source="report.cycle.label", read_only=True)
    zone = serializers.CharField(source="report.zone.slug", read_only=True)
    matter = serializers.CharField(
        source="grant.entry.matter.key", read_only=True, help_text="The matter's public key."
    )

    class Meta:
        model = UsageLine
        fields = [
            "annual_list",
            "period_start",
            "period_end",
            "period",
            "zone",
            "matter",
            "grant",
            "cases_received",
            "cases_completed",
            "average_handling_days",
            "promised_limit_days",
            "is_illustrative",
        ]
