"""HTML input of the economy feature: a statistics file to import and an evaluation run to start.
The services decide what is allowed; these forms only turn input into their arguments."""

from django import forms
from django.utils.translation import gettext_lazy

from devolve.core.forms import DesignSystemForm
from devolve.core.i18n import headings_with_glosses, marked_hint
from devolve.indicators.models import EvaluationRun, Indicator
from devolve.regions.models import Batch


class ObservationImportForm(DesignSystemForm):
    upload = forms.FileField(
        label=gettext_lazy("Statistics file (.xlsx or .csv)"),
        help_text=marked_hint(
            gettext_lazy(
                "One row per indicator, subject and period under a header row: {headings}."
            ),
            headings=lambda: headings_with_glosses(
                [
                    ("指标", "indicator"),
                    ("地区", "subject: a zone, prefecture or the province"),
                    ("年份", "year"),
                    ("季度", "quarter, optional"),
                    ("数值", "value"),
                ]
            ),
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".xlsx,.csv"}
        ),
    )
    vintage = forms.DateField(
        label=gettext_lazy("Release date"),
        help_text=gettext_lazy("The day the bureau published these figures, as YYYY-MM-DD."),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        help_text=gettext_lazy("The publication, e.g. the statistical communiqué and its year."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_simulated = forms.BooleanField(
        label=gettext_lazy("The figures are simulated (generated for a demo or a test)"),
        required=False,
    )


class EvaluationRunForm(DesignSystemForm):
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indicator"), queryset=Indicator.objects.all(), to_field_name="code"
    )
    batch = forms.ModelChoiceField(
        label=gettext_lazy("Batch whose page shows the run"),
        queryset=Batch.objects.order_by("number"),
        to_field_name="number",
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=EvaluationRun.Outcome.choices,
        help_text=gettext_lazy("A growth rate as published, or the log of a level."),
    )
    control = forms.ChoiceField(
        label=gettext_lazy("Comparison group"), choices=EvaluationRun.Control.choices
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=EvaluationRun.Method.choices,
        initial=EvaluationRun.Method.DOUBLY_ROBUST,
    )
    covariates = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Covariates (each zone's value in the first year)"),
        queryset=Indicator.objects.all(),
        to_field_name="code",
        required=False,
    )
    as_of = forms.DateField(
        label=gettext_lazy("Data as of"),
        help_text=gettext_lazy("The latest release on or before this day is used for each value."),
    )
    first_year = forms.IntegerField(label=gettext_lazy("First year"), min_value=1949)
    last_year = forms.IntegerField(label=gettext_lazy("Last year"), max_value=2100)
