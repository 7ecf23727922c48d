"""The search form shared by the public and the staff search pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm
from devolve.core.search import MAX_QUERY_LENGTH, SearchQuery, SearchQueryError, parse_query
from devolve.search.results import KINDS


class SearchForm(DesignSystemForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=False,
        help_text=_(
            "A word or part of one, in Chinese or English: a matter, pilot area, edition, "
            "department or document number."
        ),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    kind = forms.MultipleChoiceField(
        label=_("Show"),
        required=False,
        choices=list(KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_q(self) -> SearchQuery | None:
        """The parsed query; None for an empty one (the page then just shows the form)."""
        raw = self.cleaned_data.get("q") or ""
        if not raw.strip():
            return None
        try:
            return parse_query(raw)
        except SearchQueryError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from error
