from devolve.dashboards.views import annual_lists, demand, grants, list_imports, registry

app_name = "dashboards"
urlpatterns = [
    *registry.urlpatterns,
    *annual_lists.urlpatterns,
    *grants.urlpatterns,
    *demand.urlpatterns,
    *list_imports.urlpatterns,
]
