"""HTML input of reporting pages: shapes only. The services check the figures (``rules``) and
the steps, so a form and the API refuse the same input with the same message."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import chosen_ids
from devolve.matters.models import AnnualList
from devolve.reporting.models import ReportingCycle, SupportProgress

NUMBER = {"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"}
DECIMAL = {"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}
TEXT_AREA = {"class": "govuk-textarea", "rows": 2}


class UsageLineForm(forms.Form):
    """One grant's figures. Counts are not bounded here: the service refuses a negative count
    with the rule's message, as it does for the API."""

    grant_id = forms.IntegerField(widget=forms.HiddenInput)
    cases_received = forms.IntegerField(
        label=_("Cases received"), widget=forms.TextInput(attrs=NUMBER)
    )
    cases_completed = forms.IntegerField(
        label=_("Cases completed"), widget=forms.TextInput(attrs=NUMBER)
    )
    average_handling_days = forms.DecimalField(
        label=_("Average handling days"),
        required=False,
        max_digits=6,
        decimal_places=1,
        widget=forms.TextInput(attrs=DECIMAL),
    )
    promised_limit_days = forms.IntegerField(
        label=_("Promised limit (days)"),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs=NUMBER),
    )
    problems = forms.CharField(
        label=_("Problems met"), required=False, widget=forms.Textarea(attrs=TEXT_AREA)
    )
    help_needed = forms.CharField(
        label=_("Help needed"), required=False, widget=forms.Textarea(attrs=TEXT_AREA)
    )


UsageLineFormSet = forms.formset_factory(UsageLineForm, extra=0)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        help_text=_("The area sees this reason and fixes the report."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    until = forms.DateField(label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}))


class DepartmentFiguresForm(forms.Form):
    guidance_sessions = forms.IntegerField(label=_("Guidance sessions given"))
    system_accounts_handed_over = forms.IntegerField(label=_("System accounts handed over"))
    seals_handed_over = forms.IntegerField(label=_("Seals handed over"))
    staff_trained = forms.IntegerField(label=_("Staff trained"))
    inspections_done = forms.IntegerField(label=_("Inspections done"))
    narrative = forms.CharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupportProgressForm(forms.Form):
    entry_id = forms.IntegerField(widget=forms.HiddenInput)
    progress_percent = forms.IntegerField(
        label=_("Progress (%)"), widget=forms.TextInput(attrs=NUMBER)
    )
    status = forms.ChoiceField(label=_("Status"), choices=SupportProgress.Status.choices)
    milestone = forms.CharField(label=_("Milestone reached"), required=False, max_length=200)
    narrative = forms.CharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


SupportProgressFormSet = forms.formset_factory(SupportProgressForm, extra=0)


class GenerateCyclesForm(forms.Form):
    annual_list = forms.ModelChoiceField(
        label=_("Edition"), queryset=AnnualList.objects.published().select_related("batch")
    )
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReportingCycle.Frequency.choices)
    due_days = forms.IntegerField(
        label=_("Due this many days after a period ends"), initial=10, min_value=1
    )
    lock_days = forms.IntegerField(
        label=_("Entry locks this many days after the due date"), initial=20, min_value=0
    )


class CompletenessFilterForm(forms.Form):
    annual_list = forms.ModelChoiceField(
        label=_("Edition"),
        queryset=AnnualList.objects.published().select_related("batch"),
        required=False,
        empty_label=_("All editions"),
    )


CHOSEN = "chosen"
EVERY_MATCHING = "every_matching"


class BulkAreaReportForm(forms.Form):
    """The chosen reports (``report``, one box per row), what to do with them, and one reason for
    returns. The service checks each report's state and the actor's level."""

    action = forms.ChoiceField(
        label=_("With the chosen reports"), widget=forms.Select(attrs={"class": "govuk-select"})
    )
    reason = forms.CharField(
        label=_("Reason (for returns)"),
        required=False,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
        help_text=_("Each area sees this reason and fixes its report."),
    )

    scope = forms.ChoiceField(
        label=_("Act on"),
        choices=[
            (CHOSEN, _("The reports ticked above")),
            (EVERY_MATCHING, _("Every report the filters select, on every page")),
        ],
        initial=CHOSEN,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        help_text=_(
            "To forward or accept a whole level at once, filter the list (for example by "
            "status and cycle) and choose every report the filters select."
        ),
    )

    def __init__(self, data: Any = None, *, actions: list[tuple[str, Any]]) -> None:
        super().__init__(data)
        self.fields["action"].choices = actions  # type: ignore[attr-defined]

    @property
    def every_matching(self) -> bool:
        """The person chose every report the list's filters select, not the ticked ones."""
        return bool(self.is_valid() and self.cleaned_data.get("scope") == EVERY_MATCHING)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scope") == EVERY_MATCHING:
            cleaned["report_ids"] = []
            return cleaned
        cleaned["report_ids"] = chosen_ids(
            self.data,
            "report",
            nothing=_("Choose at least one report."),
            invalid=_("The chosen reports are not report ids."),
        )
        return cleaned
