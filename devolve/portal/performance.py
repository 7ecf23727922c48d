"""Public pages of the performance feature, mounted by portal/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
