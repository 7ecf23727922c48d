"""HTML input for regular assessment: opening a round, scoring a grant, deciding an entry,
drafting the next edition.

Each form's cleaned data are the keyword arguments of the one service its page calls; the
services decide what is allowed (rubric maxima, reasons, terms of a change).
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.assessments.models import RecommendationChoice
from devolve.assessments.rules import DEFAULT_ZERO_USE_PERIODS, Criterion
from devolve.core.forms import DesignSystemForm
from devolve.core.i18n import in_current_language
from devolve.matters.models import AnnualList, Department
from devolve.regions.models import Zone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RoundOpenForm(DesignSystemForm):
    """Open a round over a published edition (``open_assessment_round``)."""

    annual_list = forms.ModelChoiceField(
        label=_("Edition assessed"),
        queryset=AnnualList.objects.filter(
            status__in=[AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED]
        ).select_related("batch"),
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
    period_starts_on = _date_field(_("Period starts on"))
    period_ends_on = _date_field(_("Period ends on"))
    opened_on = _date_field(_("Opened on"))
    zero_use_periods = forms.IntegerField(
        label=_("Zero-use threshold (periods)"),
        min_value=1,
        initial=DEFAULT_ZERO_USE_PERIODS,
        help_text=_("Grants with no case in this many consecutive accepted periods are flagged."),
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=User.objects.filter(
            is_active=True, role__in=[User.Role.EVALUATOR, User.Role.OFFICE]
        ).order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evaluating_body = forms.CharField(
        label=_("Evaluating body"),
        max_length=200,
        required=False,
        help_text=_("The office, or the third party commissioned to evaluate."),
    )


class ScoreForm(DesignSystemForm):
    """Rubric scores, one field per criterion of the round, and the recommendation
    (``score_grant``)."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=RecommendationChoice.choices
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for anything but keep."),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        self.criteria = criteria
        super().__init__(*args, **kwargs)
        scored = {
            f"score_{criterion.code}": forms.DecimalField(
                label=in_current_language(zh=criterion.name_zh, en=criterion.name_en),
                help_text=_("0 to %(max)d points") % {"max": criterion.max_points},
                decimal_places=2,
                max_digits=6,
                widget=forms.NumberInput(
                    attrs={"step": "0.5", "class": "govuk-input govuk-input--width-5"}
                ),
            )
            for criterion in criteria
        }
        self.fields = {**scored, **self.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["scores"] = {
            criterion.code: cleaned.pop(f"score_{criterion.code}")
            for criterion in self.criteria
            if f"score_{criterion.code}" in cleaned
        }
        return cleaned


class EntryDecisionForm(DesignSystemForm):
    """The office's decision on one entry (``decide_entry``). Leave a term empty to keep it."""

    decision = forms.ChoiceField(label=_("Decision"), choices=RecommendationChoice.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to override the recommendation or to change the entry."),
    )
    changes_areas = forms.BooleanField(
        label=_("Change the receiving areas"),
        required=False,
        help_text=_("The areas ticked replace the entry's; none ticked means every pilot area."),
    )
    receiving_areas = forms.ModelMultipleChoiceField(
        label=_("Receiving areas"),
        queryset=Zone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conditions = forms.CharField(
        label=_("New conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("New notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    granting_department = forms.ModelChoiceField(
        label=_("New granting department"), queryset=Department.objects.all(), required=False
    )
    supervising_department = forms.ModelChoiceField(
        label=_("New supervising department"), queryset=Department.objects.all(), required=False
    )

    def __init__(self, *args: Any, zones: QuerySet[Zone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        receiving = self.fields["receiving_areas"]
        assert isinstance(receiving, forms.ModelMultipleChoiceField)  # noqa: S101
        receiving.queryset = zones

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        areas = cleaned.pop("receiving_areas", None)
        cleaned["receiving_areas"] = list(areas or []) if cleaned.pop("changes_areas") else None
        for name in ("conditions", "notes"):
            cleaned[name] = cleaned.get(name) or None
        return cleaned


class DraftNextEditionForm(DesignSystemForm):
    """Draft the next edition from the round's decisions (``draft_next_edition``)."""

    year = forms.IntegerField(label=_("Year of the next edition"), min_value=2000, max_value=2100)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
