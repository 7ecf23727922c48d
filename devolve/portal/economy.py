"""Public pages of the economy feature, mounted by portal/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
