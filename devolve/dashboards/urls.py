from django.urls import path

from devolve.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard_home, name="dashboard_home"),
    path("matters/<int:pk>/edit/", views.matter_edit, name="matter_edit"),
    path("zones/new/", views.zone_create, name="zone_create"),
    path("batch-memberships/new/", views.batch_membership_create, name="batch_membership_create"),
    path("audit/", views.audit_event_list, name="audit_event_list"),
]
