"""Staff pages of the selection feature. Routes are listed in ``urlpatterns``; dashboards/urls.py
mounts them."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
