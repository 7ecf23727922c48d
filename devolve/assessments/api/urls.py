from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from devolve.assessments.api import views

router = SimpleRouter()
router.register("assessment-rounds", views.AssessmentRoundViewSet, basename="assessment-round")
router.register("grant-assessments", views.GrantAssessmentViewSet, basename="grant-assessment")
urlpatterns: list[URLPattern | URLResolver] = [
    path("flagged-grants/", views.FlaggedGrantsApi.as_view(), name="flagged-grants"),
    *router.urls,
]
