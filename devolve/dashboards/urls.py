from devolve.dashboards.views import (
    annual_lists,
    assessments,
    demand,
    documents,
    economy,
    grants,
    list_imports,
    performance,
    registry,
    reporting,
    search,
    selection,
)

app_name = "dashboards"
urlpatterns = [
    *registry.urlpatterns,
    *annual_lists.urlpatterns,
    *grants.urlpatterns,
    *demand.urlpatterns,
    *list_imports.urlpatterns,
    *economy.urlpatterns,
    *selection.urlpatterns,
    *reporting.urlpatterns,
    *assessments.urlpatterns,
    *performance.urlpatterns,
    *search.urlpatterns,
    *documents.urlpatterns,
]
