"""The staff search page: the same search as the public one, over what the user's scope covers
(draft editions for programme staff, the documents of the grants the user may see)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from devolve.accounts.acting import acting_user
from devolve.core.access import requires
from devolve.search.forms import SearchForm
from devolve.search.results import KINDS, search


@requires("accounts.use_staff_pages")
@require_safe
def staff_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    valid = form.is_valid()
    query = form.cleaned_data.get("q") if valid else None
    results = (
        search(
            query,
            kinds=form.cleaned_data["kind"],
            user=acting_user(request),
            page=form.cleaned_data["page"] or 1,
        )
        if query is not None
        else None
    )
    context = {"form": form, "results": results, "kinds": KINDS}
    status = 200 if valid or not form.is_bound else 400
    return render(request, "dashboards/search.html", context, status=status)


urlpatterns = [path("search/", staff_search, name="staff_search")]
