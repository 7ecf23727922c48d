from django.urls import path

from devolve.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("pilot-areas/", views.pilot_area_list, name="pilot_area_list"),
    path("zones/<slug:slug>/", views.zone_detail, name="zone_detail"),
    path("batches/<int:number>/", views.batch_detail, name="batch_detail"),
    path("prefectures/<str:code>/", views.prefecture_detail, name="prefecture_detail"),
    path("matters/", views.matter_list, name="matter_list"),
]
