"""HTML input for a grant's life: agreement, handover, supervision filing, recall.

Each form's cleaned data are the keyword arguments of the one service its page calls. The
services decide what is allowed (dates in order, a reason for a recall, a named document); these
forms only turn input into arguments.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm, chosen_ids
from devolve.core.i18n import marked_hint
from devolve.grants.publication import Regrant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class EntrustmentAgreementForm(DesignSystemForm):
    """Record a signed entrustment agreement (``sign_entrustment_agreement``)."""

    SCOPE_CHOICES = [
        ("acceptance", marked_hint(_("Acceptance ({term})"), term="受理")),
        ("review", marked_hint(_("Review ({term})"), term="审查")),
        ("decision", marked_hint(_("Decision ({term})"), term="决定")),
    ]

    number = forms.CharField(
        label=_("Agreement number"),
        max_length=100,
        help_text=marked_hint(_("e.g. {number}"), number="川司委〔2024〕7号"),
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


class BulkHandoverForm(HandoverForm):
    """Several grants handed over on one day (``record_handovers``): the chosen grants are the
    ticked rows (``grant``, one box per row). The service checks each grant."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["grant_ids"] = chosen_ids(
            self.data,
            "grant",
            nothing=gettext("Choose at least one grant."),
            invalid=gettext("The chosen grants are not grant ids."),
        )
        return cleaned


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


class PublicationDayForm(forms.Form):
    """The day whose publication the preview shows (read from the query string)."""

    published_on = _date_field(_("Published on"))


class AnnualListPublishForm(DesignSystemForm):
    """Publish an approved edition as previewed (``publish_annual_list``): the preview's
    fingerprint, a reason or "leave out" for each re-grant of a recalled power, and an explicit
    confirmation."""

    published_on = forms.DateField(widget=forms.HiddenInput)
    preview = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have checked what publishing does, as listed above."),
        error_messages={"required": _("Confirm that you have checked the preview.")},
    )

    def __init__(self, *args: Any, regrants: tuple[Regrant, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regrants = regrants
        for regrant in regrants:
            self.fields[f"reason__{regrant.key}"] = forms.CharField(
                label=_("Why grant it again"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
            )
            self.fields[f"leave_out__{regrant.key}"] = forms.BooleanField(
                label=_("Leave it out: no grant to this area"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            )

    def rows(self) -> list[tuple[Regrant, forms.BoundField, forms.BoundField]]:
        """Each re-grant with its reason and leave-out fields, for the page."""
        return [
            (regrant, self[f"reason__{regrant.key}"], self[f"leave_out__{regrant.key}"])
            for regrant in self.regrants
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "published_on": data["published_on"],
            "preview": data["preview"],
            "regrant_reasons": {
                regrant.key: data[f"reason__{regrant.key}"] for regrant in self.regrants
            },
            "left_out": [
                regrant.key for regrant in self.regrants if data[f"leave_out__{regrant.key}"]
            ],
        }
