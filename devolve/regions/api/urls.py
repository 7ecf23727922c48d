from rest_framework.routers import SimpleRouter

from devolve.regions.api import views

router = SimpleRouter()
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("zones", views.ZoneViewSet, basename="zone")
router.register("batches", views.BatchViewSet, basename="batch")
router.register("batch-memberships", views.BatchMembershipViewSet, basename="batch-membership")
router.register("pilot-areas", views.PilotAreaViewSet, basename="pilot-area")
urlpatterns = router.urls
