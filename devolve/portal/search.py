"""The public search page: every kind of published record, ranked, filtered by type, paginated.

Empty input shows the form; input the search refuses (longer than 200 characters) answers 400
with the reason; nothing is ever run as SQL or rendered as HTML.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from devolve.search.forms import SearchForm
from devolve.search.results import KINDS, search


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    valid = form.is_valid()
    query = form.cleaned_data.get("q") if valid else None
    results = (
        search(query, kinds=form.cleaned_data["kind"], page=form.cleaned_data["page"] or 1)
        if query is not None
        else None
    )
    context = {"form": form, "results": results, "kinds": KINDS}
    return render(
        request, "portal/search.html", context, status=200 if valid or not form.is_bound else 400
    )


urlpatterns: list[URLPattern] = [path("search/", search_page, name="search")]
