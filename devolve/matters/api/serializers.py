from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from devolve.core.api.fields import SlugRelatedField, StoredTextField
from devolve.matters import selectors
from devolve.matters.diff import EntryDifference, FieldChange
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    ListEntrySubItem,
    Matter,
    MatterType,
)
from devolve.matters.permissions import edition_actions
from devolve.matters.selectors import EditionCounts
from devolve.regions.models import Batch, Zone


class DepartmentOutput(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ["code", "name_zh", "name_en", "is_illustrative", "source"]


class MatterTypeOutput(serializers.ModelSerializer[MatterType]):
    class Meta:
        model = MatterType
        fields = ["code", "name_zh", "name_en", "is_administrative_power", "sort_order"]


class AuthorizationModeOutput(serializers.ModelSerializer[AuthorizationMode]):
    class Meta:
        model = AuthorizationMode
        fields = ["code", "name_zh", "name_en", "description_zh", "description_en", "sort_order"]


class MatterOutput(serializers.ModelSerializer[Matter]):
    matter_type = SlugRelatedField[MatterType](slug_field="code", read_only=True, allow_null=True)
    competent_department = SlugRelatedField[Department](slug_field="code", read_only=True)

    class Meta:
        model = Matter
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "kind",
            "matter_type",
            "competent_department",
            "legal_basis",
            "parent",
            "is_illustrative",
            "source",
        ]


class MatterInput(serializers.Serializer[Matter]):
    code = serializers.CharField(max_length=64, required=False, allow_blank=True)
    name_zh = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Matter.Kind.choices)
    matter_type = SlugRelatedField(
        slug_field="code", queryset=MatterType.objects.all(), required=False, allow_null=True
    )
    competent_department = SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    # Declared fields leave the class at runtime; "parent" only shadows Field.parent for mypy.
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Matter.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# Annual list editions ---------------------------------------------------------------------------


class AnnualListKeyField(serializers.CharField):
    """An edition named by its stable key (``2024/batch-1``, ``2024/batch-1/e2``)."""

    default_error_messages = {"unknown": _("No edition has the key “{edition}”.")}

    def to_internal_value(self, data: Any) -> AnnualList:  # type: ignore[override]
        key = super().to_internal_value(data)
        annual_list = selectors.get_annual_list_by_key(key=key)
        if annual_list is None:
            self.fail("unknown", edition=key)
        return annual_list

    def to_representation(self, value: object) -> str:
        return value.key if isinstance(value, AnnualList) else str(value)


class EditionCountsOutput(serializers.Serializer[EditionCounts]):
    entries = serializers.IntegerField(help_text="Live entries (withdrawn ones not counted).")
    powers = serializers.IntegerField()
    support = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    by_mode = serializers.DictField(
        child=serializers.IntegerField(), help_text="Live entries by authorization mode code."
    )


class AnnualListOutput(serializers.ModelSerializer[AnnualList]):
    key = serializers.CharField(read_only=True, help_text="Stable key, e.g. 2024/batch-1.")
    batch = SlugRelatedField[Batch](slug_field="number", read_only=True)
    predecessor = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What the requesting user may do with the edition now: submit, return, "
        "approve, publish (its lifecycle's moves), edit_entries (a draft), derive (the published "
        "edition). Empty for the public."
    )

    class Meta:
        model = AnnualList
        fields = [
            "key",
            "year",
            "batch",
            "edition",
            "predecessor",
            "status",
            "title_zh",
            "title_en",
            "approving_meeting_zh",
            "approving_meeting_en",
            "document_number",
            "issuing_authority_zh",
            "addressees_zh",
            "approved_on",
            "published_on",
            "superseded_on",
            "delegation_effective_days",
            "handover_working_days",
            "renewal_warning_days",
            "is_illustrative",
            "source",
            "counts",
            "actions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, annual_list: AnnualList) -> list[str]:
        request = self.context.get("request")
        return sorted(edition_actions(getattr(request, "user", None), annual_list))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_predecessor(self, annual_list: AnnualList) -> str | None:
        predecessor = annual_list.predecessor
        return predecessor.key if predecessor is not None else None

    @extend_schema_field(EditionCountsOutput)
    def get_counts(self, annual_list: AnnualList) -> dict[str, Any]:
        counts = self.context.get("counts", {}).get(annual_list.pk)  # a list: counted at once
        if counts is None:
            counts = selectors.count_entries(annual_list=annual_list)
        return EditionCountsOutput(counts).data


class AnnualListInput(serializers.Serializer[AnnualList]):
    year = serializers.IntegerField()
    batch = SlugRelatedField(slug_field="number", queryset=Batch.objects.all())
    edition = serializers.IntegerField(min_value=1, required=False, default=1)
    title_zh = serializers.CharField(required=False, default="", allow_blank=True)
    title_en = serializers.CharField(required=False, default="", allow_blank=True)
    delegation_effective_days = serializers.IntegerField(min_value=0, required=False, default=30)
    handover_working_days = serializers.IntegerField(min_value=0, required=False, default=30)
    renewal_warning_days = serializers.IntegerField(min_value=0, required=False, default=15)
    source = serializers.CharField(required=False, default="", allow_blank=True)  # type: ignore[assignment]  # shadows Field.source for mypy only


class AnnualListDeriveInput(serializers.Serializer[AnnualList]):
    year = serializers.IntegerField()
    edition = serializers.IntegerField(min_value=1, required=False, default=1)
    title_zh = serializers.CharField(required=False, default="", allow_blank=True)
    title_en = serializers.CharField(required=False, default="", allow_blank=True)
    source = serializers.CharField(required=False, default="", allow_blank=True)  # type: ignore[assignment]  # shadows Field.source for mypy only


class AnnualListTitleInput(serializers.Serializer[AnnualList]):
    """A draft's titles; a title left out stays as it is."""

    title_zh = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title_en = serializers.CharField(required=False, allow_blank=True, max_length=250)


class AnnualListReturnInput(serializers.Serializer[AnnualList]):
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class AnnualListApproveInput(serializers.Serializer[AnnualList]):
    approved_on = serializers.DateField()
    document_number = serializers.CharField(required=False, default="", allow_blank=True)
    approving_meeting_zh = serializers.CharField(required=False, default="", allow_blank=True)
    approving_meeting_en = serializers.CharField(required=False, default="", allow_blank=True)
    issuing_authority_zh = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=200
    )
    addressees_zh = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=300
    )


