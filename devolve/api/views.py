from django.http import HttpRequest
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

ENDPOINTS = [
    "division-list", "zone-list", "batch-list", "batch-membership-list", "pilot-area-list",
    "department-list", "matter-type-list", "authorization-mode-list", "matter-list",
    "annual-list-list", "demand-window-list", "demand-item-list", "grant-list", "agreement-list",
    "indicator-list", "observation-list", "evaluation-run-list", "selection-round-list",
    "reporting-cycle-list", "area-report-list", "department-report-list", "support-progress-list",
    "accepted-usage-list", "assessment-round-list", "grant-assessment-list",
    "performance-scheme-list",
    "performance-assessment-list", "performance-score-list", "performance-appeal-list",
    "generated-document-list", "change-list",
]  # fmt: skip


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: HttpRequest) -> Response:
    """An index of /api/v1/: each collection's address, the schema and the docs."""
    links = {
        name.removesuffix("-list"): request.build_absolute_uri(reverse(f"api:{name}"))
        for name in ENDPOINTS
    }
    links["schema"] = request.build_absolute_uri(reverse("api:schema"))
    links["docs"] = request.build_absolute_uri(reverse("api:docs"))
    return Response(links)
