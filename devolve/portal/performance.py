"""Public pages of the performance feature, mounted by portal/urls.py: the published performance
assessments, and for each its ranking with tiers and every subject's points item by item.

Only published assessments appear (``list_published_assessments``); every figure is a stored
score, not computed on request.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from devolve.core.lists import configure_list, requested_download
from devolve.performance import selectors
from devolve.performance.tables import ItemPointsTable, PublishedRankingTable


@require_safe
def performance_list(request: HttpRequest) -> HttpResponse:
    context = {"assessments": selectors.list_published_assessments_newest_first()}
    return render(request, "portal/performance/performance_list.html", context)


@require_safe
def performance_ranking(request: HttpRequest, year: int, scheme: str) -> HttpResponse:
    """An assessment's ranking and every subject's points item by item, each a list that
    pages, sorts and downloads; the chart shows every score."""
    assessment = selectors.get_published_assessment(year=year, scheme_code=scheme)
    if assessment is None:
        raise Http404(_("No published assessment for that year and scheme."))
    scores = selectors.list_ranking(assessment=assessment)
    items = selectors.list_scheme_items(scheme=assessment.scheme)
    rows = selectors.list_ranking_rows(assessment=assessment)
    ranking = PublishedRankingTable(rows, prefix="ranking-")
    points = ItemPointsTable(
        selectors.with_item_points(rows, items=items), items=items, prefix="points-"
    )
    name = f"{assessment.year} {assessment.scheme}"
    lists = (
        configure_list(request, ranking, export_name=f"{name} {_('Rank')}"),
        configure_list(request, points, export_name=f"{name} {_('Points item by item')}"),
    )
    if download := requested_download(request, *lists):
        return download
    chart: dict[str, Any] = {
        "name": _("Score"),
        "labels": [str(score.subject) for score in scores],
        "values": [float(score.total) for score in scores],
    }
    context = {
        "assessment": assessment,
        "scores": scores,
        "ranking": ranking,
        "points": points,
        "chart": chart,
        "groups": selectors.list_scheme_groups(scheme=assessment.scheme),
    }
    return render(request, "portal/performance/performance_ranking.html", context)


urlpatterns: list[URLPattern] = [
    path("performance/", performance_list, name="performance_list"),
    path("performance/<int:year>/<slug:scheme>/", performance_ranking, name="performance_ranking"),
]
