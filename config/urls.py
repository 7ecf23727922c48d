from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from devolve.accounts.views import admin_sign_in

urlpatterns = [
    # Before the admin's own sign-in page: staff sign in (password, then code) in one place.
    path("admin/login/", admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("devolve.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    *i18n_patterns(
        path("accounts/", include("devolve.accounts.urls")),
        path("staff/", include("devolve.dashboards.urls")),
        path("", include("devolve.portal.urls")),
        prefix_default_language=False,
    ),
]
