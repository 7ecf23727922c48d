"""Staff pages of the performance feature. Routes are listed in ``urlpatterns``; dashboards/urls.py
mounts them."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
