"""Staff pages for drafting, reviewing, approving and publishing annual list editions."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
