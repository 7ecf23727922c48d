from rest_framework import serializers

from devolve.core.api.fields import SlugRelatedField
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.regions.selectors import active_membership_of


class DivisionOutput(serializers.ModelSerializer[Division]):
    # Declared fields leave the class at runtime; "parent" only shadows Field.parent for mypy.
    parent = SlugRelatedField[Division](  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Division
        fields = ["code", "level", "name_zh", "name_en", "parent"]


class ZoneOutput(serializers.ModelSerializer[Zone]):
    prefecture = SlugRelatedField[Division](slug_field="code", read_only=True)

    class Meta:
        model = Zone
        fields = [
            "slug",
            "name_zh",
            "name_en",
            "kind",
            "level",
            "prefecture",
            "management_committee_zh",
            "management_committee_en",
            "established_on",
            "is_illustrative",
            "source",
        ]


class ZoneInput(serializers.Serializer[Zone]):
    slug = serializers.SlugField(max_length=60)
    name_zh = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Zone.Kind.choices)
    level = serializers.ChoiceField(
        choices=Zone.Level.choices, required=False, default="", allow_blank=True
    )
    prefecture_code = serializers.CharField(max_length=12)
    management_committee_zh = serializers.CharField(max_length=150, required=False, default="")
    management_committee_en = serializers.CharField(max_length=200, required=False, default="")
    established_on = serializers.DateField(required=False, allow_null=True, default=None)
    source = serializers.CharField(required=False, default="")  # type: ignore[assignment]  # shadows Field.source for mypy only
    reason = serializers.CharField(required=False, default="")


class BatchOutput(serializers.ModelSerializer[Batch]):
    class Meta:
        model = Batch
        fields = [
            "number",
            "approving_meeting_zh",
            "approving_meeting_en",
            "approved_on",
            "announced_on",
            "starts_on",
            "is_illustrative",
            "source",
        ]


class BatchInput(serializers.Serializer[Batch]):
    number = serializers.IntegerField(min_value=1)
    starts_on = serializers.DateField()
    approved_on = serializers.DateField(required=False, allow_null=True, default=None)
    announced_on = serializers.DateField(required=False, allow_null=True, default=None)
    approving_meeting_zh = serializers.CharField(required=False, default="", allow_blank=True)
    approving_meeting_en = serializers.CharField(required=False, default="", allow_blank=True)
    source = serializers.CharField(required=False, default="", allow_blank=True)  # type: ignore[assignment]  # shadows Field.source for mypy only
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class MembershipOutput(serializers.ModelSerializer[BatchMembership]):
    zone = SlugRelatedField[Zone](slug_field="slug", read_only=True)
    batch = SlugRelatedField[Batch](slug_field="number", read_only=True)

    class Meta:
        model = BatchMembership
        fields = ["id", "zone", "batch", "joined_on", "left_on", "left_reason", "is_illustrative"]


class MembershipInput(serializers.Serializer[BatchMembership]):
    zone = SlugRelatedField[Zone](slug_field="slug", queryset=Zone.objects.all())
    batch = SlugRelatedField[Batch](slug_field="number", queryset=Batch.objects.all())
    joined_on = serializers.DateField()
    left_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class PilotAreaOutput(ZoneOutput):
    batch = serializers.SerializerMethodField()
    joined_on = serializers.SerializerMethodField()

    class Meta(ZoneOutput.Meta):
        fields = [*ZoneOutput.Meta.fields, "batch", "joined_on"]

    def get_batch(self, zone: Zone) -> int:
        return active_membership_of(zone).batch.number

    def get_joined_on(self, zone: Zone) -> str:
        return active_membership_of(zone).joined_on.isoformat()


class MembershipEndInput(serializers.Serializer[BatchMembership]):
    left_on = serializers.DateField()
    reason = serializers.CharField()
