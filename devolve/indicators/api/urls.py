from rest_framework.routers import SimpleRouter

from devolve.indicators.api import views

router = SimpleRouter()
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("observations", views.ObservationViewSet, basename="observation")
router.register("evaluation-runs", views.EvaluationRunViewSet, basename="evaluation-run")
urlpatterns = router.urls
