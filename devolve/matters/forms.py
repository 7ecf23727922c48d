from django import forms
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm
from devolve.matters.models import Department, Matter, MatterType


class MatterForm(DesignSystemForm):
    code = forms.CharField(label=_("Matter code"), max_length=64, required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Matter.Kind.choices)
    matter_type = forms.ModelChoiceField(
        label=_("Matter type"),
        queryset=MatterType.objects.order_by("sort_order"),
        required=False,
        empty_label=_("None (support matter)"),
    )
    competent_department = forms.ModelChoiceField(
        label=_("Competent department"),
        queryset=Department.objects.order_by("code"),
        empty_label=_("Choose a department"),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_matter(cls, matter: Matter, data: object = None) -> "MatterForm":
        initial = {
            "code": matter.code,
            "name_zh": matter.name_zh,
            "name_en": matter.name_en,
            "kind": matter.kind,
            "matter_type": matter.matter_type,
            "competent_department": matter.competent_department,
            "legal_basis": matter.legal_basis,
        }
        return cls(data, initial=initial)