# Diff -------------------------------------------------------------------------------------------


class FieldChangeOutput(serializers.Serializer[FieldChange]):
    field = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class EntryDifferenceOutput(serializers.Serializer[EntryDifference]):
    kind = serializers.ChoiceField(
        choices=[
            ("added", "added"),
            ("removed", "removed"),
            ("modified", "modified"),
            ("unchanged", "unchanged"),
        ]
    )
    matter = serializers.IntegerField(source="snapshot.matter_id")
    matter_code = serializers.CharField(source="snapshot.matter_code")
    matter_name_zh = serializers.CharField(source="snapshot.matter_name_zh")
    matter_name_en = serializers.CharField(source="snapshot.matter_name_en")
    old_sequence = serializers.IntegerField(source="old.sequence", allow_null=True)
    new_sequence = serializers.IntegerField(source="new.sequence", allow_null=True)
    changes = FieldChangeOutput(many=True)
    reason = StoredTextField(help_text="Why the newer edition changed or withdrew it.")


class EditionDiffOutput(serializers.Serializer[dict[str, Any]]):
    old = serializers.CharField(help_text="Key of the older edition compared.")
    new = serializers.CharField(help_text="Key of the newer edition compared.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Matters added, removed, modified and unchanged.",
    )
    differences = EntryDifferenceOutput(many=True)


# List entries -----------------------------------------------------------------------------------


class EntryMatterOutput(serializers.ModelSerializer[Matter]):
    class Meta:
        model = Matter
        fields = ["id", "code", "name_zh", "name_en", "kind"]


class SubItemOutput(serializers.ModelSerializer[ListEntrySubItem]):
    matter = EntryMatterOutput(read_only=True)
    mode = SlugRelatedField[AuthorizationMode](slug_field="code", read_only=True)

    class Meta:
        model = ListEntrySubItem
        fields = ["matter", "mode"]


class ListEntryOutput(serializers.ModelSerializer[ListEntry]):
    matter = EntryMatterOutput(read_only=True)
    change_reason = StoredTextField(help_text="Why the entry changed, in the request's language.")
    mode = SlugRelatedField[AuthorizationMode](slug_field="code", read_only=True)
    granting_department = SlugRelatedField[Department](slug_field="code", read_only=True)
    supervising_department = SlugRelatedField[Department](
        slug_field="code", read_only=True, allow_null=True
    )
    receiving_areas = SlugRelatedField[Zone](slug_field="slug", many=True, read_only=True)
    changed_fields = serializers.JSONField(
        read_only=True, help_text="For a modified entry: field → [before, after]."
    )
    sub_items = SubItemOutput(many=True, read_only=True)

    class Meta:
        model = ListEntry
        fields = [
            "id",
            "sequence",
            "matter",
            "mode",
            "granting_department",
            "supervising_department",
            "all_areas",
            "receiving_areas",
            "conditions",
            "notes",
            "effective_on",
            "ends_on",
            "change",
            "change_reason",
            "changed_fields",
            "demand_item",
            "sub_items",
            "is_illustrative",
        ]


