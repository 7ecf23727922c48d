"""HTML input of documents: asking for a briefing report or an official notice."""

from django import forms
from django.utils.translation import gettext_lazy

from devolve.core.forms import DesignSystemForm
from devolve.documents.models import DocumentFormat, DocumentKind, DocumentLanguage


class DocumentRequestForm(DesignSystemForm):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=DocumentKind.choices)
    subject_key = forms.CharField(
        label=gettext_lazy("For"),
        max_length=40,
        help_text=gettext_lazy(
            "The edition for a list notice (2024/batch-1), the year for a results notice (2024), "
            "the year or a period for a briefing (2024, or 2024-01-01..2024-06-30)."
        ),
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=DocumentFormat.choices, initial=DocumentFormat.PDF
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=DocumentLanguage.choices,
        initial=DocumentLanguage.CHINESE,
        help_text=gettext_lazy("Notices are issued in Chinese; a briefing may be in English."),
    )
    as_of = forms.DateField(
        label=gettext_lazy("Data as of"),
        required=False,
        help_text=gettext_lazy("For a briefing: the day to read the data as of; today if empty."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
