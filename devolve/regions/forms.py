"""HTML input for registry changes. Validation of business rules happens in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm
from devolve.regions.models import Batch, Zone


class ZoneForm(DesignSystemForm):
    slug = forms.SlugField(
        label=_("Key"), max_length=60, help_text=_("Lower-case, used in public addresses.")
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=Zone.Kind.choices)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("Not confirmed")), *Zone.Level.choices], required=False
    )
    prefecture_code = forms.CharField(
        label=_("Prefecture code"),
        max_length=6,
        help_text=_("GB/T 2260 code, e.g. 510100 for Chengdu."),
    )
    established_on = forms.DateField(
        label=_("Established on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchMembershipForm(DesignSystemForm):
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=Zone.objects.order_by("prefecture__code", "slug"),
        to_field_name="slug",
        empty_label=_("Choose a zone"),
    )
    batch = forms.ModelChoiceField(
        label=_("Batch"),
        queryset=Batch.objects.order_by("number"),
        to_field_name="number",
        empty_label=_("Choose a batch"),
    )
    joined_on = forms.DateField(
        label=_("Joined on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    left_on = forms.DateField(
        label=_("Left on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
