"""System checks that keep every door on the programme's scope rules."""

from typing import Any

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core import checks


def check_admin_scopes(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return admin_scope_errors(admin.site)


def admin_scope_errors(site: AdminSite) -> list[checks.CheckMessage]:
    """Every model in the admin is registered with a ``ProgrammeAdmin`` that declares its scope:
    a plain ``ModelAdmin`` would answer with Django's model permissions and show every row."""
    from devolve.accounts.admin import ProgrammeAdmin

    errors: list[checks.CheckMessage] = []
    for model, model_admin in site._registry.items():
        label = f"{model._meta.label} ({type(model_admin).__name__})"
        if not isinstance(model_admin, ProgrammeAdmin):
            errors.append(
                checks.Error(
                    f"{label} is not a ProgrammeAdmin, so it ignores the programme's scopes.",
                    hint="Subclass devolve.accounts.admin.ProgrammeAdmin and declare scope.",
                    obj=type(model_admin),
                    id="accounts.E001",
                )
            )
        elif type(model_admin).scope is ProgrammeAdmin.scope:
            errors.append(
                checks.Error(
                    f"{label} does not declare which records each reader sees.",
                    hint="Define scope(user, records) with the API's selector, or set "
                    "scope = every_record for reference data.",
                    obj=type(model_admin),
                    id="accounts.E002",
                )
            )
    return errors
