"""HTML input of pilot-area selection: a round scored like an earlier one, candidate data, the
office's decision and its approval. The services decide what is allowed; these forms only turn
input into their arguments."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from devolve.core.forms import DesignSystemForm
from devolve.selection.models import SelectionRound
from devolve.selection.selectors import list_candidate_pool, list_rounds


class RoundLikeForm(DesignSystemForm):
    """A new round scored like an earlier one (``create_round_like``)."""

    template = forms.ModelChoiceField(
        label=gettext_lazy("Score it like"),
        queryset=SelectionRound.objects.none(),
        empty_label=None,
        help_text=gettext_lazy(
            "The new round takes this round's criteria, sub-indicators and weighting; its "
            "candidate data are imported afterwards."
        ),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Key"),
        max_length=60,
        help_text=gettext_lazy("Letters, digits and hyphens; used in addresses."),
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200)
    batch_number = forms.IntegerField(label=gettext_lazy("Batch it chooses"), min_value=1)
    candidates_as_of = forms.DateField(
        label=gettext_lazy("Candidates as of"),
        help_text=gettext_lazy("Zones that are not pilot areas on this day are the candidates."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    selection_size = forms.IntegerField(label=gettext_lazy("Zones to choose"), min_value=1)
    min_prefectures_covered = forms.IntegerField(
        label=gettext_lazy("Prefectures to cover at least"), min_value=0, initial=0
    )
    max_per_prefecture = forms.IntegerField(
        label=gettext_lazy("Zones per prefecture at most"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Leave empty for no limit."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        assert isinstance(template, forms.ModelChoiceField)  # noqa: S101 — declared above
        template.queryset = list_rounds()

    @classmethod
    def after(cls, latest: SelectionRound | None, data: Any = None) -> "RoundLikeForm":
        """The form, prefilled to follow the latest round: a year and a batch later."""
        if latest is None:
            return cls(data)
        initial = {
            "template": latest.pk,
            "year": latest.year + 1,
            "batch_number": latest.batch_number + 1,
            "selection_size": latest.selection_size,
            "min_prefectures_covered": latest.min_prefectures_covered,
            "max_per_prefecture": latest.max_per_prefecture,
        }
        return cls(data, initial=initial)


class CandidateImportForm(DesignSystemForm):
    upload = forms.FileField(
        label=gettext_lazy("Candidate data (.xlsx or CSV)"),
        help_text=gettext_lazy(
            "Long layout: columns zone, indicator, value (and year, source, missing_reason). "
            "Wide layout: a zone column and one column per sub-indicator code."
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".xlsx,.csv"}
        ),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False)


class DecisionForm(DesignSystemForm):
    meeting_zh = forms.CharField(label=gettext_lazy("Meeting (Chinese)"), max_length=200)
    meeting_en = forms.CharField(
        label=gettext_lazy("Meeting (English)"), max_length=250, required=False
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    chosen = forms.MultipleChoiceField(
        label=gettext_lazy("Chosen zones"), widget=forms.CheckboxSelectMultiple
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        required=False,
        help_text=gettext_lazy("Required when the choice differs from the recommendation."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, selection_round: SelectionRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [  # type: ignore[attr-defined]
            (zone.slug, str(zone)) for zone in list_candidate_pool(selection_round=selection_round)
        ]


class ApprovalForm(DesignSystemForm):
    starts_on = forms.DateField(
        label=gettext_lazy("The batch starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    announced_on = forms.DateField(
        label=gettext_lazy("Announced on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False)
