"""Staff pages of the reporting feature. Routes are listed in ``urlpatterns``; dashboards/urls.py
mounts them."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