class ListEntryInput(serializers.Serializer[ListEntry]):
    matter = serializers.PrimaryKeyRelatedField(queryset=Matter.objects.all())
    mode = SlugRelatedField(slug_field="code", queryset=AuthorizationMode.objects.all())
    granting_department = SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    supervising_department = SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    receiving_areas = SlugRelatedField(
        slug_field="slug",
        queryset=Zone.objects.all(),
        many=True,
        required=False,
        help_text="Pilot areas (keys) of the batch; leave out for every pilot area of the batch.",
    )
    conditions = serializers.CharField(required=False, default="", allow_blank=True)
    notes = serializers.CharField(required=False, default="", allow_blank=True)
    effective_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="生效日期, if the list gives one."
    )
    ends_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="终止日期, if the list gives one."
    )
    sequence = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="Default: next."
    )
    change_reason = serializers.CharField(required=False, default="", allow_blank=True)


class ListEntryUpdateInput(serializers.Serializer[ListEntry]):
    """Only the fields sent change."""

    reason = serializers.CharField(required=False, default="", allow_blank=True)
    mode = SlugRelatedField(
        slug_field="code", queryset=AuthorizationMode.objects.all(), required=False
    )
    granting_department = SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False
    )
    supervising_department = SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="null removes the supervising department; leave it out to keep it.",
    )
    receiving_areas = SlugRelatedField(
        slug_field="slug",
        queryset=Zone.objects.all(),
        many=True,
        required=False,
        help_text="Pilot areas (keys) of the batch; an empty list means every pilot area.",
    )
    all_areas = serializers.BooleanField(required=False)
    conditions = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    effective_on = serializers.DateField(
        required=False, allow_null=True, help_text="null removes it; leave it out to keep it."
    )
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text="null removes it; leave it out to keep it."
    )


class ReasonInput(serializers.Serializer[ListEntry]):
    reason = serializers.CharField(required=False, default="", allow_blank=True)


# Demand lists -----------------------------------------------------------------------------------


class DemandWindowOutput(serializers.ModelSerializer[DemandWindow]):
    batch = SlugRelatedField[Batch](slug_field="number", read_only=True)

    class Meta:
        model = DemandWindow
        fields = ["id", "year", "batch", "opens_on", "closes_on"]


class DemandWindowInput(serializers.Serializer[DemandWindow]):
    year = serializers.IntegerField()
    batch = SlugRelatedField(slug_field="number", queryset=Batch.objects.all())
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()


class DemandItemOutput(serializers.ModelSerializer[DemandItem]):
    zone = SlugRelatedField[Zone](slug_field="slug", read_only=True, allow_null=True)
    matter = EntryMatterOutput(read_only=True, allow_null=True)
    department = SlugRelatedField[Department](slug_field="code", read_only=True)

    class Meta:
        model = DemandItem
        fields = [
            "id",
            "window",
            "origin",
            "zone",
            "matter",
            "description",
            "kind",
            "department",
            "justification",
            "status",
            "response",
            "response_reason",
            "responded_at",
            "decision_reason",
            "decided_at",
            "is_illustrative",
        ]


class DemandItemInput(serializers.Serializer[DemandItem]):
    window = serializers.PrimaryKeyRelatedField(queryset=DemandWindow.objects.all())
    zone = SlugRelatedField(slug_field="slug", queryset=Zone.objects.all())
    kind = serializers.ChoiceField(choices=DemandItem.Kind.choices)
    department = SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        help_text="The competent department; a catalogue matter's own department wins.",
    )
    matter = serializers.PrimaryKeyRelatedField(
        queryset=Matter.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, default="", allow_blank=True)
    justification = serializers.CharField(required=False, default="", allow_blank=True)


class DemandOfferInput(serializers.Serializer[DemandItem]):
    window = serializers.PrimaryKeyRelatedField(queryset=DemandWindow.objects.all())
    matter = serializers.PrimaryKeyRelatedField(queryset=Matter.objects.all())
    justification = serializers.CharField(required=False, default="", allow_blank=True)


class DemandAnswerInput(serializers.Serializer[DemandItem]):
    response = serializers.ChoiceField(choices=DemandItem.Response.choices)
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class DemandDecisionInput(serializers.Serializer[DemandItem]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, default="", allow_blank=True)
    annual_list = AnnualListKeyField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Key of the draft edition an accepted item joins, e.g. 2025/batch-1.",
    )
    mode = SlugRelatedField(
        slug_field="code",
        queryset=AuthorizationMode.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: delegate for a power, support for a support matter.",
    )
