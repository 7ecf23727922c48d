"""Staff pages for importing an official list workbook (dry run, then apply) and following a
background import."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
