from rest_framework.routers import SimpleRouter

from devolve.performance.api import views

router = SimpleRouter()
router.register("performance/schemes", views.SchemeViewSet, basename="performance-scheme")
router.register(
    "performance/assessments", views.AssessmentViewSet, basename="performance-assessment"
)
router.register("performance/scores", views.ScoreViewSet, basename="performance-score")
router.register("performance/appeals", views.AppealViewSet, basename="performance-appeal")
urlpatterns = router.urls
