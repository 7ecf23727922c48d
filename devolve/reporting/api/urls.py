from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from devolve.reporting.api import views

router = SimpleRouter()
router.register("usage", views.AcceptedUsageViewSet, basename="accepted-usage")
router.register("reporting/cycles", views.CycleViewSet, basename="reporting-cycle")
router.register("reporting/area-reports", views.AreaReportViewSet, basename="area-report")
router.register(
    "reporting/department-reports", views.DepartmentReportViewSet, basename="department-report"
)
router.register(
    "reporting/support-progress", views.SupportProgressViewSet, basename="support-progress"
)
urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "reporting/completeness/",
        views.CompletenessApi.as_view(),
        name="reporting-completeness",
    ),
    *router.urls,
]
