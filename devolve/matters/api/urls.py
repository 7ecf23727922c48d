from rest_framework.routers import SimpleRouter

from devolve.matters.api import views

router = SimpleRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("matter-types", views.MatterTypeViewSet, basename="matter-type")
router.register(
    "authorization-modes", views.AuthorizationModeViewSet, basename="authorization-mode"
)
router.register("matters", views.MatterViewSet, basename="matter")
router.register("annual-lists", views.AnnualListViewSet, basename="annual-list")
router.register(
    rf"annual-lists/(?P<annual_list_key>{views.ANNUAL_LIST_KEY})/entries",
    views.ListEntryViewSet,
    basename="list-entry",
)
router.register("demand-windows", views.DemandWindowViewSet, basename="demand-window")
router.register("demand-items", views.DemandItemViewSet, basename="demand-item")
urlpatterns = router.urls
