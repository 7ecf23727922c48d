"""HTML input for a grant's life: agreement, handover, supervision filing, recall.

Each form's cleaned data are the keyword arguments of the one service its page calls. The
services decide what is allowed (dates in order, a reason for a recall, a named document); these
forms only turn input into arguments.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm
from devolve.grants.models import Grant
from devolve.regions.models import Zone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class EntrustmentAgreementForm(DesignSystemForm):
    """Record a signed entrustment agreement (``sign_entrustment_agreement``)."""

    SCOPE_CHOICES = [
        ("acceptance", _("Acceptance (受理)")),
        ("review", _("Review (审查)")),
        ("decision", _("Decision (决定)")),
    ]

    number = forms.CharField(
        label=_("Agreement number"), max_length=100, help_text=_("e.g. 川司委〔2024〕7号")
    )
    entrusted_body = forms.CharField(
        label=_("Entrusted body"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the pilot area's management committee."),
    )
    scope = forms.MultipleChoiceField(
        label=_("Scope entrusted"),
        choices=SCOPE_CHOICES,
        required=False,
        initial=["acceptance", "review", "decision"],
        widget=forms.CheckboxSelectMultiple,
    )
    signed_on = _date_field(_("Signed on"))
    starts_on = _date_field(_("Term starts on"))
    ends_on = _date_field(_("Term ends on"))
    document = forms.CharField(label=_("Document reference"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scope = set(cleaned.pop("scope", None) or [])
        cleaned["covers_acceptance"] = "acceptance" in scope
        cleaned["covers_review"] = "review" in scope
        cleaned["covers_decision"] = "decision" in scope
        return cleaned


class HandoverForm(DesignSystemForm):
    """Files, systems, seals and cases handed over (``record_handover``)."""

    handed_over_on = _date_field(_("Handed over on"))


class SupervisionForm(DesignSystemForm):
    """Supervision measures filed (``file_supervision_measures``)."""

    filed_on = _date_field(_("Filed on"))
    document = forms.CharField(
        label=_("Filed document"), max_length=200, required=False, help_text=_("Its reference.")
    )


class RecallForm(DesignSystemForm):
    """Take the power back from the pilot area (``recall_grant``)."""

    recalled_on = _date_field(_("Recalled on"))
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GrantFilterForm(forms.Form):
    """Narrow a list of grants to one pilot area and one status (an empty choice shows all)."""

    zone = forms.ModelChoiceField(
        label=_("Pilot area"),
        queryset=Zone.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Every pilot area"),
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Grant.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, data: Any = None, *, grants: QuerySet[Grant]) -> None:
        super().__init__(data)
        field = self.fields["zone"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
        field.queryset = (
            Zone.objects.filter(grants__in=grants).distinct().order_by("prefecture__code", "slug")
        )

    def filter(self, grants: QuerySet[Grant]) -> QuerySet[Grant]:
        if not self.is_valid():
            return grants
        if self.cleaned_data["zone"]:
            grants = grants.filter(zone=self.cleaned_data["zone"])
        if self.cleaned_data["status"]:
            grants = grants.filter(status=self.cleaned_data["status"])
        return grants
