from rest_framework.routers import SimpleRouter

from devolve.matters.api import views

router = SimpleRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("matter-types", views.MatterTypeViewSet, basename="matter-type")
router.register(
    "authorization-modes", views.AuthorizationModeViewSet, basename="authorization-mode"
)
router.register("matters", views.MatterViewSet, basename="matter")
urlpatterns = router.urls
