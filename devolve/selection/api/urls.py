from rest_framework.routers import SimpleRouter

from devolve.selection.api import views

router = SimpleRouter()
router.register("selection-rounds", views.SelectionRoundViewSet, basename="selection-round")
router.register("scoring-runs", views.ScoringRunViewSet, basename="scoring-run")
urlpatterns = router.urls
