"""HTML input for appeals (filing one, deciding one), for opening a year's assessment and for the
next version of a scheme. Each form's cleaned data are the keyword arguments of the one service
its page calls; the services decide what is allowed."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm
from devolve.performance.models import IndicatorGroup, IndicatorItem, Scheme


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


class AssessmentForm(DesignSystemForm):
    """Open a year's assessment under a published scheme version
    (``create_performance_assessment``)."""

    scheme = forms.ModelChoiceField(
        label=_("Scheme version"), queryset=Scheme.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=_("Year assessed"), min_value=2000, max_value=2100)
    appeal_opens_on = forms.DateField(
        label=_("Appeals open on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    appeal_closes_on = forms.DateField(
        label=_("Appeals close on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scheme"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = Scheme.objects.filter(status=Scheme.Status.PUBLISHED).order_by(
            "code", "-version"
        )


class SchemeVersionForm(DesignSystemForm):
    """The next version of a scheme with new weights and targets
    (``create_next_scheme_version``): one field per group weight, per weighted item's weight and
    per target, each starting from the current version."""

    note = forms.CharField(
        label=_("What changes and why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the version, for the subjects and auditors."),
    )

    def __init__(self, *args: Any, groups: list[IndicatorGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        for group in groups:
            self.fields[f"group-{group.sequence}"] = _percent(
                _("Weight of “%(name)s” (%%)") % {"name": group}, group.weight
            )
            for item in group.items.all():
                if item.kind == IndicatorItem.Kind.WEIGHTED:
                    self.fields[f"weight-{item.code}"] = _percent(
                        _("Weight of “%(name)s” within its group (%%)") % {"name": item},
                        item.weight,
                    )
                if item.target is not None:
                    self.fields[f"target-{item.code}"] = forms.DecimalField(
                        label=_("Target of “%(name)s”") % {"name": item},
                        initial=item.target,
                        max_digits=16,
                        decimal_places=4,
                    )
        self.order_fields([*(name for name in self.fields if name != "note"), "note"])

    def changes(self) -> dict[str, Any]:
        """The service's keyword arguments: the note and every number as entered."""
        data = self.cleaned_data
        return {
            "note": data["note"],
            "group_weights": {
                group.sequence: data[f"group-{group.sequence}"] for group in self.groups
            },
            "item_weights": {
                name.removeprefix("weight-"): value
                for name, value in data.items()
                if name.startswith("weight-")
            },
            "item_targets": {
                name.removeprefix("target-"): value
                for name, value in data.items()
                if name.startswith("target-")
            },
        }


def _percent(label: str, initial: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, initial=initial, min_value=0, max_value=100, max_digits=6, decimal_places=2
    )
