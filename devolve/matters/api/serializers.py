from rest_framework import serializers

from devolve.matters.models import AuthorizationMode, Department, Matter, MatterType


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
    matter_type = serializers.SlugRelatedField[MatterType](slug_field="code", read_only=True)
    competent_department = serializers.SlugRelatedField[Department](
        slug_field="code", read_only=True
    )

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
    matter_type = serializers.SlugRelatedField(
        slug_field="code", queryset=MatterType.objects.all(), required=False, allow_null=True
    )
    competent_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all()
    )
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    # Declared fields leave the class at runtime; "parent" only shadows Field.parent for mypy.
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Matter.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
