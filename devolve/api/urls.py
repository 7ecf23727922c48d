"""/api/v1/: each domain app's API, the OpenAPI schema and its docs (served locally)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from devolve.api.views import api_root

app_name = "api"
urlpatterns = [
    path("", api_root, name="root"),
    path("", include("devolve.regions.api.urls")),
    path("", include("devolve.matters.api.urls")),
    path("", include("devolve.grants.api.urls")),
    path("", include("devolve.indicators.api.urls")),
    path("", include("devolve.selection.api.urls")),
    path("", include("devolve.reporting.api.urls")),
    path("", include("devolve.assessments.api.urls")),
    path("", include("devolve.performance.api.urls")),
    path("", include("devolve.documents.api.urls")),
    path("", include("devolve.core.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
