from django.urls import re_path
from rest_framework.routers import SimpleRouter

from devolve.grants.api import views
from devolve.matters.api.views import ANNUAL_LIST_KEY

router = SimpleRouter()
router.register("grants", views.GrantViewSet, basename="grant")
router.register("agreements", views.EntrustmentAgreementViewSet, basename="agreement")
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("activation-runs", views.ActivationRunViewSet, basename="activation-run")
urlpatterns = [
    re_path(
        rf"^annual-lists/(?P<key>{ANNUAL_LIST_KEY})/publish/$",
        views.AnnualListPublishApi.as_view(),
        name="annual-list-publish",
    ),
    re_path(
        rf"^annual-lists/(?P<key>{ANNUAL_LIST_KEY})/publication-preview/$",
        views.AnnualListPublicationPreviewApi.as_view(),
        name="annual-list-publication-preview",
    ),
    re_path(
        rf"^annual-lists/(?P<key>{ANNUAL_LIST_KEY})/take-up/$",
        views.AnnualListTakeUpApi.as_view(),
        name="annual-list-take-up",
    ),
    *router.urls,
]
