from rest_framework.routers import SimpleRouter

from devolve.documents.api import views

router = SimpleRouter()
router.register("documents", views.GeneratedDocumentViewSet, basename="generated-document")
urlpatterns = router.urls
