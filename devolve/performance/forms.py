"""HTML input for appeals: filing one and deciding one. Each form's cleaned data are the keyword
arguments of the one service its page calls; the services decide what is allowed."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm
from devolve.performance.models import IndicatorItem


class ItemChoiceField(forms.ModelChoiceField[IndicatorItem]):
    def label_from_instance(self, obj: IndicatorItem) -> str:
        return f"{obj.group} · {obj}"


class AppealForm(DesignSystemForm):
    """Contest one item of a score (``file_appeal``)."""

    item = ItemChoiceField(label=_("Item contested"), queryset=IndicatorItem.objects.none())
    grounds = forms.CharField(
        label=_("Grounds and evidence"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say what is wrong and what shows it."),
    )
    claimed_value = forms.DecimalField(
        label=_("Value you claim"), required=False, max_digits=16, decimal_places=4
    )
    evidence_file = forms.FileField(label=_("Evidence file (optional)"), required=False)

    def __init__(self, *args: Any, items: list[IndicatorItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        assert isinstance(field, ItemChoiceField)  # noqa: S101 - declared above
        field.queryset = IndicatorItem.objects.filter(pk__in=[item.pk for item in items])


class AppealDecisionForm(DesignSystemForm):
    """The office's decision on an appeal (``decide_appeal``)."""

    DECISIONS = [
        ("upheld", _("Uphold: correct the input and recompute")),
        ("rejected", _("Reject")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    corrected_value = forms.DecimalField(
        label=_("Corrected value"),
        required=False,
        max_digits=16,
        decimal_places=4,
        help_text=_("Required when the appeal is upheld."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["upheld"] = cleaned.pop("decision", None) == "upheld"
        return cleaned


class ManualInputForm(DesignSystemForm):
    """A manual item's value for a subject, with evidence (``record_manual_input``)."""

    item = ItemChoiceField(label=_("Item"), queryset=IndicatorItem.objects.none())
    subject_key = forms.ChoiceField(label=_("Subject"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=4)
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the value comes from: a document, a meeting, an inspection."),
    )

    def __init__(
        self,
        *args: Any,
        items: list[IndicatorItem],
        subjects: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        item_field = self.fields["item"]
        assert isinstance(item_field, ItemChoiceField)  # noqa: S101 - declared above
        item_field.queryset = IndicatorItem.objects.filter(pk__in=[item.pk for item in items])
        subject_field = self.fields["subject_key"]
        assert isinstance(subject_field, forms.ChoiceField)  # noqa: S101 - declared above
        subject_field.choices = subjects
