"""Staff pages for grants: timeline, agreement, handover, supervision, recall; what a
department owes and what an area holds."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
