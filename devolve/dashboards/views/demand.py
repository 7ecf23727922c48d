"""Staff pages for the demand list: areas file, departments answer or offer, the office decides."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
