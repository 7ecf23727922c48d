from django.urls import path

from devolve.core.api.changes import ChangeListApi

urlpatterns = [path("changes/", ChangeListApi.as_view(), name="change-list")]
